-- Evaluation and tuning
--
-- scifact comes with 300 test queries and relevance judgements (qrels). .eval runs
-- every query and scores the answers with trec_eval's definitions: nDCG@10, MRR@10,
-- Recall@100. Each evaluation is stored as a run.
.eval scifact bm25

-- The same queries through the vector index (the query vectors were imported).
.eval scifact vector

-- And both, fused by FUSE auto (RRF until quarry tune stores a fusion). Is hybrid
-- better than either alone?
.eval scifact hybrid

-- A sweep evaluates one parameter at several values. Look where nDCG@10 stops
-- rising: past that point k1 only changes which documents tie.
.sweep scifact k1 0.5,0.9,1.2,1.5

-- For HNSW, ef trades recall against latency: "recall vs exact" climbs towards 1
-- while p50 grows. Ctrl-C stops a long sweep and returns to the prompt.
.sweep scifact ef 10,32,64,128

-- Every evaluation above is in the runs table.
.runs scifact
