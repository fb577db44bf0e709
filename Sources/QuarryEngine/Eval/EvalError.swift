/// Errors of the Eval module, turned into words in one place (`description`).
public enum EvalError: Error, Equatable, Sendable {
    /// A line of a qrels file that is neither `qid 0 docid rel` nor `query-id corpus-id score`.
    case malformedQrelsLine(file: String, line: Int, found: Int)
    /// A relevance grade that is not an integer.
    case badRelevance(file: String, line: Int, text: String)
    /// A line of a run file that is not `qid Q0 docid rank score tag`.
    case malformedRunLine(file: String, line: Int, found: Int)
    /// A score that is not a number.
    case badScore(file: String, line: Int, text: String)
    /// The same document twice for one query in a run file (trec_eval rejects this too).
    case duplicateDocument(file: String, line: Int, query: String, document: String)
    /// A file that could not be read.
    case unreadableFile(path: String)
    /// A file that could not be written.
    case unwritableFile(path: String)
    /// A metric name that is not known, with the closest known spelling when there is one.
    case unknownMetric(name: String, suggestion: String?)
    /// A tuning target that is not `metric=value` or `metric=max`.
    case badTarget(text: String)
    /// A sweep grid parameter with no values.
    case emptyParameter(name: String)
    /// A stored evaluation that is not what `Evaluation.json` writes.
    case badEvaluationJSON(reason: String)
}

extension EvalError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .malformedQrelsLine(file, line, found):
            return "\(file):\(line): expected 4 columns 'qid 0 docid rel' or 3 tab-separated columns 'query-id corpus-id score', found \(found)"
        case let .badRelevance(file, line, text):
            return "\(file):\(line): relevance '\(text)' is not an integer"
        case let .malformedRunLine(file, line, found):
            return "\(file):\(line): expected 6 columns 'qid Q0 docid rank score tag', found \(found)"
        case let .badScore(file, line, text):
            return "\(file):\(line): score '\(text)' is not a number"
        case let .duplicateDocument(file, line, query, document):
            return "\(file):\(line): document '\(document)' appears twice for query '\(query)'"
        case let .unreadableFile(path):
            return "cannot read '\(path)'"
        case let .unwritableFile(path):
            return "cannot write '\(path)'"
        case let .unknownMetric(name, suggestion):
            let known = "ndcg@k, mrr@k, mrr, recall@k, p@k, map"
            if let s = suggestion { return "unknown metric '\(name)'; did you mean '\(s)'? (known: \(known))" }
            return "unknown metric '\(name)' (known: \(known))"
        case let .badTarget(text):
            return "target '\(text)' is not 'metric=value' or 'metric=max' (e.g. recall@10=0.95, ndcg@10=max)"
        case let .emptyParameter(name):
            return "sweep parameter '\(name)' has no values"
        case let .badEvaluationJSON(reason):
            return "stored evaluation is malformed: \(reason)"
        }
    }
}
