import QuarryEngine
import QuarryFilter

/// A Quarry filter printed in Milvus's boolean-expression syntax, for a pushed collection whose
/// record fields are Milvus fields (`id`, the text fields) and whose metadata is the JSON field
/// `metadata`: `metadata.tags[0] = 'x' AND metadata.year BETWEEN 2010 AND 2020` becomes
/// `(metadata["tags"][0] == "x") and ((metadata["year"] >= 2010) and (metadata["year"] <= 2020))`.
public enum MilvusExpression {
    /// `fields`: the top-level scalar fields of the Milvus collection besides `metadata`.
    public static func render(_ e: FilterExpr, fields: Set<String>) throws(MilvusError) -> String {
        switch e {
        case let .and(xs): return try xs.map { x throws(MilvusError) in "(" + (try render(x, fields: fields)) + ")" }.joined(separator: " and ")
        case let .or(xs): return try xs.map { x throws(MilvusError) in "(" + (try render(x, fields: fields)) + ")" }.joined(separator: " or ")
        case let .not(x): return "not (" + (try render(x, fields: fields)) + ")"
        case let .constant(b): return b ? "true" : "false"
        case let .compare(l, op, r):
            if case .literal(.null) = r { return try nullTest(l, negated: op == .ne, op: op, fields: fields) }
            if case .literal(.null) = l { return try nullTest(r, negated: op == .ne, op: op, fields: fields) }
            return "\(try value(l, fields: fields)) \(op.rawValue) \(try value(r, fields: fields))"
        case let .inList(v, list):
            // milvus-lite takes `in` on fields only: a JSON path gets the equivalent disjunction.
            if case let .path(p) = v, p.components.first == .key("metadata") {
                let target = try value(v, fields: fields)
                if list.isEmpty { return "false" }
                return "(" + (try list.map { x throws(MilvusError) in "\(target) == \(try literal(x))" }.joined(separator: " or ")) + ")"
            }
            return "\(try value(v, fields: fields)) in [\(try list.map { x throws(MilvusError) in try literal(x) }.joined(separator: ", "))]"
        case let .like(v, pattern):
            return "\(try value(v, fields: fields)) like \(try literal(.string(pattern)))"
        case let .isNull(v):
            return "\(try value(v, fields: fields)) is null"
        case let .exists(p):
            return "exists \(try path(p, fields: fields))"
        case let .contains(v, list, mode):
            let target = try value(v, fields: fields)
            if mode == .one, let first = list.first { return "\(mode.rawValue)(\(target), \(try literal(first)))" }
            return "\(mode.rawValue)(\(target), [\(try list.map { x throws(MilvusError) in try literal(x) }.joined(separator: ", "))])"
        case let .geo(g):
            // Milvus 2.6.4+ has GEOMETRY fields, but the push layout (MilvusLayout) and the wire
            // subset in Proto/ carry no geometry column, so a pushed collection has nothing to test.
            throw .unsupportedStatement("geometry filters (\(g.name.uppercased())) are not supported by the Milvus backend: pushed collections carry no GEOMETRY field; run it on the local engine")
        case let .textMatch(t):
            throw .unsupportedStatement("\(t.slop == nil ? "TEXT_MATCH" : "PHRASE_MATCH") on Milvus: the pushed collection's text is one field without enable_match (Milvus needs it, and positions for phrases); run the statement on the embedded engine")
        }
    }

    private static func nullTest(_ v: ValueExpr, negated: Bool, op: CompareOp, fields: Set<String>) throws(MilvusError) -> String {
        guard op == .eq || op == .ne else { throw .unsupportedStatement("Milvus cannot order by null (\(op.rawValue) null)") }
        return "\(try value(v, fields: fields)) is \(negated ? "not " : "")null"
    }

    static func value(_ v: ValueExpr, fields: Set<String>) throws(MilvusError) -> String {
        switch v {
        case let .literal(j): return try literal(j)
        case let .path(p): return try path(p, fields: fields)
        case let .arith(op, l, r): return "(\(try value(l, fields: fields)) \(op.rawValue) \(try value(r, fields: fields)))"
        case let .negate(x): return "-\(try value(x, fields: fields))"
        case let .arrayLength(x): return "array_length(\(try value(x, fields: fields)))"
        }
    }

    /// `metadata.a.b[0]` → `metadata["a"]["b"][0]`; `id`, `title` stay as they are.
    static func path(_ p: FilterPath, fields: Set<String>) throws(MilvusError) -> String {
        guard case let .key(head)? = p.components.first else {
            throw .unsupportedStatement("the filter path '\(p)' does not start with a field name")
        }
        if head == "metadata" {
            var out = "metadata"
            for c in p.components.dropFirst() {
                switch c {
                case let .key(k): out += "[\(quoted(k))]"
                case let .index(i): out += "[\(i)]"
                }
            }
            return out
        }
        guard fields.contains(head) else {
            throw .unsupportedStatement("the filter names '\(head)', which is not a field of the Milvus collection (fields: \((["metadata"] + fields.sorted()).joined(separator: ", ")))")
        }
        guard p.components.count == 1 else {
            throw .unsupportedStatement("'\(head)' is a text field; only metadata has paths (\(p))")
        }
        return head
    }

    static func literal(_ v: JSONValue) throws(MilvusError) -> String {
        switch v {
        case let .string(s): return quoted(s)
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case .null: throw .unsupportedStatement("Milvus expressions have no null literal; use 'is null'")
        case let .array(items): return "[" + (try items.map { x throws(MilvusError) in try literal(x) }.joined(separator: ", ")) + "]"
        case .object: throw .unsupportedStatement("Milvus expressions cannot compare with a JSON object")
        }
    }

    /// A double-quoted Milvus string literal.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
