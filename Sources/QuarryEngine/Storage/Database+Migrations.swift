import Foundation
import GRDB
import QuarryBase

extension QuarryDatabase {
    /// Versioned migrations. Never edit a shipped migration: add a new one and raise
    /// `formatVersion` when an older Quarry could not read the result.
    static func migrator(segmentFolder: String) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta (key, value) VALUES ('format_version', '1');

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
        m.registerMigration("v3") { db in
            // Format 2: bulk data leaves SQLite for segment files (see Database+Segments.swift).
            try db.execute(sql: """
                -- Ordinals are never reused: a record's vector row and index entries keep theirs.
                ALTER TABLE collections ADD COLUMN next_ordinal INTEGER NOT NULL DEFAULT 0;
                UPDATE collections SET next_ordinal = coalesce((SELECT max(ordinal) + 1 FROM records r WHERE r.collection_id = collections.id), 0);
                -- Bytes of the live records' text (ids, fields, metadata), kept up to date by import
                -- and delete, so sizes are known without reading the records.
                ALTER TABLE collections ADD COLUMN record_bytes INTEGER NOT NULL DEFAULT 0;
                UPDATE collections SET record_bytes = coalesce((SELECT sum(length(CAST(doc_id AS BLOB)) + length(CAST(fields AS BLOB)) + length(CAST(metadata AS BLOB))) FROM records r WHERE r.collection_id = collections.id), 0);

                -- Ordinals below next_ordinal whose record was deleted (tombstones for every index).
                CREATE TABLE deleted (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    PRIMARY KEY (collection_id, ordinal)
                ) WITHOUT ROWID;

                -- The catalog of segment files: which files hold each collection's vectors and indexes.
                CREATE TABLE segments (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    owner TEXT NOT NULL,            -- vectors:FIELD, vector:FIELD, bm25, paths
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,             -- the content's magic: QVEC, QVHN, QVIV, QLXS, QPIX
                    files TEXT NOT NULL,            -- JSON array of part file names, in order
                    bytes INTEGER NOT NULL,
                    first_ordinal INTEGER,
                    row_count INTEGER,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, owner, seq)
                ) WITHOUT ROWID;

                -- Indexes: what they are (kind, field, parameters); their data is in segments.
                CREATE TABLE indexes (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    field TEXT NOT NULL,
                    params TEXT NOT NULL,           -- JSON: the build parameters, as shown to people
                    state TEXT NOT NULL DEFAULT '{}', -- JSON: what the engine keeps (records covered, vectors built over)
                    built_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, name)
                ) WITHOUT ROWID;
                UPDATE meta SET value = '2' WHERE key = 'format_version';
                """)
            try migrateGaps(db)
            try migrateVectors(db, folder: segmentFolder)
            // Index snapshots (one blob each) are converted to segment files by the engine the
            // first time a writer opens the collection (`Workbench.migrateLegacyIndexes`).
        }
        m.registerMigration("v4") { db in
            // Query sets people make, their judgments from people and commands, and tries. New
            // tables only: a Quarry that does not know them reads the file as before.
            try db.execute(sql: """
                -- A query set made in Quarry (BEIR splits stay in queries/qrels).
                CREATE TABLE query_sets (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    max_grade INTEGER NOT NULL DEFAULT 3,  -- 3: graded 0-3; 1: binary
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, name)
                ) WITHOUT ROWID;

                CREATE TABLE set_queries (
                    collection_id INTEGER NOT NULL,
                    set_name TEXT NOT NULL,
                    query_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    need TEXT,                      -- what a good answer is, shown to whoever judges
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, set_name, query_id),
                    FOREIGN KEY (collection_id, set_name) REFERENCES query_sets(collection_id, name) ON DELETE CASCADE
                ) WITHOUT ROWID;

                -- One grade per (pair, source): human, cmd:NAME or import. A person's grade outranks
                -- an import's, an import's a command's (Workbench+Judgments.swift).
                CREATE TABLE judgments (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    set_name TEXT NOT NULL,
                    query_id TEXT NOT NULL,
                    doc_id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    grade INTEGER NOT NULL,
                    reason TEXT,
                    judged_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    PRIMARY KEY (collection_id, set_name, query_id, doc_id, source)
                ) WITHOUT ROWID;

                -- A try: a named parameter set (and statement template) of a collection.
                CREATE TABLE tries (
                    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    params TEXT NOT NULL,           -- JSON object: parameter -> value
                    statement TEXT,                 -- a SEARCH template with $query, or NULL
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
                    PRIMARY KEY (collection_id, name)
                ) WITHOUT ROWID;
                """)
        }
        registerGeometryMigration(&m)
        return m
    }

    /// Tombstones for the ordinals that have no record (deleted before format 2).
    static func migrateGaps(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, next_ordinal FROM collections") {
            let cid: Int64 = row[0], next: Int = row[1]
            var present = [Bool](repeating: false, count: next)
            for o in try Int.fetchAll(db, sql: "SELECT ordinal FROM records WHERE collection_id = ?", arguments: [cid]) where o < next {
                present[o] = true
            }
            let insert = try db.makeStatement(sql: "INSERT INTO deleted (collection_id, ordinal) VALUES (?, ?)")
            for o in present.indices where !present[o] { try insert.execute(arguments: [cid, o]) }
        }
    }

    /// Moves the `vectors` table's rows into one chunk per field and drops the table.
    static func migrateVectors(_ db: Database, folder: String) throws {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM collections") {
            let cid: Int64 = row["id"]
            let schema = schema(from: row)
            let next: Int = row["next_ordinal"]
            for field in schema.vectorFields {
                let d = field.dimension
                let cursor = try Row.fetchCursor(db, sql: "SELECT ordinal, vector FROM vectors WHERE collection_id = ? AND field = ? ORDER BY ordinal",
                                                 arguments: [cid, field.name])
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                var rng = SystemRandomNumberGenerator()
                let base = "\(slug(schema.name))-vectors_\(slug(field.name))-\(String(rng.next() as UInt64, radix: 16))"
                let writer = VectorChunkWriter(
                    writer: SegmentWriter(kind: VectorChunk.kind, version: VectorChunk.version, partLimit: partLimit) { "\(folder)/\(base).p\($0).\(SegmentFormat.fileExtension)" },
                    dimension: d, firstOrdinal: 0, normalize: field.metric == .cosine)
                var expected = 0
                var any = false
                while let r = try cursor.next() {
                    let o: Int = r[0]
                    let data: Data = r[1]
                    guard o < next, data.count == d * 4 else { continue }
                    while expected < o { try writer.appendMissing(); expected += 1 }
                    try data.withUnsafeBytes { try writer.append($0.bindMemory(to: Float.self).baseAddress!) }
                    expected += 1
                    any = true
                }
                guard any else { writer.abort(); continue }
                let done = try writer.finish()
                var published: [String] = []
                var changes = SegmentChanges()
                changes.additions.append(.init(owner: "vectors:\(field.name)", seq: 0, segment: done, kind: VectorChunk.kind,
                                               firstOrdinal: 0, rows: writer.count))
                _ = try apply(changes, db: db, collectionID: cid, folder: folder, published: &published)
            }
        }
        try db.execute(sql: "DROP TABLE vectors")
    }
}
