import Foundation

/// One node of a physical plan, with its estimate and, once run, its actuals — rendered like
/// PostgreSQL's EXPLAIN ANALYZE (one node per line, `->` children, `Label: value` details,
/// `(never executed)` for pruned branches), or as JSON with the same content.
///
/// What an operator counted (`PlanCounters`) and how far an approximate branch was from the
/// exact answer (`PlanRecall`) are typed values on the node: the TUI and tests read them as
/// numbers, the JSON plan carries them as numbers, and the one renderer below turns them into
/// the detail lines of the text plan.
public struct PlanNode: Sendable {
    public var title: String
    public var estimatedRows: Int?
    /// Milliseconds from the statement's start to this node's first and last row.
    public var actualStartMs: Double?
    public var actualEndMs: Double?
    public var actualRows: Int?
    public var executed = false
    /// The node's details in the order the text plan shows them.
    public var details: [PlanDetail] = []
    public var children: [PlanNode] = []

    public init(_ title: String, estimatedRows: Int? = nil) {
        self.title = title
        self.estimatedRows = estimatedRows
    }

    /// Adds a `Label: value` line.
    public mutating func detail(_ label: String, _ value: String) { details.append(PlanDetail(label, .text(value))) }

    /// Adds a detail whose text is written when it is read.
    public mutating func detail(_ label: String, deferred value: @escaping @Sendable () -> String) {
        details.append(PlanDetail(label, .deferred(value)))
    }

    /// Adds the operator's counters (shown where they are added).
    public mutating func record(_ counters: PlanCounters) { details.append(PlanDetail(counters.label, .counters(counters))) }

    /// Adds the recall against the exact answer.
    public mutating func record(_ recall: PlanRecall) { details.append(PlanDetail("Recall@\(recall.k) vs exact", .recall(recall))) }

    /// The text of a detail (the first with this label).
    public func detail(_ label: String) -> String? { details.first { $0.label == label }?.text }

    public mutating func removeDetails(_ label: String) { details.removeAll { $0.label == label } }

    /// The counters of this node, if it counted its work.
    public var counters: PlanCounters? {
        for d in details { if case let .counters(c) = d.value { return c } }
        return nil
    }

    /// The recall of this node against the exact answer, if it was measured.
    public var recall: PlanRecall? {
        for d in details { if case let .recall(r) = d.value { return r } }
        return nil
    }

    /// This node and its descendants, depth first.
    public var allNodes: [PlanNode] { [self] + children.flatMap(\.allNodes) }

    // MARK: - Text

    /// Applies `change` to the first node of the tree (depth first) whose title is `title`.
    @discardableResult
    mutating func updateFirst(titled title: String, _ change: (inout PlanNode) -> Void) -> Bool {
        if self.title == title { change(&self); return true }
        for i in children.indices where children[i].updateFirst(titled: title, change) { return true }
        return false
    }

    /// The tree as text, each line cut to `width` cells when given.
    public func render(analyze: Bool, width: Int? = nil) -> String {
        var lines: [String] = []
        render(into: &lines, depth: 0, analyze: analyze)
        guard let width else { return lines.joined(separator: "\n") }
        return lines.map { $0.count > width ? String($0.prefix(max(1, width - 1))) + "…" : $0 }.joined(separator: "\n")
    }

    private func render(into lines: inout [String], depth: Int, analyze: Bool) {
        let indent = depth == 0 ? "" : String(repeating: " ", count: 6 * (depth - 1) + 2) + "->  "
        let detailIndent = String(repeating: " ", count: depth == 0 ? 2 : 6 * depth + 2)
        var head = indent + title
        if let e = estimatedRows { head += "  (est rows=\(e))" }
        if analyze {
            if executed, let s = actualStartMs, let e = actualEndMs {
                head += String(format: " (actual time=%.3f..%.3f rows=%d)", s, e, actualRows ?? 0)
            } else if !executed {
                head += " (never executed)"
            }
        }
        lines.append(head)
        for d in details { lines.append(detailIndent + d.label + ": " + d.text) }
        for c in children { c.render(into: &lines, depth: depth + 1, analyze: analyze) }
    }

    // MARK: - JSON

    /// The tree as JSON: `node`, `estimated_rows`, the actuals under ANALYZE, `details` (the
    /// text plan's lines by label), `counters` and `recall` as numbers, `children`.
    public func json(analyze: Bool) -> JSONValue {
        var m: [JSONMember] = [JSONMember("node", .string(title))]
        if let e = estimatedRows { m.append(JSONMember("estimated_rows", .int(Int64(e)))) }
        if analyze {
            m.append(JSONMember("executed", .bool(executed)))
            if let s = actualStartMs { m.append(JSONMember("actual_start_ms", .double(s))) }
            if let e = actualEndMs { m.append(JSONMember("actual_end_ms", .double(e))) }
            if let r = actualRows { m.append(JSONMember("actual_rows", .int(Int64(r)))) }
        }
        if !details.isEmpty { m.append(JSONMember("details", .object(details.map { JSONMember($0.label, .string($0.text)) }))) }
        if let c = counters { m.append(JSONMember("counters", c.json)) }
        if let r = recall { m.append(JSONMember("recall", r.json)) }
        if !children.isEmpty { m.append(JSONMember("children", .array(children.map { $0.json(analyze: analyze) }))) }
        return .object(m)
    }
}

/// One `Label: value` line of a plan node: free text, or a typed value the renderer words.
public struct PlanDetail: Sendable {
    public enum Value: Sendable {
        case text(String)
        /// Text written when it is read: a detail every search records and few show (the BM25
        /// terms and parameters of a statement run by eval or a sweep).
        case deferred(@Sendable () -> String)
        case counters(PlanCounters)
        case recall(PlanRecall)
    }

