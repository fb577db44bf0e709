import MCP
import QuarryEngine

// The engine's JSON and the protocol's `Value` meet here, in both directions, once.

extension JSONValue {
    /// The same value as the protocol's `Value` (object keys keep their values, not their order:
    /// the text content beside it keeps the engine's order). A number that is not finite becomes
    /// null, as the engine's JSON text writes it.
    var mcpValue: Value {
        switch self {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(Int(i))
        case let .double(d): return d.isFinite ? .double(d) : .null
        case let .string(s): return .string(s)
        case let .array(items): return .array(items.map(\.mcpValue))
        case let .object(members):
            return .object(Dictionary(members.map { ($0.key, $0.value.mcpValue) }, uniquingKeysWith: { _, last in last }))
        }
    }
}

extension Value {
    /// A tool argument as the engine's JSON (binary data, which JSON arguments cannot carry, as null).
    var jsonValue: JSONValue {
        switch self {
        case .null, .data: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(Int64(i))
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        case let .array(items): return .array(items.map(\.jsonValue))
        case let .object(members): return .object(members.sorted { $0.key < $1.key }.map { JSONMember($0.key, $0.value.jsonValue) })
        }
    }

    /// An argument's value as text the engine parses (`SET`-style values, eval parameters).
    var argumentText: String? {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .double(d): return String(d)
        case let .bool(b): return b ? "on" : "off"
        default: return nil
        }
    }
}

/// The protocol's JSON value, named apart from the engine's types.
typealias MCPValue = MCP.Value
