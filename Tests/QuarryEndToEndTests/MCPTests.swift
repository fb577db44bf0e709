import Foundation
import Testing

/// `quarry mcp` driven as an assistant drives it: the built binary as a subprocess, speaking the
/// Model Context Protocol's stdio transport (JSON-RPC 2.0, one message a line) — written here by
/// hand, so the test checks the wire and not a client library's reading of it.
final class MCPSession: @unchecked Sendable {
    let process = Process()
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private let lock = NSLock()
    private var lines: [Data] = []
    private var pending = Data()
    private let arrived = DispatchSemaphore(value: 0)
    private var nextID = 1

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["mcp"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.pending.append(data)
            var complete: [Data] = []
            while let newline = self.pending.firstIndex(of: UInt8(ascii: "\n")) {
                complete.append(Data(self.pending[..<newline]))
                self.pending = Data(self.pending[(newline + 1)...])
            }
            self.lines.append(contentsOf: complete)
            self.lock.unlock()
            for _ in complete { self.arrived.signal() }
        }
        try process.run()
    }

    private func send(_ message: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(data)
    }

    /// The next message the server writes (a response or a notification), within a minute.
    func nextMessage() throws -> [String: Any] {
        guard arrived.wait(timeout: .now() + 60) == .success else { throw MCPTestError.timeout }
        lock.lock()
        let line = lines.removeFirst()
        lock.unlock()
        guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw MCPTestError.notAnObject(String(decoding: line, as: UTF8.self))
        }
        return object
    }

    /// Sends a request and returns its response (notifications before it are skipped).
    func request(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        try response(to: try start(method, params))
    }

    /// Sends a request without waiting; its id.
    func start(_ method: String, _ params: [String: Any] = [:]) throws -> Int {
        let id = nextID
        nextID += 1
        try send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        return id
    }

    /// The response to request `id` (messages before it are skipped).
    func response(to id: Int) throws -> [String: Any] {
        while true {
            let message = try nextMessage()
            if message["id"] as? Int == id { return message }
        }
    }

    func notify(_ method: String, _ params: [String: Any] = [:]) throws {
        try send(["jsonrpc": "2.0", "method": method, "params": params])
    }

    /// `tools/call`: the result object (content, structuredContent, isError).
    func call(_ tool: String, _ arguments: [String: Any]) throws -> [String: Any] {
        let response = try request("tools/call", ["name": tool, "arguments": arguments])
        guard let result = response["result"] as? [String: Any] else { throw MCPTestError.noResult("\(response)") }
        return result
    }

    func initialize() throws -> [String: Any] {
        let response = try request("initialize", [
            "protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
            "clientInfo": ["name": "quarry-tests", "version": "1"],
        ])
        try notify("notifications/initialized")
        return response
    }

    /// Ends the input as a client does when it is done; the exit status.
    func close() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    var standardError: String {
        String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

enum MCPTestError: Error {
    case timeout
    case notAnObject(String)
    case noResult(String)
}

/// A tool result's text and structured content.
struct ToolAnswer {
    var isError: Bool
    var text: String
    var structured: [String: Any]?

    init(_ result: [String: Any]) {
        isError = result["isError"] as? Bool ?? false
        text = ((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
        structured = result["structuredContent"] as? [String: Any]
    }

    /// The text content parsed as JSON (the CLI's --json output of the same call).
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

@Suite(.serialized) struct MCPTests {
    /// The bundled SciFact sample with its vectors, query set and a BM25 index.
    static func database() throws -> (Scratch, String) {
        let s = Scratch()
        let db = s.file("sf.db")
        let sample = Binary.root + "/Samples/scifact"
        let imported = try Binary.run(["import", sample, "--collection", "scifact", "--db", db,
                                       "--vectors", sample + "/corpus.fbin", "--query-vectors", sample + "/queries.fbin"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let indexed = try Binary.run(["index", "--collection", "scifact", "--text", "title,text", "--db", db])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        return (s, db)
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// The files of the database and its segment folder with their bytes: what a read-only server must not change.
    static func snapshot(_ db: String) -> [String: Data] {
        var files: [String: Data] = [:]
        files[db] = FileManager.default.contents(atPath: db)
        let folder = db + ".segments"
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    @Test func readOnlyServerAnswersEveryToolAsTheCLIDoes() throws {
        let (s, db) = try Self.database()
        _ = s
        // Settle the WAL into the main file, so the comparison below sees only what the server does.
        let before = Self.snapshot(db)
        let session = try MCPSession(["--db", db])

        let initialized = try session.initialize()
        let info = try #require((initialized["result"] as? [String: Any])?["serverInfo"] as? [String: Any])
        #expect(info["name"] as? String == "quarry")
        #expect(((initialized["result"] as? [String: Any])?["capabilities"] as? [String: Any])?["tools"] != nil)

        // tools/list: every tool, each with an object schema; the writing ones say so.
        let listed = try #require(try session.request("tools/list")["result"] as? [String: Any])
        let tools = try #require(listed["tools"] as? [[String: Any]])
        let names = tools.compactMap { $0["name"] as? String }
        #expect(names == ["list_collections", "run_statement", "explain_statement", "get_record", "evaluate", "import_data", "build_index"])
        for tool in tools {
            #expect((tool["inputSchema"] as? [String: Any])?["type"] as? String == "object")
            let writes = ["import_data", "build_index"].contains(tool["name"] as? String ?? "")
            #expect((tool["annotations"] as? [String: Any])?["readOnlyHint"] as? Bool == !writes)
        }

        // list_collections: the schema as `quarry collections --json` gives it, and the metadata paths.
        let listedCollections = ToolAnswer(try session.call("list_collections", [:]))
        #expect(!listedCollections.isError, "\(listedCollections.text)")
        let collections = try #require(listedCollections.json?["collections"] as? [[String: Any]])
        #expect(collections.count == 1)
        let scifact = try #require(collections.first)
        #expect(scifact["name"] as? String == "scifact")
        #expect(scifact["records"] as? Int == 5183)
        #expect(scifact["text_fields"] as? [String] == ["title", "text"])
        let vectorField = try #require((scifact["vector_fields"] as? [[String: Any]])?.first)
        #expect(vectorField["dim"] as? Int == 384)
        #expect(vectorField["metric"] as? String == "cosine")
        #expect((scifact["indexes"] as? [[String: Any]])?.contains { $0["kind"] as? String == "bm25" } == true)
        #expect(scifact["metadata_paths"] is [Any])
        let cli = try #require(Self.json(try Binary.run(["collections", "--json", "--db", db]).stdout) as? [[String: Any]])
        for key in ["name", "records", "id_field", "text_fields", "queries"] {
            #expect("\(cli[0][key] ?? "")" == "\(scifact[key] ?? "")", "\(key)")
        }
        // The structured content is the same data as the text.
        let structured = try #require(listedCollections.structured?["collections"] as? [[String: Any]])
        #expect(structured.first?["records"] as? Int == 5183)

        // run_statement: the hits of `quarry query --json`.
        let statement = "SEARCH scifact MATCH 'microRNA cancer' LIMIT 5"
        let ran = ToolAnswer(try session.call("run_statement", ["statement": statement]))
        #expect(!ran.isError, "\(ran.text)")
        let hits = try #require(ran.json?["hits"] as? [[String: Any]])
        #expect(hits.count == 5)
        #expect(ran.json?["plan"] != nil && ran.json?["timing_ms"] != nil)
        let cliRun = try #require(Self.json(try Binary.run(["query", "--json", statement, "--db", db]).stdout) as? [String: Any])
        let cliIDs = (cliRun["hits"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(hits.compactMap { $0["id"] as? String } == cliIDs)

        // explain_statement: the plan, and with analyze the measured plan with recall against exact.
        let explained = ToolAnswer(try session.call("explain_statement", ["statement": "SEARCH scifact NEAR DOC '4983' LIMIT 5"]))
        #expect(!explained.isError, "\(explained.text)")
        let plan = try #require(explained.json?["plan"] as? [String: Any])
        #expect(!explained.text.contains("\"actual"))
        let analyzed = ToolAnswer(try session.call("explain_statement", ["statement": "SEARCH scifact NEAR DOC '4983' LIMIT 5", "analyze": true]))
        #expect(!analyzed.isError, "\(analyzed.text)")
        #expect(analyzed.text.contains("\"actual"))
        let cliPlan = try #require(Self.json(try Binary.run(["query", "--json", "EXPLAIN SEARCH scifact NEAR DOC '4983' LIMIT 5", "--db", db]).stdout) as? [String: Any])
        #expect("\(plan.keys.sorted())" == "\(((cliPlan["plan"] as? [String: Any]) ?? [:]).keys.sorted())")
        let notSearch = ToolAnswer(try session.call("explain_statement", ["statement": "SHOW SETTINGS"]))
        #expect(notSearch.isError)

        // get_record: the record as `quarry get --json` gives it, without the vectors unless asked.
        let record = ToolAnswer(try session.call("get_record", ["collection": "scifact", "id": "4983"]))
        #expect(!record.isError, "\(record.text)")
        let cliRecord = try #require(Self.json(try Binary.run(["get", "--collection", "scifact", "4983", "--json", "--db", db]).stdout) as? [String: Any])
        #expect(Set(record.json?.keys.map { $0 } ?? []) == Set(cliRecord.keys).subtracting(["embedding"]))
        #expect(record.json?["title"] as? String == cliRecord["title"] as? String)
        let withVectors = ToolAnswer(try session.call("get_record", ["collection": "scifact", "id": "4983", "vectors": true]))
        #expect((withVectors.json?["embedding"] as? [Any])?.count == 384)
        let missing = ToolAnswer(try session.call("get_record", ["collection": "scifact", "id": "no-such-id"]))
        #expect(missing.isError)
        #expect(missing.text == "no record 'no-such-id' in collection 'scifact'")

        // evaluate: the metrics of `quarry eval --json`; the read-only server stores no run.
        let evaluated = ToolAnswer(try session.call("evaluate", ["collection": "scifact", "mode": "bm25", "parameters": ["warmup": 0]]))
        #expect(!evaluated.isError, "\(evaluated.text)")
        let ndcg = try #require(evaluated.json?["ndcg@10"] as? Double)
        #expect(evaluated.json?["run_id"] == nil)

        // Errors come back as the CLI words them (the caret under a statement's error), as tool errors.
        let bad = "SEARCH scifact MATCH 'x' LIMT 5"
        let failed = ToolAnswer(try session.call("run_statement", ["statement": bad]))
        #expect(failed.isError)
        let cliFailed = try Binary.run(["query", bad, "--db", db])
        #expect(cliFailed.status != 0)
        #expect("quarry: error: " + failed.text + "\n" == cliFailed.stderr)
        let unknownArgument = ToolAnswer(try session.call("run_statement", ["statment": statement]))
        #expect(unknownArgument.isError)
        #expect(unknownArgument.text == "run_statement: unknown argument 'statment'; did you mean 'statement'?")
        let unknownTool = ToolAnswer(try session.call("run_statment", ["statement": statement]))
        #expect(unknownTool.text == "no tool named 'run_statment'; did you mean 'run_statement'?")

        // Writes are refused without --allow-writes, and nothing changed.
        let corpus = s.write("more.jsonl", "{\"_id\": \"n1\", \"title\": \"new\", \"text\": \"a new record\"}\n")
        let refusedImport = ToolAnswer(try session.call("import_data", ["path": corpus, "collection": "more"]))
        #expect(refusedImport.isError)
        #expect(refusedImport.text.contains("--allow-writes"))
        let refusedIndex = ToolAnswer(try session.call("build_index", ["collection": "scifact", "vector_field": "embedding", "type": "flat"]))
        #expect(refusedIndex.isError)

        #expect(session.close() == 0)
        #expect(session.standardError.isEmpty)
        #expect(Self.snapshot(db) == before, "the read-only server changed the database")

        // The CLI's evaluation of the same request gives the same nDCG@10.
        let cliEval = try #require(Self.json(try Binary.run(["eval", "--collection", "scifact", "--mode", "bm25", "--json", "--db", db]).stdout) as? [String: Any])
        #expect(cliEval["ndcg@10"] as? Double == ndcg)
    }

    @Test func allowWritesImportsIndexesAndStoresRuns() throws {
        let (s, db) = try Self.database()
        let session = try MCPSession(["--db", db, "--allow-writes"])
        _ = try session.initialize()
        let corpus = s.write("more.jsonl", """
            {"_id": "n1", "title": "tidal power", "text": "energy from the tides", "year": 2020}
            {"_id": "n2", "title": "wind power", "text": "energy from the wind", "year": 2021}

            """)
        let imported = ToolAnswer(try session.call("import_data", ["path": corpus, "collection": "energy"]))
        #expect(!imported.isError, "\(imported.text)")
        #expect(imported.json?["records"] as? Int == 2)
        let built = ToolAnswer(try session.call("build_index", ["collection": "energy"]))
        #expect(!built.isError, "\(built.text)")
        #expect(((built.json?["built"] as? [[String: Any]])?.first)?["index"] as? String == "bm25")
        let found = ToolAnswer(try session.call("run_statement", ["statement": "SEARCH energy MATCH 'tides' WHERE metadata.year < 2021 LIMIT 3"]))
        #expect((found.json?["hits"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["n1"], "\(found.text)")
        let flat = ToolAnswer(try session.call("build_index", ["collection": "scifact", "vector_field": "embedding", "type": "flat"]))
        #expect(!flat.isError, "\(flat.text)")
        // A bad import names the file and line, as the CLI does, and leaves nothing behind.
        let broken = s.write("broken.jsonl", "{\"_id\": \"b1\", \"text\": \"fine\"}\n{\"_id\": \"b2\", \"text\": \n")
        let failed = ToolAnswer(try session.call("import_data", ["path": broken, "collection": "broken"]))
        #expect(failed.isError)
        #expect(failed.text.contains("broken.jsonl:2"), "\(failed.text)")
        let evaluated = ToolAnswer(try session.call("evaluate", ["collection": "scifact", "parameters": ["warmup": 0]]))
        #expect(evaluated.json?["run_id"] as? Int != nil, "\(evaluated.text)")
        #expect(session.close() == 0)
        let runs = try #require(Self.json(try Binary.run(["runs", "--json", "--db", db]).stdout) as? [Any])
        #expect(runs.count == 1)
        let collections = try #require(Self.json(try Binary.run(["collections", "--json", "--db", db]).stdout) as? [[String: Any]])
        #expect(Set(collections.compactMap { $0["name"] as? String }) == ["scifact", "energy"])
    }

    @Test func aCancelledEvaluationStopsAndTheServerGoesOn() throws {
        let (s, db) = try Self.database()
        _ = s
        let session = try MCPSession(["--db", db])
        _ = try session.initialize()
        // 809 queries, hybrid: seconds of work (3.7 s through the CLI here).
        let id = try session.start("tools/call", ["name": "evaluate", "arguments": ["collection": "scifact", "mode": "hybrid", "split": "train"]])
        Thread.sleep(forTimeInterval: 0.3)
        try session.notify("notifications/cancelled", ["requestId": id, "reason": "the test"])
        let stopped = ToolAnswer(try #require(try session.response(to: id)["result"] as? [String: Any]))
        #expect(stopped.isError)
        #expect(stopped.text == "cancelled")
        let next = ToolAnswer(try session.call("get_record", ["collection": "scifact", "id": "4983"]))
        #expect(!next.isError, "\(next.text)")
        #expect(session.close() == 0)
    }

    @Test func aReadOnlyServerNeedsAnExistingDatabase() throws {
        let s = Scratch()
        let r = try Binary.run(["mcp", "--db", s.file("none.db")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("none.db: no such file or directory"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.file("none.db")))
    }

    @Test func requestsWrittenBeforeInputEndsAreAnswered() throws {
        let (s, db) = try Self.database()
        _ = s
        let lines = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_statement","arguments":{"statement":"SEARCH scifact MATCH 'vitamin D' LIMIT 2"}}}
            {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"evaluate","arguments":{"collection":"scifact","mode":"vector"}}}

            """
        let r = try Binary.run(["mcp", "--db", db], stdin: lines)
        #expect(r.status == 0, "\(r.stderr)")
        let responses = r.stdout.split(separator: "\n").compactMap { Self.json(String($0)) as? [String: Any] }
        // The evaluation runs for a while after input ended (the server once exited under it).
        #expect(Set(responses.compactMap { $0["id"] as? Int }) == [1, 2, 3], "\(r.stdout)")
    }
}
