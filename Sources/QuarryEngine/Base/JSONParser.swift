/// A strict JSON parser (RFC 8259) over UTF-8 bytes that says where and what it expected.
///
/// Written for import: a malformed record must be reported as `corpus.jsonl:1207: expected ','
/// or '}'` (with the column), which a general-purpose decoder does not tell. Integers that fit
/// in Int64 stay integers; objects keep their key order; a duplicate key keeps the last value.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    /// What was expected or what is wrong, e.g. `expected ',' or '}'`.
    public let message: String
    /// 1-based column, counted in Unicode scalars.
    public let column: Int
    public var description: String { "column \(column): \(message)" }
}

public struct JSONParser {
    private let bytes: [UInt8]
    private var i = 0
    private let maxDepth = Bounds.documentNesting

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses one JSON document; trailing non-space bytes are an error. The bytes must be valid UTF-8.
    public static func parse(bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(bytes: bytes)
        p.skipSpace()
        guard p.i < bytes.count else { throw p.error("expected a JSON value, found end of line") }
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < bytes.count { throw p.error("unexpected \(p.describeHere()) after the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: - Errors

    private func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        let pos = min(position ?? i, bytes.count)
        // Column in scalars: count bytes that do not continue a UTF-8 sequence.
        var column = 1
        for b in bytes[0..<pos] where b & 0xC0 != 0x80 { column += 1 }
        return JSONParseError(message: message, column: column)
    }

    private func describeHere() -> String {
        guard i < bytes.count else { return "end of line" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    private func expected(_ what: String) -> JSONParseError {
        error("expected \(what), found \(describeHere())")
    }

    // MARK: - Grammar

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < maxDepth else { throw error(Bounds.nestingMessage(maxDepth)) }
        guard i < bytes.count else { throw expected("a JSON value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw expected("a JSON value")
        }
    }

    private mutating func literal(_ word: String) throws(JSONParseError) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw expected("a JSON value") }
        i += w.count
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        i += 1
        var members: [JSONMember] = []
        // Where each key is, once the object is past a few members: finding a duplicate by a
        // scan made a 40,000-key object quadratic (seconds to parse).
        var positions: [String: Int]?
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw expected("a string key") }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw expected("':'") }
            i += 1
            skipSpace()
            let v = try value(depth: depth + 1)
            let existing = positions.map { $0[key] } ?? members.firstIndex { $0.key == key }
            if let existing {
                members[existing].value = v
            } else {
                members.append(JSONMember(key, v))
                if positions != nil {
                    positions![key] = members.count - 1
                } else if members.count > 16 {
                    positions = Dictionary(members.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
                }
            }
            skipSpace()
            guard i < bytes.count else { throw expected("',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw expected("',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw expected("',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw expected("',' or ']'")
        }
    }

    private mutating func string() throws(JSONParseError) -> String {
        let start = i
        i += 1
        // Fast path: no escapes.
        var j = i
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\"), bytes[j] >= 0x20 { j += 1 }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
            let s = String(decoding: bytes[i..<j], as: UTF8.self)
            i = j + 1
            return s
        }
        var scalars = String.UnicodeScalarView()
        var buffer: [UInt8] = Array(bytes[i..<j])
        i = j
        func flush() {
            if !buffer.isEmpty { scalars.append(contentsOf: String(decoding: buffer, as: UTF8.self).unicodeScalars); buffer.removeAll(keepingCapacity: true) }
        }
        while true {
            guard i < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw error("control character in string (escape it as \\u00\(b < 16 ? "0" : "")\(String(b, radix: 16)))") }
            if b != UInt8(ascii: "\\") { buffer.append(b); i += 1; continue }
            flush()
            i += 1
            guard i < bytes.count else { throw error("unterminated string", at: start) }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate \\u\(String(code, radix: 16))")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate \\u\(String(code, radix: 16))") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw error("unpaired surrogate \\u\(String(code, radix: 16))")
                }
                scalars.append(Unicode.Scalar(code)!)
            default:
                i -= 1
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        flush()
        return String(scalars)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("expected 4 hex digits after \\u") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[i + k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("expected 4 hex digits after \\u", at: i + k)
            }
            v = v * 16 + d
        }
        i += 4
        return v
    }

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = i
        var isInteger = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw expected("a digit") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw error("leading zeros are not allowed in JSON numbers") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw expected("a digit after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw expected("a digit in the exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if isInteger, let v = Int64(text) { return .int(v) }
        guard let d = Double(text) else { throw error("number out of range", at: start) }
        return .double(d)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
