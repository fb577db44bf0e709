import QuarryBase

/// A relevance metric with trec_eval's definition (Voorhees & Harman, "TREC: Experiment and
/// Evaluation in Information Retrieval", 2005; trec_eval 9.0 `m_*.c`). `k` is the rank cut-off.
///
/// - `ndcg(k)`: Järvelin & Kekäläinen 2002 nDCG as trec_eval's `ndcg_cut_k`: gain = grade (linear,
///   not 2^grade − 1), discount log2(rank + 1), ideal DCG from all judged documents of the query cut
///   at k. `ndcg(nil)` is trec_eval's uncut `ndcg`.
/// - `mrr(k)`: reciprocal rank of the first relevant document among the k best (`recip_rank` on a
///   run cut at k); `mrr(nil)` has no cut.
/// - `recall(k)`: relevant documents among the k best / all relevant documents (`recall_k`).
/// - `precision(k)`: relevant documents among the k best / k, also when fewer were returned (`P_k`).
/// - `map`: mean average precision over the whole ranking (`map`).
///
/// "Relevant" means grade > 0.
public enum RelevanceMetric: Hashable, Sendable, CustomStringConvertible {
    case ndcg(k: Int?)
    case mrr(k: Int?)
    case recall(k: Int)
    case precision(k: Int)
    case map

    /// Quarry's name: `ndcg@10`, `mrr@10`, `mrr`, `recall@100`, `p@10`, `map`, `ndcg`.
    public var name: String {
        let s = spelling
        return s.cut.map { "\(s.quarry)@\($0)" } ?? s.quarry
    }

    /// trec_eval's name of the same measure: `ndcg_cut_10`, `recip_rank`, `recall_100`, `P_10`, `map`.
    /// A cut-off MRR has no trec_eval name; it is given as `recip_rank@k`.
    public var trecName: String {
        let s = spelling
        return s.cut.map { s.trec + s.trecCut + String($0) } ?? s.trec
    }

    /// The measure's base name in Quarry and in trec_eval, its cut-off, and what trec_eval puts
    /// between the base name and the cut-off.
    private var spelling: (quarry: String, trec: String, cut: Int?, trecCut: String) {
        switch self {
        case let .ndcg(k): return ("ndcg", "ndcg", k, "_cut_")
        case let .mrr(k): return ("mrr", "recip_rank", k, "@")
        case let .recall(k): return ("recall", "recall", k, "_")
        case let .precision(k): return ("p", "P", k, "_")
        case .map: return ("map", "map", nil, "")
        }
    }

    public var description: String { name }

    /// The metrics of a default report: nDCG@10, MRR@10, Recall@100, P@10, MAP.
    public static let standard: [RelevanceMetric] = [.ndcg(k: 10), .mrr(k: 10), .recall(k: 100), .precision(k: 10), .map]

    /// Parses Quarry's names (case-insensitive): `ndcg@10`, `mrr@10`, `mrr`, `recall@100`, `p@10`,
    /// `map`, `ndcg`. An unknown name is reported with the closest known spelling.
    public static func parse(_ text: String) throws(EvalError) -> RelevanceMetric {
        let s = text.lowercased()
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 1 {
            switch s {
            case "map": return .map
            case "mrr": return .mrr(k: nil)
            case "ndcg": return .ndcg(k: nil)
            default: break
            }
        } else if parts.count == 2, let k = Int(parts[1]), k > 0 {
            switch parts[0] {
            case "ndcg": return .ndcg(k: k)
            case "mrr": return .mrr(k: k)
            case "recall": return .recall(k: k)
            case "p", "precision": return .precision(k: k)
            default: break
            }
        }
        let head = String(parts[0])
        let suffix = parts.count == 2 ? "@" + parts[1] : ""
        let names = ["ndcg", "mrr", "recall", "p", "map"]
        // A known name with a bad cutoff ("ndcg@0") gets no suggestion: it is not a typo.
        let suggestion = Suggest.nearest(to: head, in: names)
            .flatMap { $0 == head.lowercased() ? nil : $0 + ($0 == "map" ? "" : suffix) }
        throw .unknownMetric(name: text, suggestion: suggestion)
    }
}

