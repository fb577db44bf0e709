import Foundation
import MCP
import QuarryEngine

/// The tools' bodies: each reads its arguments and calls the workbench, and returns the JSON the
/// matching CLI command prints with `--json` (the engine's encoders, not copies). One call at a
/// time: the actor owns the workbench, which is not thread-safe.
actor Toolbox {
    let workbench: Workbench
    let allowWrites: Bool

    init(workbench: Workbench, allowWrites: Bool) {
        self.workbench = workbench
        self.allowWrites = allowWrites
    }

    func call(_ name: String, _ values: [String: MCPValue]?) throws -> JSONValue {
        let tool = try ToolCatalog.named(name)
        if tool.writes && !allowWrites { throw ToolError.readOnly(tool: tool.name) }
        let args = try ToolArguments(tool, values)
        switch tool.name {
        case ToolCatalog.listCollections.name: return try listCollections(args)
        case ToolCatalog.runStatement.name: return try workbench.execute(try args.requiredString("statement")).json
        case ToolCatalog.explainStatement.name: return try explain(args)
        case ToolCatalog.getRecord.name:
            return try workbench.recordJSON(collection: try args.requiredString("collection"), id: try args.requiredString("id"),
                                            vectors: try args.bool("vectors", default: false))
        case ToolCatalog.evaluate.name: return try evaluate(args)
        case ToolCatalog.importData.name: return try importData(args)
        case ToolCatalog.buildIndex.name: return try buildIndex(args)
        default: throw ToolError.unknownTool(name, suggestion: nil)
        }
    }

    // MARK: - Read

    func listCollections(_ args: ToolArguments) throws -> JSONValue {
        var summaries = try workbench.summaries()
        if let only = try args.string("collection") {
            _ = try workbench.schema(only)   // "no collection named …; did you mean …"
            summaries = summaries.filter { $0.schema.name == only }
        }
        return .object([JSONMember("collections", .array(try summaries.map { s in
            guard case var .object(members) = s.json else { return s.json }
            let paths = try workbench.facets(collection: s.schema.name, sampleLimit: 1_000).typedPaths
            members.append(JSONMember("metadata_paths", .array(paths.map {
                .object([JSONMember("path", .string($0.path)), JSONMember("type", .string($0.type))])
            })))
            return .object(members)
        }))])
    }

    func explain(_ args: ToolArguments) throws -> JSONValue {
        let text = try args.requiredString("statement").trimmingCharacters(in: .whitespacesAndNewlines)
        let analyze = try args.bool("analyze", default: false)
        let statement = text.uppercased().hasPrefix("EXPLAIN") ? text : "EXPLAIN " + (analyze ? "ANALYZE " : "") + text
        let result = try workbench.execute(statement)
        guard case .explain = result else { throw ToolError.notExplainable(text) }
        return result.json
    }

    func evaluate(_ args: ToolArguments) throws -> JSONValue {
        var r = EvalRequest(collection: try args.requiredString("collection"))
        for name in ["mode", "statement", "split", "fields"] {
            if let value = try args.string(name) { try r.set(name, text: value) }
        }
        for (name, value) in try args.settings("parameters") { try r.set(name, text: value) }
        r.queriesFile = try args.string("queries_file")
        r.qrelsFile = try args.string("qrels_file")
        guard r.queriesFile == nil || r.qrelsFile != nil else {
            throw EngineError.badParameter("queries_file needs qrels_file (the judgements of those queries)")
        }
        r.storeRun = allowWrites
        // The call runs in the task of its request, which the client's notifications/cancelled cancels.
        r.isCancelled = { Task.isCancelled }
        return try workbench.evaluate(r).json
    }

    // MARK: - Write (only with --allow-writes)

    func importData(_ args: ToolArguments) throws -> JSONValue {
        let path = try args.requiredString("path"), collection = try args.requiredString("collection")
        let metricName = try args.string("metric") ?? "cosine"
        guard let metric = Metric(rawValue: metricName.lowercased()) else {
            throw StorageError.invalidArgument("unknown metric '\(metricName)' (expected cosine, ip or l2)")
        }
        try Workbench.checkImportable(path)
        var options = ImportOptions(path: path, collection: collection)
        options.idField = try args.string("id_field")
        options.textFields = try args.strings("text_fields")
        options.vectors = try args.string("vectors")
        options.queryVectors = try args.string("query_vectors")
        options.vectorField = try args.string("vector_field") ?? options.vectorField
        options.metric = metric
        options.upsert = try args.bool("upsert", default: false)
        if try args.bool("embed", default: false) { options.embedding = try Workbench.importEmbedding { _, _, _ in } }
        return try workbench.importRecords(options).json(collection: collection)
    }

    func buildIndex(_ args: ToolArguments) throws -> JSONValue {
        let collection = try args.requiredString("collection")
        let textFields = try args.strings("text_fields"), paths = try args.strings("json_paths") ?? []
        var built: [JSONValue] = []
        if let field = try args.string("vector_field") {
            let parameters = Dictionary(try args.settings("parameters").map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            built.append(try workbench.buildVectorIndex(collection: collection, field: field, type: try args.string("type") ?? "hnsw",
                                                        parameters: parameters).json(collection: collection))
        }
        if !paths.isEmpty { built.append(try workbench.buildPathIndex(collection: collection, extraPaths: paths).json(collection: collection)) }
        if textFields != nil || built.isEmpty {
            built.append(try workbench.buildLexicalIndex(collection: collection, fields: textFields,
                                                         analyzer: try args.string("analyzer") ?? "english").json(collection: collection))
        }
        return .object([JSONMember("built", .array(built))])
    }
}

