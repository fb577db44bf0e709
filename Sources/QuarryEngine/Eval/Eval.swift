/// Namespace of the Eval part of the engine.
///
/// What lives here, and the contract between the pieces:
/// - `Qrels` and `Run` hold judgments and ranked results by string ids, with loaders for TREC and
///   BEIR files and a TREC run writer (`Qrels.swift`, `Run.swift`).
/// - `RelevanceEvaluator` scores a `Run` against `Qrels` with trec_eval's definitions (ordering of
///   ties, graded nDCG, which queries are averaged), per query and mean (`RelevanceEvaluator.swift`).
/// - `Measures` holds the one definition of each per-query measure: relevance against judgements,
///   recall against the exact answer, overlap and rank-biased overlap against another answer
///   (`Measures.swift`); `RelevanceEvaluator` averages them over a run.
/// - `LatencyRecorder` keeps per-query wall times in an HdrHistogram (`Latency.swift`).
/// - `RunComparison` compares two evaluated runs with a paired t-test and a randomization test
///   (`RunComparison.swift`, `Statistics.swift`).
/// - `SweepGrid`, `SweepRow`, `paretoFrontier` and `tune` turn a parameter sweep into a frontier and a
///   recommendation (`Sweep.swift`); `ParetoPlot` draws it in braille (`ParetoPlot.swift`).
/// - `EvalSummary` is the record with stable JSON keys that scripts read (`EvalSummary.swift`).
///
/// Nothing here prints or touches a terminal; everything returns values or strings.
public enum EvalModule {}
