import Foundation
import QuarryEngine

/// Evaluations and sweeps as tables, for `quarry eval/sweep/tune` and the REPL's `.eval`/`.sweep`.
extension Render {
    /// The relevance rows of an evaluation: nDCG@10, MRR@10, Recall@100, P@10, MAP, and recall
    /// against the exact answer when it was measured.
    public static func evalRows(_ report: EvalReport) -> [[String]] {
        let s = report.summary
        var rows = [["nDCG@10", NumberText.metric(s.ndcg10)], ["MRR@10", NumberText.metric(s.mrr10)], ["Recall@100", NumberText.metric(s.recall100)],
                    ["P@10", NumberText.metric(s.p10)], ["MAP", NumberText.metric(s.map)]]
        if let r = report.recallExact { rows.append(["recall@10 vs exact", NumberText.metric(r)]) }
        return rows
    }

    /// A sweep: one row per setting (its parameters, the metrics measured, p50/p95 latency and
    /// QPS), ★ on the Pareto frontier of `metric` against p50, `◀ chosen` on `mark`.
    public static func sweepTable(_ rows: [SweepRow], grid: SweepGrid, metric: String, mark: Int? = nil, width: Int, color: Bool) -> String {
        let frontier = Set(paretoFrontier(rows, metric: metric))
        let names = ["ndcg@10", "mrr@10", "recall@100", "recall@10"].filter { n in rows.contains { $0.metrics[n] != nil } }
        let headers = ["ndcg@10": "nDCG@10", "mrr@10": "MRR@10", "recall@100": "Recall@100", "recall@10": "recall@10 exact"]
        var columns = grid.axes.map { TextTable.Column($0.name, alignRight: true) }
        columns += names.map { TextTable.Column(headers[$0]!, alignRight: true) }
        columns += [TextTable.Column("p50 ms", alignRight: true), TextTable.Column("p95 ms", alignRight: true), TextTable.Column("QPS", alignRight: true), TextTable.Column("frontier")]
        let table = rows.enumerated().map { i, r -> [String] in
            var cells = grid.axes.map { r.setting[$0.name]?.description ?? "" }
            cells += names.map { NumberText.metric(r.metrics[$0]) }
            cells.append(String(format: "%.3f", r.p50Ms))
            cells.append(r.latency.map { String(format: "%.3f", $0.p95Ms) } ?? "—")
            cells.append(r.latency.map { String(format: "%.0f", $0.qps) } ?? "—")
            cells.append((frontier.contains(i) ? "★" : " ") + (mark == i ? " ◀ chosen" : ""))
            return cells
        }
        return TextTable(columns: columns, rows: table).render(width: width, color: color)
    }
}
