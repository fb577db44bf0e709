import QuarryFilter
import QuarryLexical

/// `TEXT_MATCH` / `PHRASE_MATCH` conditions bound to the collection's BM25 index: the matching
/// records from its postings (what the indexed filter executor returns) and its analyzer (what
/// the scan oracle reads a record's text with).
extension Workbench {
    func bindTextMatches(_ expr: FilterExpr, collection: String) throws -> FilterExpr {
        switch expr {
        case let .and(xs): return .and(try xs.map { try bindTextMatches($0, collection: collection) })
        case let .or(xs): return .or(try xs.map { try bindTextMatches($0, collection: collection) })
        case let .not(x): return .not(try bindTextMatches(x, collection: collection))
        case var .textMatch(t):
            let name = t.slop == nil ? "TEXT_MATCH" : "PHRASE_MATCH"
            let index: LexicalIndex
            do { index = try lexicalIndex(collection: collection) } catch EngineError.noIndex {
                throw EngineError.badParameter("\(name) reads the BM25 index's postings, and '\(collection)' has none; build it with: quarry index --collection \(collection) --text \(t.field)")
            }
            guard index.fields.contains(t.field) else {
                throw EngineError.badParameter("\(name) needs '\(t.field)' in the BM25 index of '\(collection)' (indexed: \(index.fields.joined(separator: ", "))); "
                    + "index it with: quarry index --collection \(collection) --text \((index.fields + [t.field]).joined(separator: ","))")
            }
            let matches = try t.slop.map { try index.phraseMatch(field: t.field, text: t.text, slop: $0) } ?? index.textMatch(field: t.field, text: t.text)
            t.binding = TextMatchBinding(matches: matches.subtracting(try deletedOrdinals(collection: collection)),
                                         source: "BM25 postings of \(t.field)" + (t.slop == nil ? "" : " with positions")) { text in
                index.analyze(text).map { (term: $0.term, position: $0.position) }
            }
            return .textMatch(t)
        default:
            return expr
        }
    }
}