    public var label: String
    public var value: Value

    public init(_ label: String, _ value: Value) {
        self.label = label
        self.value = value
    }

    /// The value as the text plan shows it.
    public var text: String {
        switch value {
        case let .text(t): return t
        case let .deferred(make): return make()
        case let .counters(c): return c.text
        case let .recall(r): return r.text
        }
    }
}

/// The work an operator counted while it ran, at no extra cost (hnswlib's
/// `metric_distance_computations`, tantivy's scored postings): the BM25 branch's postings and
/// blocks, or the vector branch's distance computations and graph hops.
public struct PlanCounters: Sendable, Equatable {
    /// BM25: the top-k algorithm that ran (`block-max WAND`, `MaxScore`, `exhaustive`).
    public var algorithm: String?
    public var postingsScored: Int?
    public var blocksSkipped: Int?
    public var documentsEvaluated: Int?
    /// Vectors: distance (or estimate) evaluations, HNSW layer-0 nodes expanded or IVF lists or
    /// ids scanned, graph moves, and RaBitQ candidates re-ranked on full vectors.
    public var distanceComputations: Int?
    public var nodesVisited: Int?
    public var hops: Int?
    public var refined: Int?
    /// RaBitQ/SQ8 with full vectors on disk: bytes of full vectors read to re-rank.
    public var fullVectorBytes: Int?

    public init(algorithm: String? = nil, postingsScored: Int? = nil, blocksSkipped: Int? = nil, documentsEvaluated: Int? = nil,
                distanceComputations: Int? = nil, nodesVisited: Int? = nil, hops: Int? = nil, refined: Int? = nil,
                fullVectorBytes: Int? = nil) {
        self.algorithm = algorithm
        self.postingsScored = postingsScored
        self.blocksSkipped = blocksSkipped
        self.documentsEvaluated = documentsEvaluated
        self.distanceComputations = distanceComputations
        self.nodesVisited = nodesVisited
        self.hops = hops
        self.refined = refined
        self.fullVectorBytes = fullVectorBytes
    }

    /// The label of the text line: `Algorithm` for BM25, `Distance computations` for vectors.
    var label: String { algorithm != nil ? "Algorithm" : "Distance computations" }

    /// `block-max WAND   Postings scored: 318   Blocks skipped: 0   Docs evaluated: 161`, or
    /// `6482   Nodes visited: 412   Hops: 12` (and `Refined: n` when RaBitQ re-ranked).
    var text: String {
        if let algorithm {
            return "\(algorithm)   Postings scored: \(postingsScored ?? 0)   Blocks skipped: \(blocksSkipped ?? 0)   Docs evaluated: \(documentsEvaluated ?? 0)"
        }
        return "\(distanceComputations ?? 0)   Nodes visited: \(nodesVisited ?? 0)   Hops: \(hops ?? 0)"
            + ((refined ?? 0) > 0 ? "   Refined: \(refined!)" : "")
    }

    var json: JSONValue {
        var m: [JSONMember] = []
        if let algorithm { m.append(JSONMember("algorithm", .string(algorithm))) }
        for (key, value) in [("postings_scored", postingsScored), ("blocks_skipped", blocksSkipped), ("documents_evaluated", documentsEvaluated),
                             ("distance_computations", distanceComputations), ("nodes_visited", nodesVisited), ("hops", hops), ("refined", refined),
                             ("full_vector_bytes", fullVectorBytes)] {
            if let value { m.append(JSONMember(key, .int(Int64(value)))) }
        }
        return .object(m)
    }
}

/// Recall@k of an approximate branch against the exact answer computed on the spot
/// (`Measures.exactRecall`), with what the exact answer cost and its top-k (the ordinals the TUI
/// marks ◆).
public struct PlanRecall: Sendable, Equatable {
    public var k: Int
    public var value: Double
    /// What computed the exact answer: `exhaustive` (BM25), `exact branch` (FLAT), `embedded FLAT`.
    public var oracle: String
    public var exactMs: Double
    /// The oracle's work and its unit (`postings`, `distances`), when counted.
    public var oracleWork: Int?
    public var oracleWorkUnit: String?
    /// The exact top-k, best first (local ordinals).
    public var exact: [UInt32]

    public init(k: Int, value: Double, oracle: String, exactMs: Double, oracleWork: Int? = nil, oracleWorkUnit: String? = nil, exact: [UInt32]) {
        self.k = k
        self.value = value
        self.oracle = oracle
        self.exactMs = exactMs
        self.oracleWork = oracleWork
        self.oracleWorkUnit = oracleWorkUnit
        self.exact = exact
    }

    /// `1.00 (exhaustive: 0.412 ms, 491 postings)`.
    var text: String {
        var s = NumberText.fixedPadded(value, decimals: 2) + " (\(oracle): \(NumberText.fixedPadded(exactMs, decimals: 3)) ms"
        if let oracleWork, let oracleWorkUnit { s += ", \(oracleWork) \(oracleWorkUnit)" }
        return s + ")"
    }

    var json: JSONValue {
        var m = [JSONMember("k", .int(Int64(k))), JSONMember("value", .double(value)), JSONMember("oracle", .string(oracle)),
                 JSONMember("exact_ms", .double(exactMs))]
        if let oracleWork, let oracleWorkUnit { m.append(JSONMember("oracle_" + oracleWorkUnit, .int(Int64(oracleWork)))) }
        return .object(m)
    }
}
