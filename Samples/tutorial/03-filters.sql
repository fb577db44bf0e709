-- Filters and their strategies
--
-- WHERE filters on JSON metadata. Type `WHERE metadata.` and press Tab twice: the
-- shell lists the paths seen in the data with their types.
.schema debian

-- A filter with a text search: only packages of the games section.
SEARCH debian MATCH 'strategy game' WHERE metadata.section = 'games' LIMIT 5;

-- Numbers compare as numbers; array_contains looks inside arrays.
SEARCH debian MATCH 'editor' WHERE metadata.installed_size < 500 AND array_contains(metadata.depends, 'libc6') LIMIT 5;

-- EXPLAIN shows how the filter runs: from the JSON path index (a bitmap per value)
-- or by reading rows. Look at the filter node and its estimated selectivity.
EXPLAIN ANALYZE SEARCH debian MATCH 'editor' WHERE metadata.section = 'editors' LIMIT 5;

-- SET filter_strategy forces the planner's choice for vector searches (in_graph,
-- exact_scan, post_filter) so you can see what the other choice costs.
SHOW filter_strategy;

-- A mistyped path gets a "did you mean" with a caret under it (the tutorial goes on
-- after this error; a script through a pipe would stop here).
SEARCH debian MATCH 'editor' WHERE metadata.sectoin = 'editors' LIMIT 5;
