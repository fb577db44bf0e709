import MCP
import QuarryEngine

/// What can be wrong with a tool call before the engine sees it, in words (the engine's own
/// errors keep theirs: `ErrorText` renders both).
enum ToolError: Error, CustomStringConvertible {
    case unknownTool(String, suggestion: String?)
    case unknownArgument(tool: String, name: String, suggestion: String?)
    case missingArgument(tool: String, name: String)
    case wrongType(tool: String, name: String, expected: String)
    case readOnly(tool: String)
    case notExplainable(String)

    var description: String {
        switch self {
        case let .unknownTool(name, suggestion):
            return "no tool named '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case let .unknownArgument(tool, name, suggestion):
            return "\(tool): unknown argument '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case let .missingArgument(tool, name):
            return "\(tool): the argument '\(name)' is required"
        case let .wrongType(tool, name, expected):
            return "\(tool): the argument '\(name)' must be \(expected)"
        case let .readOnly(tool):
            return "\(tool) changes the database, and this server is read-only: start it as `quarry mcp --allow-writes` to allow it"
        case let .notExplainable(statement):
            return "explain_statement takes a SEARCH statement (EXPLAIN shows how one would run), not: \(statement)"
        }
    }
}

/// A tool call's arguments, read by name and type against the tool's declared properties:
/// an argument the tool does not declare is an error with "did you mean", not ignored.
struct ToolArguments {
    let tool: ToolDefinition
    let values: [String: Value]

    init(_ tool: ToolDefinition, _ values: [String: Value]?) throws(ToolError) {
        self.tool = tool
        self.values = values ?? [:]
        let known = tool.properties.map(\.name)
        for name in self.values.keys.sorted() where !known.contains(name) {
            throw .unknownArgument(tool: tool.name, name: name, suggestion: Suggest.nearest(to: name, in: known))
        }
    }

    private func present(_ name: String) -> Value? {
        guard let v = values[name], v != .null else { return nil }
        return v
    }

    func string(_ name: String) throws(ToolError) -> String? {
        guard let v = present(name) else { return nil }
        guard case let .string(s) = v else { throw .wrongType(tool: tool.name, name: name, expected: "a string") }
        return s
    }

    func requiredString(_ name: String) throws(ToolError) -> String {
        guard let s = try string(name), !s.isEmpty else { throw .missingArgument(tool: tool.name, name: name) }
        return s
    }

    func bool(_ name: String, default value: Bool) throws(ToolError) -> Bool {
        guard let v = present(name) else { return value }
        guard case let .bool(b) = v else { throw .wrongType(tool: tool.name, name: name, expected: "true or false") }
        return b
    }

    /// A list of strings, given as an array or as one comma-separated string (`title,text`).
    func strings(_ name: String) throws(ToolError) -> [String]? {
        guard let v = present(name) else { return nil }
        switch v {
        case let .string(s):
            return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case let .array(items):
            var out: [String] = []
            for item in items {
                guard case let .string(s) = item else { throw .wrongType(tool: tool.name, name: name, expected: "an array of strings") }
                out.append(s)
            }
            return out
        default:
            throw .wrongType(tool: tool.name, name: name, expected: "an array of strings")
        }
    }

    /// An object of name → scalar, each value as the text the engine parses.
    func settings(_ name: String) throws(ToolError) -> [(name: String, value: String)] {
        guard let v = present(name) else { return [] }
        guard case let .object(members) = v else { throw .wrongType(tool: tool.name, name: name, expected: "an object of name: value") }
        var out: [(name: String, value: String)] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let text = value.argumentText else {
                throw .wrongType(tool: tool.name, name: "\(name).\(key)", expected: "a string, number or boolean")
            }
            out.append((key, text))
        }
        return out
    }
}
