/// Errors of the query layer that are not storage, parse or index errors.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    case noIndex(collection: String, kind: String, hint: String)
    case badParameter(String)
    case unsupported(String)
    /// A segment file of an index cannot be used: what it is, why, and the command that rebuilds it.
    case damaged(what: String, reason: String, rebuild: String)
    /// The caller asked to stop (Ctrl-C in the shell).
    case cancelled

    public var description: String {
        switch self {
        case let .noIndex(collection, kind, hint):
            return "collection '\(collection)' has no \(kind) index; build one with: \(hint)"
        case let .badParameter(message), let .unsupported(message):
            return message
        case let .damaged(what, reason, rebuild):
            return "\(what) is damaged (\(reason)); rebuild it with: \(rebuild)"
        case .cancelled:
            return "cancelled"
        }
    }
}
