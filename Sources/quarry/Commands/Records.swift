import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one record: its text fields and metadata.",
        discussion: """
            Examples:
              quarry get --collection scifact 4983
              quarry get --collection scifact 4983 --json
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The record's id.") var id: String
    @Flag(help: "Print the record as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try database.open()
            let schema = try wb.schema(collection)
            let record = try wb.record(collection: collection, id: id)
            if json {
                printJSON(try wb.recordJSON(collection: collection, id: id))
                return
            }
            let color = Terminal.colorEnabled()
            let width = Terminal.width()
            print(Style.header.apply("\(schema.idField): \(record.id)", enabled: color))
            for f in record.fields {
                print(Style.accent.apply(f.key + ":", enabled: color))
                for line in DisplayWidth.wrap(f.value.stringValue ?? "", max(20, width - 2)) { print("  " + line) }
            }
            print(Style.accent.apply("metadata:", enabled: color))
            for line in record.metadata.prettyJSONText.split(separator: "\n") { print("  " + line) }
        }
    }
}

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete records by id, in one transaction.",
        discussion: """
            Examples:
              quarry delete --collection scifact 4983 5836
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The ids of the records to delete.") var ids: [String]

    func run() throws {
        try reportingErrors {
            let missing = try database.open().delete(collection: collection, ids: ids)
            print("deleted \(ids.count - missing.count) of \(ids.count) records from '\(collection)'"
                + (missing.isEmpty ? "" : "; not found: \(missing.joined(separator: ", "))"))
        }
    }
}

struct Drop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Remove a collection with its records, vectors, query sets, indexes and runs.",
        discussion: """
            Examples:
              quarry drop --collection scratch
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String

    func run() throws {
        try reportingErrors {
            try database.open().drop(collection: collection)
            print("dropped collection '\(collection)'")
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a collection's records as JSONL or CSV, or its vectors as fbin (what was imported comes back out).",
        discussion: """
            JSONL gives each record as {id field, text fields, "metadata": {…}}; importing
            it again gives the same records. CSV puts metadata keys in columns (nested
            values as JSON text). fbin writes one vector field (int32 n, int32 d, n·d
            float32, little-endian): the records' vectors in import order, or with
            --queries the query set's, in its order — the files that
            `quarry import --vectors/--query-vectors` reads.

            Examples:
              quarry export --collection scifact > scifact.jsonl
              quarry export --collection debian --format csv --output debian.csv
              quarry export --collection scifact --format fbin --field embedding \\
                  --output corpus.fbin
              quarry export --collection scifact --format fbin --queries \\
                  --output queries.fbin
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Option(help: "jsonl, csv or fbin.") var format = "jsonl"
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var output: String?
    @Option(help: "fbin: the vector field (default: the collection's only one).") var field: String?
    @Flag(help: "fbin: the query set's vectors instead of the records'.") var queries = false

    func run() throws {
        try reportingErrors {
            guard ["jsonl", "csv", "fbin"].contains(format) else { throw StorageError.invalidArgument("unknown format '\(format)' (expected jsonl, csv or fbin)") }
            let wb = try database.open()
            let schema = try wb.schema(collection)
            if format == "fbin" { return try writeFbin(wb) }
            let out = try output.map { p throws(OutputFile.Failure) in try OutputFile(path: p) } ?? .standardOutput()
            if format == "jsonl" {
                try wb.forEachRecord(collection: collection) { try out.write($0.json(schema: schema).jsonText + "\n") }
            } else {
                let records = try wb.records(collection: collection)
                var metaKeys: [String] = []
                var seen = Set<String>()
                for r in records {
                    if case let .object(m) = r.metadata { for k in m.map(\.key) where seen.insert(k).inserted { metaKeys.append(k) } }
                }
                let header = [schema.idField] + schema.textFields + metaKeys
                try out.write(header.map(csvField).joined(separator: ",") + "\n")
                for r in records {
                    var cells = [r.id] + schema.textFields.map { r.text($0) ?? "" }
                    for k in metaKeys {
                        switch r.metadata[k] {
                        case nil, .null?: cells.append("")
                        case let .string(s)?: cells.append(s)
                        case let v?: cells.append(v.jsonText)
                        }
                    }
                    try out.write(cells.map(csvField).joined(separator: ",") + "\n")
                }
            }
            try out.close()
        }
    }

    /// The vectors of one field, in import order (records) or query-set order (queries).
    func writeFbin(_ wb: Workbench) throws {
        guard let output else { throw StorageError.invalidArgument("--format fbin needs --output FILE") }
        let (flat, dimension) = try wb.exportVectors(collection: collection, field: field, queries: queries)
        let out = try OutputFile(path: output)
        try out.write(Fbin.encode(flat, dimension: dimension))
        try out.close()
        FileHandle.standardError.write(Data("wrote \(flat.count / max(1, dimension)) vectors of \(dimension) dimensions to \(output)\n".utf8))
    }

    func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the database: SQLite's integrity check, every segment file's checksums, and counts.",
        discussion: """
            Reads every file through (opening a collection reads only headers): use it
            after a crash, a disk error or a copy. A damaged index is named with the
            command that rebuilds it; the exit status is 1 when anything is wrong.

            Examples:
              quarry check
              quarry check --collection scifact --json
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Check only this collection.") var collection: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var failed = false
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            let bar = ProgressBar(label: "checking", unit: "steps", enabled: !json && Terminal.isTTY(STDERR_FILENO))
            var steps = 0
            let report = try wb.check(collection: collection) { _ in steps += 1; bar.update(done: steps, fraction: nil) }
            bar.finish()
            failed = !report.ok
            if json { printJSON(report.json); return }
            let color = Terminal.colorEnabled()
            for f in report.findings {
                let mark = f.ok ? Style.accent.apply("ok ", enabled: color) : Style.error.apply("BAD", enabled: color)
                print("\(mark)  \(f.what): \(f.detail)")
            }
            print(report.ok ? "no problems found" : "\(report.findings.filter { !$0.ok }.count) problem(s) found")
        }
        if failed { throw ExitCode(1) }
    }
}
