import CStemmer

/// Namespace of the Text part of the engine.
public enum TextModule {
    static func linkCheck() -> Bool {
        let s = sb_stemmer_new("english", "UTF_8")
        defer { sb_stemmer_delete(s) }
        return s != nil
    }
}
