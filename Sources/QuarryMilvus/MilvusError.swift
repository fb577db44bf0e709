/// What can go wrong talking to Milvus, each case turned into one clear line in `description`.
public enum MilvusError: Error, Sendable, Equatable, CustomStringConvertible {
    case badAddress(String)
    case unreachable(address: String, seconds: Double, detail: String)
    case timeout(address: String, call: String, seconds: Double)
    case server(call: String, code: Int32, reason: String)
    case rpc(call: String, message: String)
    case missingCollection(name: String, address: String, hint: String)
    case alreadyExists(name: String, address: String)
    case schemaMismatch(collection: String, problems: [String], hint: String)
    case unsupported(feature: String, server: String, needs: String)
    case unsupportedStatement(String)
    case countMismatch(collection: String, expected: Int, got: Int)
    case badData(String)

    public var description: String {
        switch self {
        case let .badAddress(text):
            return "bad Milvus address '\(text)' (expected milvus://HOST:PORT, e.g. milvus://127.0.0.1:19530)"
        case let .unreachable(address, seconds, detail):
            return "cannot reach Milvus at \(address) within \(Self.seconds(seconds)) (is the server running?)" + (detail.isEmpty ? "" : ": \(detail)")
        case let .timeout(address, call, seconds):
            return "Milvus at \(address) did not answer \(call) within \(Self.seconds(seconds))"
        case let .server(call, code, reason):
            return "Milvus refused \(call) (code \(code)): \(reason)"
        case let .rpc(call, message):
            return "Milvus \(call) failed: \(message)"
        case let .missingCollection(name, address, hint):
            return "Milvus at \(address) has no collection '\(name)'" + (hint.isEmpty ? "" : "; \(hint)")
        case let .alreadyExists(name, address):
            return "Milvus at \(address) already has a collection '\(name)'; push with --replace to drop and push it again, or --as ANOTHER_NAME"
        case let .schemaMismatch(collection, problems, hint):
            return "the Milvus collection '\(collection)' does not match the local one: " + problems.joined(separator: "; ") + (hint.isEmpty ? "" : " (\(hint))")
        case let .unsupported(feature, server, needs):
            return "\(feature) needs \(needs); the server is \(server)"
        case let .unsupportedStatement(message):
            return message
        case let .countMismatch(collection, expected, got):
            return "Milvus collection '\(collection)' holds \(got) rows after the push, expected \(expected)"
        case let .badData(message):
            return message
        }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}
