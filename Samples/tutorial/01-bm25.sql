-- BM25 and analyzers
--
-- Quarry ranks text with BM25 (Robertson & Zaragoza, 2009). The sample database of
-- `make run` holds `scifact` (5,183 abstracts) and `debian` (Debian packages).
-- First, what is here: sizes, fields and indexes.
.collections

-- A plain search. Look at the `terms:` line under the hits: the english analyzer
-- lower-cased, dropped stopwords and stemmed ("cells" became "cell").
SEARCH scifact MATCH 'stem cells in the bone marrow' LIMIT 5;

-- Boost a field with ^: a title match now counts twice. Compare the ranks with the
-- previous answer.
SEARCH scifact MATCH 'stem cells in the bone marrow' IN title^2, text LIMIT 5;

-- k1 controls how fast repeated terms saturate, b how much long documents are
-- penalised. SHOW lists the session's settings and their defaults.
SHOW k1;

-- Raise k1: documents that repeat "cell" many times climb.
SET k1 = 1.5;
SEARCH scifact MATCH 'stem cells in the bone marrow' LIMIT 5;
RESET k1;

-- EXPLAIN ANALYZE shows the plan with what each operator did: the top-k algorithm
-- (block-max WAND skips blocks that cannot enter the top 10), postings scored and
-- blocks skipped. Compare "Postings scored" with the exhaustive algorithm below.
EXPLAIN ANALYZE SEARCH scifact MATCH 'stem cells in the bone marrow' LIMIT 10;
EXPLAIN ANALYZE SEARCH scifact MATCH 'stem cells in the bone marrow' LIMIT 10 WITH (bm25_algorithm = 'exhaustive');

-- A word typed twice weighs twice, as Lucene and Anserini count it: the Terms line
-- says "bone (qtf=2)". SET bm25_query_tf = 'distinct' would count it once.
EXPLAIN ANALYZE SEARCH scifact MATCH 'bone marrow stem cells in the bone' LIMIT 5;

-- RM3 pseudo-relevance feedback (Lavrenko & Croft, 2001; as Anserini runs it): the top 10
-- abstracts of a first pass lend their most telling words to the query. The RM3 node lists
-- the expanded query's terms with their weights; SET rm3 = on expands every MATCH.
EXPLAIN ANALYZE SEARCH scifact MATCH 'stem cells in the bone marrow' EXPAND rm3 LIMIT 5;

-- The same index serves the Debian packages. Field names complete with Tab.
SEARCH debian MATCH 'tiling window manager' IN title^3, text LIMIT 5;
