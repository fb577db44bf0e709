import GRDB

extension QuarryDatabase {
    /// Versioned migrations. Never edit a shipped migration: add a new one and raise
    /// `formatVersion` when an older Quarry could not read the result.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta (key, value) VALUES ('format_version', '\(formatVersion)');

                CREATE TABLE collections (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    id_field TEXT NOT NULL,
                    text_fields TEXT NOT NULL,      -- JSON array of names
                    vector_fields TEXT NOT NULL,    -- JSON array of {name, dim, metric, model}
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                );

                -- A rowid table: records are large (abstracts), which WITHOUT ROWID tables store badly.
                CREATE TABLE records (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    doc_id TEXT NOT NULL,
                    fields TEXT NOT NULL,           -- JSON object: text field -> text
                    metadata TEXT NOT NULL,         -- JSON object
                    UNIQUE (collection_id, ordinal),
                    UNIQUE (collection_id, doc_id)
                );

                CREATE TABLE vectors (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    vector BLOB NOT NULL,           -- dim x float32, little-endian
                    UNIQUE (collection_id, field, ordinal)
                );

                CREATE TABLE queries (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,      -- line order of the query file
                    query_id TEXT NOT NULL,
                    text TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    PRIMARY KEY (collection_id, query_id)
                ) WITHOUT ROWID;

                CREATE TABLE query_vectors (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    field TEXT NOT NULL,
                    query_id TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (collection_id, field, query_id)
                ) WITHOUT ROWID;

                -- A query set is a split (test, train, dev …) with its judgements.
                CREATE TABLE qrels (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    split TEXT NOT NULL,
                    query_id TEXT NOT NULL,
                    doc_id TEXT NOT NULL,
                    grade INTEGER NOT NULL,
                    PRIMARY KEY (collection_id, split, query_id, doc_id)
                ) WITHOUT ROWID;

                -- Persisted indexes; data begins with a 4-byte magic and a format version.
                CREATE TABLE index_snapshots (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    field TEXT NOT NULL,
                    params TEXT NOT NULL,
                    data BLOB NOT NULL,
                    built_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, name)
                ) WITHOUT ROWID;

                -- Evaluation runs (written by `quarry eval`).
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    statement TEXT NOT NULL,
                    params TEXT NOT NULL,
                    split TEXT NOT NULL,
                    metrics TEXT NOT NULL,
                    per_query TEXT NOT NULL,
                    quarry_version TEXT NOT NULL,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now'))
                );
                """)
        }
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                -- What `quarry tune` recommends for a collection, one row per target metric.
                CREATE TABLE recommendations (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    metric TEXT NOT NULL,
                    target TEXT NOT NULL,           -- e.g. recall@10=0.95 or ndcg@10=max
                    params TEXT NOT NULL,           -- JSON object of the chosen setting
                    report TEXT NOT NULL,           -- JSON: tuning and held-out metrics
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, metric)
                ) WITHOUT ROWID;
                """)
        }
        return m
    }
}
