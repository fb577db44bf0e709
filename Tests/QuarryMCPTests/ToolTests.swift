import MCP
import QuarryEngine
import Testing
@testable import QuarryMCP

/// The words of every mistake a tool call can make before the engine sees it (a table of exact
/// messages, as the other error tests), and the JSON bridge between the engine and the protocol.
@Suite struct ToolTests {
    @Test(arguments: [
        (ToolError.unknownTool("get_recrod", suggestion: "get_record"), "no tool named 'get_recrod'; did you mean 'get_record'?"),
        (.unknownArgument(tool: "evaluate", name: "colection", suggestion: "collection"), "evaluate: unknown argument 'colection'; did you mean 'collection'?"),
        (.missingArgument(tool: "get_record", name: "id"), "get_record: the argument 'id' is required"),
        (.wrongType(tool: "explain_statement", name: "analyze", expected: "true or false"), "explain_statement: the argument 'analyze' must be true or false"),
        (.readOnly(tool: "build_index"), "build_index changes the database, and this server is read-only: start it as `quarry mcp --allow-writes` to allow it"),
        (.notExplainable("SHOW SETTINGS"), "explain_statement takes a SEARCH statement (EXPLAIN shows how one would run), not: SHOW SETTINGS"),
    ])
    func messages(_ error: ToolError, _ expected: String) {
        #expect(ErrorText.describe(error) == expected)
    }

    @Test func argumentsAreCheckedAgainstTheToolsProperties() throws {
        let tool = ToolCatalog.getRecord
        #expect(throws: ToolError.self) { try ToolArguments(tool, ["colection": "x"]) }
        let args = try ToolArguments(tool, ["collection": "scifact", "id": 4983, "vectors": "yes"])
        #expect(try args.requiredString("collection") == "scifact")
        do {
            _ = try args.requiredString("id")
            Issue.record("a number for a string argument was taken")
        } catch {
            #expect(error.description == "get_record: the argument 'id' must be a string")
        }
        do {
            _ = try args.bool("vectors", default: false)
            Issue.record("a string for a boolean argument was taken")
        } catch {
            #expect(error.description == "get_record: the argument 'vectors' must be true or false")
        }
        let empty = try ToolArguments(tool, nil)
        #expect(try empty.bool("vectors", default: true) == true)
        #expect(throws: ToolError.self) { try empty.requiredString("id") }
    }

    @Test func listsAreArraysOrCommaSeparated() throws {
        let tool = ToolCatalog.buildIndex
        #expect(try ToolArguments(tool, ["text_fields": "title, text"]).strings("text_fields") == ["title", "text"])
        #expect(try ToolArguments(tool, ["text_fields": ["title", "text"]]).strings("text_fields") == ["title", "text"])
        #expect(throws: ToolError.self) { try ToolArguments(tool, ["text_fields": [1, 2]]).strings("text_fields") }
        let settings = try ToolArguments(tool, ["parameters": ["M": 16, "refine_type": "sq8", "x": 0.5, "on": true]]).settings("parameters")
        #expect(settings.map(\.name) == ["M", "on", "refine_type", "x"])
        #expect(settings.map(\.value) == ["16", "on", "sq8", "0.5"])
    }

    @Test func everyToolHasAnObjectSchemaNamingItsRequiredArguments() {
        for definition in ToolCatalog.all {
            let tool = definition.tool
            #expect(tool.inputSchema.objectValue?["type"] == "object")
            let required = tool.inputSchema.objectValue?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(required == definition.properties.filter(\.required).map(\.name))
            #expect(tool.annotations.readOnlyHint == !definition.writes)
        }
        #expect(Set(ToolCatalog.all.map(\.name)).count == ToolCatalog.all.count)
    }

    @Test func jsonCrossesTheBridgeBothWays() {
        let engine: JSONValue = .object([
            JSONMember("n", .int(3)), JSONMember("x", .double(0.25)), JSONMember("s", .string("é")),
            JSONMember("a", .array([.bool(true), .null])), JSONMember("nan", .double(.nan)),
        ])
        let value = engine.mcpValue
        #expect(value == ["n": 3, "x": 0.25, "s": "é", "a": [true, nil], "nan": nil])
        // Back: keys sorted (the protocol's objects have no order), values the same.
        #expect(value.jsonValue == .object([
            JSONMember("a", .array([.bool(true), .null])), JSONMember("n", .int(3)), JSONMember("nan", .null),
            JSONMember("s", .string("é")), JSONMember("x", .double(0.25)),
        ]))
    }
}
