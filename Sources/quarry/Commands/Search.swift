import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a collection: BM25 (--match), vectors (--near, --near-id), filters (--where), or hybrid.",
        discussion: """
            MATCH syntax: words (any may match), "quoted phrases", +required, -excluded,
            prefix*. With both --match and a vector target the branches are fused:
            --fuse auto (the default) uses the collection's tuned fusion
            (quarry tune --mode hybrid --grid weight=…), RRF until there is one.

            Examples:
              quarry search --collection scifact --match 'microRNA cancer'
              quarry search --collection scifact --match '+vitamin "bone density" -mice' \\
                  --fields title^2,text --explain
              quarry search --collection scifact --near-id 4983 --ef 128 --json
              quarry search --collection debian --match 'regular expression' \\
                  --where "metadata.section == 'utils'"
              quarry search --collection scifact --match 'microRNA cancer' \\
                  --near 'microRNA cancer' --fuse 'weighted(0.3) NORMALIZE dbsf'
              quarry search --collection scifact --match 'microRNA cancer' --rm3 --explain
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "BM25 query text.") var match: String?
    @Option(help: "Text to embed and search by vector.") var near: String?
    @Option(name: .customLong("near-id"), help: "Search by the vector of this record.") var nearID: String?
    @Option(name: .customLong("where"), help: "A metadata filter.") var filter: String?
    @Option(help: "Number of hits.") var k = 10
    @Option(help: "Fields and boosts, e.g. title^2,text (default: every indexed field).") var fields: String?
    @OptionGroup var tuning: TuningOptions
    @Option(help: parameterHelp("bm25_algorithm")) var algorithm: String?
    @Option(help: "Vector field (default: the first).") var field: String?
    @Option(help: "Fusion of two branches: auto (the collection's tuned fusion, else RRF), rrf, weighted (0.5 each, min-max), or as FUSE writes it: 'weighted(0.3) NORMALIZE dbsf'.") var fuse = "auto"
    @Flag(help: "RM3 pseudo-relevance feedback on the BM25 query (fbDocs 10, fbTerms 10, original weight 0.5; SET rm3_* changes them).") var rm3 = false
    @Flag(help: "Explain each hit's BM25 score term by term.") var explain = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            var s = SearchStatement(collection: collection)
            if let match {
                s.match = MatchClause(text: match, fields: try fields.map(Self.parseFields) ?? [])
            }
            if near != nil && nearID != nil { throw ValidationError("give --near or --near-id, not both") }
            if let near { s.near = NearClause(target: .text(near), field: field) }
            if let nearID { s.near = NearClause(target: .document(nearID), field: field) }
            if let filter { s.filter = FilterText(text: filter) }
            guard s.match != nil || s.near != nil || s.filter != nil else { throw ValidationError("give --match, --near, --near-id or --where") }
            guard SearchStatement.limitRange.contains(k) else {
                throw ValidationError("--k must be a whole number from \(Bounds.text(SearchStatement.limitRange)), not \(k)")
            }
            s.limit = k
            var parameters = ParameterValues()
            try tuning.apply(to: &parameters)
            if let algorithm { try parameters.set("bm25_algorithm", parsing: algorithm) }
            s.with = parameters.statementOverrides
            if rm3 { s.match?.expansion = QueryExpansion(method: .rm3) }
            if s.match != nil && s.near != nil {
                switch fuse {
                case "rrf": s.fusion = .rrf(k: 60)
                case "weighted": s.fusion = .weighted(weights: [0.5, 0.5], normalize: .minmax)
                default: s.fusion = try EvalOptions.fusion(fuse)
                }
            }
            let result = try wb.search(s)
            var lexical = LexicalRequest(collection: collection, text: match ?? "")
            lexical.fields = fields
            lexical.k1 = Float(parameters.number("k1"))
            lexical.b = Float(parameters.number("b"))
            if rm3 { lexical.rm3 = RM3Parameters() }
            if json {
                var value = Render.json(.search(result))
                if explain, match != nil, case var .object(members) = value, case let .array(hits)? = value["hits"] {
                    var explained: [JSONValue] = []
                    for (h, hv) in zip(result.hits, hits) {
                        guard case var .object(m) = hv else { continue }
                        m.append(JSONMember("explanation", .array(try wb.explainLexical(lexical, ordinal: h.ordinal).map { .string($0) })))
                        explained.append(.object(m))
                    }
                    members[0] = JSONMember("hits", .array(explained))
                    value = .object(members)
                }
                printJSON(value)
                return
            }
            let color = Terminal.colorEnabled()
            print(Render.result(.search(result), workbench: wb, width: Terminal.width(), color: color))
            if explain {
                for h in result.hits {
                    print(Style.accent.apply("\n#\(h.rank) \(h.id)", enabled: color))
                    for (name, v) in h.branches.sorted(by: { $0.key < $1.key }) {
                        print("  \(name): rank \(v.rank), score \(String(format: "%.4f", v.score))" + (name == "vector" ? " (similarity; higher is nearer)" : ""))
                    }
                    if let filter { print("  filter: \(filter) → true") }
                    if let f = h.fusion { print("  fusion: " + f) }
                    if match != nil, h.branches["bm25"] != nil {
                        for line in try wb.explainLexical(lexical, ordinal: h.ordinal) { print("  " + line) }
                    }
                }
            }
        }
    }

    static func parseFields(_ text: String) throws -> [MatchField] {
        try text.split(separator: ",").map { part in
            let bits = part.trimmingCharacters(in: .whitespaces).split(separator: "^")
            guard let name = bits.first, bits.count <= 2, bits.count == 1 || Double(bits[1]) != nil else {
                throw ValidationError("--fields takes name or name^boost, comma-separated (e.g. title^2,text)")
            }
            return MatchField(field: String(name), boost: bits.count == 2 ? Double(bits[1])! : 1)
        }
    }
}
