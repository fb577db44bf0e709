import Foundation
import QuarryEval
import QuarryStorage

/// Where an evaluation's queries and judgements come from (the collection's imported query set,
/// or files), and the timed pass, on one thread or several.
extension Workbench {
    /// The judgements and the queries of an evaluation, in query-file order.
    func querySet(_ request: EvalRequest) throws -> (Qrels, [StoredQuery]) {
        let qrels: Qrels
        if let path = request.qrelsFile {
            qrels = try Qrels.load(path: path)
            guard !qrels.queryIDs.isEmpty else { throw EngineError.badParameter("\((path as NSString).lastPathComponent): no judgements") }
        } else {
            // The grade that counts per pair: imported qrels with the grades given since (a person's first).
            let rows = try database.effectiveQrels(collection: request.collection, set: request.split)
            let made = try database.setQueries(collection: request.collection, set: request.split)
            guard !rows.isEmpty else {
                if made != nil {
                    throw EngineError.badParameter("query set '\(request.split)' of '\(request.collection)' has no judgments yet "
                        + "(grade hits in the TUI, run quarry judge, or quarry qrels import)")
                }
                let sets = try database.querySets(collection: request.collection).map(\.name)
                throw EngineError.badParameter("collection '\(request.collection)' has no qrels for split '\(request.split)'"
                    + (sets.isEmpty ? " (it has no query set; import a BEIR folder with qrels/, make one with quarry queries add, or give --queries and --qrels)" : " (query sets: \(sets.joined(separator: ", ")))"))
            }
            var q = Qrels()
            for r in rows { q.set(query: r.queryID, document: r.docID, relevance: r.grade) }
            qrels = q
            if request.queriesFile == nil, let made {
                return (qrels, made.map { StoredQuery(id: $0.id, text: $0.text) })
            }
        }
        let queries = try request.queriesFile.map(Self.loadQueries(path:)) ?? database.queries(collection: request.collection)
        return (qrels, queries)
    }

    /// Whether the request's queries are the imported ones, whose vectors were stored with them
    /// (a query file's and a made set's are embedded from their text).
    func usesStoredQueryVectors(_ request: EvalRequest) throws -> Bool {
        guard request.queriesFile == nil else { return false }
        return try database.setQueries(collection: request.collection, set: request.split) == nil
    }

    /// Reads a query file: JSON lines with `_id` (or `id`) and `text` (BEIR's queries.jsonl), or
    /// tab-separated `qid<TAB>text` lines. Blank lines are skipped; errors say file:line.
    public static func loadQueries(path: String) throws -> [StoredQuery] {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else { throw EngineError.badParameter("\(path): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw EngineError.badParameter("\(name): not UTF-8") }
        var queries: [StoredQuery] = []
        var seen: [String: Int] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let number = i + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let id: String, body: String
            if line.first == "{" {
                let value: JSONValue
                do { value = try JSONParser.parse(String(line)) } catch {
                    throw EngineError.badParameter("\(name):\(number): \(error)")
                }
                switch value["_id"] ?? value["id"] {
                case let .string(s)?: id = s
                case let .int(n)?: id = String(n)
                default: throw EngineError.badParameter("\(name):\(number): the query has no \"_id\"")
                }
                guard let t = value["text"]?.stringValue else { throw EngineError.badParameter("\(name):\(number): the query has no \"text\"") }
                body = t
            } else {
                let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw EngineError.badParameter("\(name):\(number): expected a JSON object or 'query-id<TAB>text'")
                }
                (id, body) = (String(parts[0]), String(parts[1]))
            }
            if let first = seen[id] { throw EngineError.badParameter("\(name):\(number): query id '\(id)' again (first on line \(first))") }
            seen[id] = number
            queries.append(StoredQuery(id: id, text: body))
        }
        guard !queries.isEmpty else { throw EngineError.badParameter("\(name): no queries") }
        return queries
    }

    /// Runs `query(workbench, i)` for every i in 0..<count and pools the nanoseconds it returns.
    ///
    /// With one thread, this workbench runs them in order. With more, each thread opens its own
    /// workbench on the same file (the loaded indexes keep per-search scratch space, so they are not
    /// shared), warms it up on a few queries untimed, waits for the others, then takes every
    /// `threads`-th query; the wall time runs from the common start to the last thread's end.
    func timedPass(_ count: Int, threads: Int, check: @escaping () throws -> Void,
                   _ query: @escaping (Workbench, Int) throws -> UInt64) throws -> (LatencyRecorder, Double) {
        guard threads > 1 else {
            var latency = LatencyRecorder()
            let start = monotonicNanoseconds()
            for i in 0..<count {
                try check()
                latency.record(nanoseconds: try query(self, i))
            }
            return (latency, Double(monotonicNanoseconds() - start) / 1e9)
        }
        let workbenches = try (0..<threads).map { _ in try Workbench(path: database.path, mustExist: true) }
        for w in workbenches { w.settings = settings }
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var latency = LatencyRecorder()
            var failure: Error?
            var start: UInt64 = 0
        }
        let shared = Shared()
        let ready = DispatchGroup(), go = DispatchSemaphore(value: 0), done = DispatchGroup()
        nonisolated(unsafe) let run = query, stop = check
        for t in 0..<threads {
            ready.enter()
            done.enter()
            let w = workbenches[t]
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    for i in stride(from: t, to: count, by: threads).prefix(5) { _ = try run(w, i) }
                } catch {
                    shared.lock.withLock { shared.failure = shared.failure ?? error }
                }
                ready.leave()
                go.wait()
                var mine = LatencyRecorder()
                do {
                    for i in stride(from: t, to: count, by: threads) {
                        try stop()
                        mine.record(nanoseconds: try run(w, i))
                    }
                } catch {
                    shared.lock.withLock { shared.failure = shared.failure ?? error }
                }
                shared.lock.withLock { shared.latency.merge(mine) }
            }
        }
        ready.wait()
        shared.start = monotonicNanoseconds()
        for _ in 0..<threads { go.signal() }
        done.wait()
        let wall = Double(monotonicNanoseconds() - shared.start) / 1e9
        if let e = shared.failure { throw e }
        return (shared.latency, wall)
    }
}
