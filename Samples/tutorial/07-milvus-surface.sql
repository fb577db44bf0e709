-- Range, grouping, text match and rankers
--
-- Milvus 2.5 and 2.6 added query features people now design with; each one shows up in
-- the plan. First range search: not the k nearest, but the hits in a band of similarity
-- (cosine: radius < similarity ≤ range_filter; L2: range_filter ≤ distance < radius).
EXPLAIN ANALYZE SEARCH scifact NEAR 'vitamin D and bone density' WITHIN 0.45 AND 0.7 LIMIT 5;

-- Grouping search: at most two packages per section, five sections. The plan says how far
-- the search widened its window of candidates to fill the groups.
EXPLAIN ANALYZE SEARCH debian MATCH 'image editor' GROUP BY metadata.section SIZE 2 LIMIT 5;

-- Phrase match is a filter from the BM25 index's positions (no scoring), so it combines
-- with a vector search: the exact phrase (slop 0) …
SEARCH scifact NEAR 'vitamin D and bone density' WHERE PHRASE_MATCH(text, 'bone mineral density', 0) LIMIT 5;

-- … and keyword match, any of the words, from the postings.
EXPLAIN ANALYZE SEARCH scifact NEAR 'sleep and memory' WHERE TEXT_MATCH(title, 'sleep insomnia') LIMIT 3;

-- Rankers run after retrieval: a decay favours small packages, a boost favours games.
-- The factor columns show what each ranker did to each hit.
SEARCH debian MATCH 'strategy game' RANK BY decay(exp, metadata.installed_size, origin => 0, scale => 5000), boost(filter => 'metadata.section == "games"', weight => 2) LIMIT 5;
