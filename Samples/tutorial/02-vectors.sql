-- Vectors and HNSW's ef
--
-- scifact carries all-MiniLM-L6-v2 embeddings of every abstract. `make run` built an
-- HNSW index (Malkov & Yashunin, 2018) of them; .schema shows it with M and
-- ef_construction.
.schema scifact

-- NEAR DOC finds the abstracts nearest to one abstract (4983, on white matter
-- imaging in newborns). Look at the titles: neighbours by meaning, not by shared words.
SEARCH scifact NEAR DOC '4983' LIMIT 5;

-- ef is the breadth of HNSW's search: more candidates, more recall, more time.
-- EXPLAIN ANALYZE measures recall against the exact (flat) answer. Look at
-- "Recall" and the execution time at ef = 10, then at ef = 200.
EXPLAIN ANALYZE SEARCH scifact NEAR DOC '4983' USING hnsw(ef = 10) LIMIT 10;
EXPLAIN ANALYZE SEARCH scifact NEAR DOC '4983' USING hnsw(ef = 200) LIMIT 10;

-- The exact answer, for comparison: flat scans every vector.
SEARCH scifact NEAR DOC '4983' USING flat LIMIT 5;

-- COMPARE puts two answers side by side with rank moves.
COMPARE (SEARCH scifact NEAR DOC '4983' USING hnsw(ef = 10) LIMIT 10)
   WITH (SEARCH scifact NEAR DOC '4983' USING flat LIMIT 10);
