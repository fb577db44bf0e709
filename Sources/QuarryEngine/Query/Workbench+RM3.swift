import Foundation
import QuarryLexical

@_exported import struct QuarryLexical.RM3Parameters
@_exported import struct QuarryLexical.RM3Expansion
@_exported import struct QuarryLexical.WeightedTerm

/// RM3 pseudo-relevance feedback over the stored records (`QuarryLexical.RM3`): a first BM25
/// pass for the top fbDocs records, their stored text analysed again through the index's
/// analyzer (a handful of records per query, read through the record lookup; the index keeps
/// no forward lists), the relevance model, and the expanded query for the second pass.
extension Workbench {
    /// The RM3 parameters a MATCH runs with: `EXPAND rm3(…)`'s, else the `rm3_*` settings
    /// (WITH, then SET); nil when neither EXPAND nor the `rm3` setting asks for feedback.
    func rm3Parameters(_ m: MatchClause, with: [String: ParamValue]) throws -> RM3Parameters? {
        let wanted = m.expansion != nil || (with["rm3"] ?? settings.value("rm3")) == .bool(true)
        guard wanted else { return nil }
        func number(_ name: String) throws -> Double {
            let value = m.expansion?.params[name] ?? with["rm3_" + name] ?? settings.value("rm3_" + name)
            guard let d = value?.doubleValue, d.isFinite else {
                throw EngineError.badParameter("rm3 \(name) must be a number, not '\(value?.description ?? "nothing")'")
            }
            return d
        }
        func count(_ name: String) throws -> Int {
            let d = try number(name)
            guard d == d.rounded(), d >= 1, d <= 1_000 else { throw EngineError.badParameter("rm3 \(name) must be a whole number from 1 to 1000, not \(ParamValue.number(d))") }
            return Int(d)
        }
        let p = RM3Parameters(feedbackDocuments: try count("fb_docs"), feedbackTerms: try count("fb_terms"),
                              originalQueryWeight: Float(try number("original_query_weight")))
        do { try p.validate() } catch { throw EngineError.badParameter("rm3: \(error)") }
        return p
    }

    /// Runs RM3's first pass for `query` and returns the expanded query with what RM3 did.
    func expandRM3(_ query: MatchQuery, index: LexicalIndex, options: LexicalSearchOptions, parameters: RM3Parameters,
                   collection: String) throws -> (query: MatchQuery, expansion: RM3Expansion) {
        var first = options
        first.k = parameters.feedbackDocuments
        let firstPass = try index.search(query, options: first)
        let queried = Set((options.fields ?? index.fields.map { FieldBoost($0) }).filter { $0.boost > 0 }.map(\.field))
        var feedback: [FeedbackDocument] = []
        for hit in firstPass.hits {
            guard let record = try database.record(collection: collection, ordinal: hit.id) else { continue }
            let texts = index.fields.map { queried.contains($0) ? record.text($0) : nil }
            feedback.append(FeedbackDocument(ordinal: hit.id, score: hit.score, termCounts: index.termCounts(texts)))
        }
        return try index.expandRM3(query, firstPass: firstPass, feedback: feedback, parameters: parameters)
    }

    /// The RM3 node of a plan: parameters, feedback documents and the expanded query's terms
    /// with their weights (when it ran).
    static func rm3Node(_ p: RM3Parameters, expansion: RM3Expansion?, ids: RecordIDs?) -> PlanNode {
        var node = PlanNode("RM3 Expansion  (fb_docs=\(p.feedbackDocuments), fb_terms=\(p.feedbackTerms), original_query_weight=\(p.originalQueryWeight))",
                            estimatedRows: p.feedbackDocuments)
        guard let e = expansion else {
            node.detail("Expansion terms", "chosen when it runs (EXPLAIN ANALYZE lists them)")
            return node
        }
        node.executed = true
        node.actualRows = e.feedback.count
        let shown = e.feedback.map { ids?[Int($0.ordinal)] ?? "?" }
        node.detail("Feedback documents", "\(e.feedback.count)" + (shown.isEmpty ? "" : " (\(shown.joined(separator: ", ")))"))
        func list(_ terms: [WeightedTerm]) -> String {
            terms.isEmpty ? "(none)" : terms.map { "\($0.term) \(String(format: "%.4f", Double($0.weight)))" }.joined(separator: ", ")
        }
        guard !e.relevanceModel.isEmpty else {
            node.detail("Expansion terms", "none: no feedback term passed the filters (2–20 letters or digits, in at most "
                        + "\(Int((e.parameters.maxDocumentFrequencyRatio * 100).rounded())) % of the records); the query runs as written")
            return node
        }
        node.detail("Relevance model", list(e.relevanceModel))
        node.detail("Expansion terms", list(e.terms))
        node.detail("Added", e.added.isEmpty ? "(none)" : e.added.joined(separator: " "))
        return node
    }
}
