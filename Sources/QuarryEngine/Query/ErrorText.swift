/// Every error of the engine in words, in one place, for the CLI, the REPL and the TUI alike:
/// a statement or filter that does not parse gets its line, column and a caret under the spot
/// (and "did you mean" where the parser found a near name); storage errors say file and line;
/// the others their own description (each error enum words its cases).
public enum ErrorText {
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let e as QueryError: return e.rendered
        case let e as FilterSyntaxError: return e.rendered
        case let e as StorageError: return e.message
        case let e as CustomStringConvertible: return e.description
        default: return String(describing: error)
        }
    }

    /// The first line alone (a status bar): the message without the statement and caret.
    public static func headline(_ error: any Error) -> String {
        String(describe(error).split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
