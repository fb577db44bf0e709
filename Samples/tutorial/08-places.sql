-- Places: text, vectors and geometry
--
-- The places sample holds cities and towns from GeoNames with a geometry field, location,
-- declared by `quarry import --geometry location`. .geo lists the spatial operators
-- (Milvus's ST_* functions); .schema places shows the field.
.geo

-- Text alone: BM25 on the one-line descriptions ("…, 24 km west of Lisbon").
SEARCH places MATCH 'town near Lisbon' LIMIT 5;

-- Vectors alone: descriptions near the meaning of the question, embedded by Quarry.
SEARCH places NEAR 'coastal town near Lisbon' LIMIT 5;

-- A geometry filter alone: within 30 km of Lisbon (longitude first, then latitude),
-- and fewer than 50,000 people.
SEARCH places WHERE ST_DWITHIN(location, 'POINT(-9.14 38.72)', 30000) AND metadata.population < 50000 LIMIT 5;

-- All three. EXPLAIN ANALYZE shows the filter under both branches: the R-Tree's candidates
-- (bounding boxes near the circle), then the exact predicate (haversine) on each.
EXPLAIN ANALYZE SEARCH places MATCH 'coastal town near Lisbon' NEAR 'coastal town near Lisbon'
  WHERE ST_DWITHIN(location, 'POINT(-9.14 38.72)', 40000) LIMIT 5;
