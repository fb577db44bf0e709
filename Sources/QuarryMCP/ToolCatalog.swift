import MCP
import QuarryEngine

/// One tool `quarry mcp` offers: its name, what it does, its arguments (JSON Schema), and
/// whether it changes the database (then it runs only under `--allow-writes`).
struct ToolDefinition: Sendable {
    struct Property: Sendable {
        var name: String
        var type: String
        var description: String
        var required = false
        /// For `"array"`: the items' type.
        var items: String?
    }

    var name: String
    var title: String
    var description: String
    var properties: [Property]
    var writes = false

    var tool: Tool {
        var props: [String: Value] = [:]
        for p in properties {
            var schema: [String: Value] = ["type": .string(p.type), "description": .string(p.description)]
            if let items = p.items { schema["items"] = ["type": .string(items)] }
            props[p.name] = .object(schema)
        }
        let schema: Value = [
            "type": "object",
            "properties": .object(props),
            "required": .array(properties.filter(\.required).map { .string($0.name) }),
            "additionalProperties": false,
        ]
        return Tool(name: name, title: title, description: description + (writes ? " Needs `quarry mcp --allow-writes`." : ""),
                    inputSchema: schema,
                    annotations: .init(title: title, readOnlyHint: !writes, destructiveHint: false, idempotentHint: !writes, openWorldHint: false))
    }
}

/// The tools, in the order `tools/list` gives them: the workbench's read side first.
enum ToolCatalog {
    static let listCollections = ToolDefinition(
        name: "list_collections", title: "List collections",
        description: """
            The database's collections with their schemas, as `quarry collections --json` gives them: records, id field, \
            text fields (BM25), vector fields (dim, metric, model), query sets by split, indexes (kind, field, params, bytes); \
            plus metadata_paths, the JSON paths under metadata with the types seen (from up to 1,000 records), which WHERE filters name.
            """,
        properties: [.init(name: "collection", type: "string", description: "Only this collection.")])

    static let runStatement = ToolDefinition(
        name: "run_statement", title: "Run a statement",
        description: """
            Runs one statement of Quarry's query language, as `quarry query --json` does, and returns its JSON: hits (rank, id, score, \
            each branch's rank and score), plan, timing_ms. Statements: SEARCH c MATCH 'text' [IN title^2, text] NEAR 'text' | NEAR DOC 'id' \
            [USING hnsw(ef = 64)] [WHERE metadata.year >= 2010 AND …] [FUSE rrf(k = 60) | weighted(0.3)] [LIMIT n]; \
            with Milvus's range search (NEAR … WITHIN radius [AND range_filter]), grouping (GROUP BY metadata.path [SIZE n] [STRICT]), \
            rankers (RANK BY decay(gauss, metadata.year, origin => 2024, scale => 5) or boost(filter => '…', weight => w)) and \
            TEXT_MATCH, PHRASE_MATCH, ARRAY_CONTAINS… in WHERE; \
            EXPLAIN [ANALYZE] SEARCH …; COMPARE (SEARCH …) WITH (SEARCH …); SET name = value (kept for this session); SHOW SETTINGS.
            """,
        properties: [.init(name: "statement", type: "string", description: "One statement; the trailing ';' is optional.", required: true)])

    static let explainStatement = ToolDefinition(
        name: "explain_statement", title: "Explain a statement",
        description: """
            The plan of a SEARCH statement as JSON, as EXPLAIN gives it: which index serves each branch, the filter strategy and \
            estimated selectivity, pruning, fusion. With analyze, runs it as EXPLAIN ANALYZE: actual rows and time per node, work \
            counted, and recall@k of each approximate branch against the exact answer.
            """,
        properties: [
            .init(name: "statement", type: "string", description: "A SEARCH statement (EXPLAIN / EXPLAIN ANALYZE in front is accepted too).", required: true),
            .init(name: "analyze", type: "boolean", description: "Run it and measure (EXPLAIN ANALYZE); default false."),
        ])

    static let getRecord = ToolDefinition(
        name: "get_record", title: "Get a record",
        description: "One record by id as `quarry get --json` gives it: the id field, the text fields and the metadata object.",
        properties: [
            .init(name: "collection", type: "string", description: "The collection.", required: true),
            .init(name: "id", type: "string", description: "The record's id.", required: true),
            .init(name: "vectors", type: "boolean", description: "Include each vector field's vector; default false (they are long)."),
        ])

