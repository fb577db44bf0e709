/// What can go wrong while loading the embedding model. Turned into words in one place
/// (`description`), so the REPL, the CLI and tests show the same text.
public enum EmbedError: Error, Equatable, Sendable {
    /// A model file is not where the lookup rule says it should be.
    case modelFileMissing(directory: String, file: String)
    /// A model file is there but has the wrong size or content.
    case modelFileDamaged(file: String, reason: String)
    /// `model.safetensors` does not parse, or lacks a tensor the encoder needs.
    case badWeights(reason: String)
    /// `vocab.txt` lacks a token the tokenizer needs.
    case badVocabulary(reason: String)

    /// How to get the model, appended to every message about missing or damaged files.
    public static let howToFetch =
        "run `make model` (or scripts/fetch-model.sh) to fetch all-MiniLM-L6-v2, "
        + "or set QUARRY_MODEL_DIR to a folder that holds it"
}

extension EmbedError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .modelFileMissing(directory, file):
            return "embedding model not found: \(file) is missing in \(directory); \(EmbedError.howToFetch)"
        case let .modelFileDamaged(file, reason):
            return "embedding model is damaged: \(file): \(reason); \(EmbedError.howToFetch)"
        case let .badWeights(reason):
            return "embedding model is damaged: model.safetensors: \(reason); \(EmbedError.howToFetch)"
        case let .badVocabulary(reason):
            return "embedding model is damaged: vocab.txt: \(reason); \(EmbedError.howToFetch)"
        }
    }
}
