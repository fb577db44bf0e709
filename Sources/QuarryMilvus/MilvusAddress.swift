/// Where a Milvus deployment listens: `milvus://HOST:PORT`, optionally `/COLLECTION` to name the
/// remote collection that statements about any local collection go to (as pushed with `--as`).
public struct MilvusAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultPort = 19530

    public var host: String
    public var port: Int
    public var collection: String?

    public init(host: String, port: Int = MilvusAddress.defaultPort, collection: String? = nil) {
        self.host = host
        self.port = port
        self.collection = collection
    }

    /// Parses `milvus://HOST[:PORT][/COLLECTION]`; IPv6 hosts go in brackets (`milvus://[::1]:19530`).
    public init(parsing text: String) throws(MilvusError) {
        let prefix = "milvus://"
        guard text.lowercased().hasPrefix(prefix) else { throw .badAddress(text) }
        var rest = Substring(text.dropFirst(prefix.count))
        var collection: String?
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            collection = path.isEmpty ? nil : String(path)
            rest = rest[..<slash]
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .badAddress(text) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badAddress(text) }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "@" }) else { throw .badAddress(text) }
        var port = Self.defaultPort
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw .badAddress(text) }
            port = p
        }
        self.init(host: String(host), port: port, collection: collection)
    }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "milvus://\(h):\(port)" + (collection.map { "/\($0)" } ?? "")
    }

    /// `HOST:PORT`, as messages name the server.
    public var endpoint: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}