    static let evaluate = ToolDefinition(
        name: "evaluate", title: "Evaluate a query set",
        description: """
            Runs a collection's query set and scores it against its qrels, as `quarry eval --json` does: ndcg@10, mrr@10, recall@100, \
            p@10, map, latency (p50/p95/p99, QPS), and recall@10 of the vector branch against the exact answer. The run is stored in \
            the database only when the server allows writes.
            """,
        properties: [
            .init(name: "collection", type: "string", description: "The collection.", required: true),
            .init(name: "mode", type: "string", description: "bm25 (default), vector or hybrid."),
            .init(name: "statement", type: "string", description: "A SEARCH statement with $query where each query's text goes (overrides mode)."),
            .init(name: "split", type: "string", description: "The query set's split; default test."),
            .init(name: "fields", type: "string", description: "BM25 fields and boosts, e.g. title^2,text."),
            .init(name: "parameters", type: "object", description: "Engine parameters by name, as `.eval NAME=VALUE` takes them: k, k1, b, ef, nprobe, refine_k, bm25_algorithm, fusion, rrf_k, weight, warmup, …"),
            .init(name: "queries_file", type: "string", description: "Queries from a file instead of the collection's: BEIR queries.jsonl or 'qid<TAB>text' lines (needs qrels_file)."),
            .init(name: "qrels_file", type: "string", description: "Judgements from a file: TREC 'qid 0 docid rel' or BEIR TSV."),
        ])

    static let importData = ToolDefinition(
        name: "import_data", title: "Import data",
        description: """
            Imports a BEIR folder, JSONL or CSV (optionally .gz) into a collection in one transaction, as `quarry import --json` does; \
            on any error nothing of it stays and the message names the file and line.
            """,
        properties: [
            .init(name: "path", type: "string", description: "A BEIR folder, or a .jsonl/.jsonl.gz/.csv/.csv.gz file.", required: true),
            .init(name: "collection", type: "string", description: "The collection to create or add to.", required: true),
            .init(name: "id_field", type: "string", description: "The field holding each record's id (default: _id, else id)."),
            .init(name: "text_fields", type: "array", description: "Text fields for BM25 (default: title,text where present).", items: "string"),
            .init(name: "vectors", type: "string", description: "Vectors for the records: .fbin or .npy, row i = record i."),
            .init(name: "query_vectors", type: "string", description: "Vectors for the BEIR queries, row i = line i of queries.jsonl."),
            .init(name: "vector_field", type: "string", description: "The vector field the vectors go to (default embedding)."),
            .init(name: "metric", type: "string", description: "Metric of a new vector field: cosine (default), ip or l2."),
            .init(name: "embed", type: "boolean", description: "Embed the text fields with the built-in model."),
            .init(name: "upsert", type: "boolean", description: "Replace records whose id exists instead of failing."),
        ],
        writes: true)

    static let buildIndex = ToolDefinition(
        name: "build_index", title: "Build an index",
        description: """
            Builds an index as `quarry index --json` does: BM25 over text fields (the default), a vector index on a vector field, \
            or a JSON path index for filters; returns what was built.
            """,
        properties: [
            .init(name: "collection", type: "string", description: "The collection.", required: true),
            .init(name: "text_fields", type: "array", description: "Text fields of a BM25 index (default: the collection's).", items: "string"),
            .init(name: "analyzer", type: "string", description: "The BM25 analyzer: english (default), standard, simple, cjk or a Snowball language."),
            .init(name: "vector_field", type: "string", description: "A vector field to index."),
            .init(name: "type", type: "string", description: "Vector index type: flat, hnsw (default), hnsw_sq, ivf_flat, ivf_sq8, ivf_rabitq."),
            .init(name: "parameters", type: "object", description: "Vector index parameters: M, ef_construction, nlist, refine_type."),
            .init(name: "json_paths", type: "array", description: "JSON paths to index for filters, e.g. metadata.maintainer.", items: "string"),
        ],
        writes: true)

    static let all = [listCollections, runStatement, explainStatement, getRecord, evaluate, importData, buildIndex]

    static func named(_ name: String) throws(ToolError) -> ToolDefinition {
        guard let t = all.first(where: { $0.name == name }) else {
            throw .unknownTool(name, suggestion: Suggest.nearest(to: name, in: all.map(\.name)))
        }
        return t
    }
}
