-- Hybrid fusion
--
-- MATCH and NEAR together run both branches and fuse them. Reciprocal rank fusion
-- (Cormack, Clarke & Büttcher, 2009) adds 1/(k + rank) of each branch. The bm25 and
-- vector columns show each hit's rank in each branch; "–" means absent there.
SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE rrf(k = 60) LIMIT 10;

-- A small k favours the top of each list; compare the order with k = 60.
SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE rrf(k = 5) LIMIT 10;

-- Weighted fusion normalises scores, then mixes them: here 30 % BM25, 70 % vector.
SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE weighted(0.3, 0.7) NORMALIZE minmax LIMIT 10;

-- The plan shows both branches under the fusion node, with their windows.
EXPLAIN ANALYZE SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE rrf(k = 60) LIMIT 10;
