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

-- DBSF (Qdrant's distribution-based score fusion) scales each branch between its mean
-- minus and plus three standard deviations: one outlying score no longer squeezes the rest.
SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE weighted(0.3, 0.7) NORMALIZE dbsf LIMIT 10;

-- Without FUSE a hybrid statement uses FUSE auto: the fusion `quarry tune --mode hybrid
-- --grid weight=…` stored for the collection, RRF until there is one. The plan says which.
EXPLAIN SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' LIMIT 10;

-- The plan shows both branches under the fusion node, with their windows.
EXPLAIN ANALYZE SEARCH scifact MATCH 'white matter diffusion imaging' NEAR DOC '4983' FUSE rrf(k = 60) LIMIT 10;
