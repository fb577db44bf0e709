import Foundation
import QuarryEngine

/// The session's state on the UI thread: the last answers, the session's latencies, the
/// parameters, the query set. Panels read it; actions change it and send work to the runner.
final class Workspace {
    let runner: Runner
    let collection: String
    let recordCount: Int

    var outcome: RunOutcome?
    var params = Params()
    /// The latency of every run of this session, per branch (the engine's HdrHistogram recorder).
    var latencies: [LatencyRecorder]
    var runs = 0
    var generation = 0
    var received = 0
    var status = ""
    var statusIsError = false

    var querySet: [QuerySetEntry]?
    /// The split the query set came from (where grades of its queries go).
    var querySetName: String?
    var querySetIndex = -1
    /// Set when the query line shows a query-set query (cleared when it is edited).
    var currentSetEntry: QuerySetEntry?
    var lastQuery = ""

    var document: DocumentContent?
    var helpVisible = false
    var facets: FacetReport?
    private var facetsRequested = false
    var sweep: SweepProgress?
    /// Words the query line completes (keywords, fields, JSON paths), loaded at start.
    var completionWords: [String] = Completion.keywords

    /// Called when a query-set step changes the query line's text.
    var onQueryText: ((String) -> Void)?

    /// The set `a` adds the query line to and grades of typed queries go to.
    var activeSet: String
    /// The stored grades of the query on screen, when it is in a set.
    var grades: QueryGrades?
    /// Grades given in this session, last on top (`u`).
    var undoStack: [GradeUndo] = []
    /// Judge mode's pool depth: the top-k of each column.
    var poolDepth: Int
    /// The pool judge mode walks (set when it arrives; the screen opens the overlay).
    var judgePool: JudgePool?
    var judgePoolArrived = false
    /// Two tries on the query on screen (`T`; the screen opens the overlay when it arrives).
    var tryPair: TryPair?
    var tryPairArrived = false
    /// The status line's prompt for a try's name (`t`), while it is open.
    var prompt: LinePrompt?

    init(runner: Runner, recordCount: Int, activeSet: String = "tui", poolDepth: Int = 10) {
        self.runner = runner
        self.collection = runner.collection
        self.recordCount = recordCount
        self.latencies = runner.branches.map { _ in LatencyRecorder() }
        self.activeSet = activeSet
        self.poolDepth = poolDepth
    }

    /// The result columns shown.
    var branches: [Branch] { runner.branches }

    var running: Bool { received < generation }

    /// Runs the query line's text: the words before a `WHERE` go to MATCH and NEAR, the rest is the filter.
    func run(_ text: String) {
        let line = text.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return }
        var (query, filter, clauses) = Self.parts(line)
        // A query-set query is taken whole, whatever words it holds; a filter may follow it.
        if let entry = currentSetEntry, line.hasPrefix(entry.query.text) {
            query = entry.query.text
            let rest = Self.parts("x" + line.dropFirst(entry.query.text.count))
            filter = rest.filter
            clauses = rest.clauses
        }
        if currentSetEntry?.query.text != query { currentSetEntry = nil }
        lastQuery = line
        generation += 1
        runner.run(query: query, filter: filter, clauses: clauses, fromSet: currentSetEntry, params: params, generation: generation,
                   deferExact: recordCount >= Self.deferredExactRecords)
        // The stored grades follow the run (the same queue keeps the order).
        if let entry = currentSetEntry, let split = querySetName {
            runner.loadGrades(GradeTarget(set: split, text: query, queryID: entry.query.id))
        } else {
            runner.loadGrades(GradeTarget(set: activeSet, text: query, queryID: nil))
        }
    }

    /// The query line cut at its clause keywords, written in capitals outside double quotes (so
    /// that "where" in a question stays query text): the query text, the filter after `WHERE`,
    /// and the `WITHIN …`, `RANK BY …` and `GROUP BY …` clauses, in the order written.
    static func parts(_ line: String) -> (query: String, filter: String?, clauses: String?) {
        let chars = Array(line)
        var cuts: [(at: Int, keyword: String)] = []
        var quoted = false
        var i = 0
        while i < chars.count {
            if chars[i] == "\"" { quoted.toggle() }
            else if !quoted && (i == 0 || chars[i - 1] == " ") {
                for k in ["WHERE", "WITHIN", "RANK BY", "GROUP BY"] where i + k.count <= chars.count && String(chars[i..<i + k.count]) == k
                    && (i + k.count == chars.count || chars[i + k.count] == " ") {
                    cuts.append((i, k))
                }
            }
            i += 1
        }
        guard let first = cuts.first else { return (line, nil, nil) }
        var filter: String?
        var clauses: [String] = []
        for (n, cut) in cuts.enumerated() {
            let end = n + 1 < cuts.count ? cuts[n + 1].at : chars.count
            let piece = String(chars[cut.at..<end]).trimmingCharacters(in: .whitespaces)
            if cut.keyword == "WHERE" {
                let f = String(piece.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                filter = f.isEmpty ? nil : f
            } else {
                clauses.append(piece)
            }
        }
        return (String(chars[..<first.at]).trimmingCharacters(in: .whitespaces), filter, clauses.isEmpty ? nil : clauses.joined(separator: " "))
    }

    /// The query line's query text and filter (see `parts`).
    static func split(_ line: String) -> (query: String, filter: String?) {
        let p = parts(line)
        return (p.query, p.filter)
    }

    /// Adds `expression` to the query line's filter (`WHERE …` or `AND …`) and runs it.
    func addFilter(_ expression: String) {
        let p = Self.parts(lastQuery)
        var line = p.query + " WHERE " + (p.filter.map { $0 + " AND " } ?? "") + expression
        if let c = p.clauses { line += " " + c }
        onQueryText?(line)
        status = "filter: \(Self.split(line).filter ?? "")"
        statusIsError = false
        run(line)
    }

    /// The facets, computed on first use.
    func requestFacets() {
        guard !facetsRequested else { return }
        facetsRequested = true
        runner.loadFacets()
    }

    /// Starts a sweep of `parameter` (ef when it cannot be swept) over the query set.
    func startSweep(_ parameter: String) {
        if let s = sweep, !s.done { status = "a sweep of \(s.parameter) is running"; return }
        guard let progress = SweepProgress(parameter: parameter) ?? SweepProgress(parameter: "ef") else { return }
        sweep = progress
        runner.sweep(progress.parameter, params: params)
    }

    /// Applies a sweep point's value (and what it implies) and re-runs the query.
    func apply(parameter: String, value: ParamValue) {
        _ = params.apply(parameter, value)
        status = "\(parameter) = \(value.doubleValue.map(Params.text) ?? value.description)"
        statusIsError = false
        rerun()
    }

    func rerun() { if !lastQuery.isEmpty { run(lastQuery) } }

    func open(_ hit: Hit) {
        runner.open(ordinal: hit.ordinal, query: outcome?.query ?? lastQuery, params: params, rankers: hit.rankers)
        status = "opening \(hit.id)…"
        statusIsError = false
    }

    /// Steps through the query set (loaded on first use).
    func stepQuerySet(_ delta: Int) {
        guard let set = querySet else {
            pendingStep = delta
            runner.loadQuerySet()
            status = "loading the query set…"
            return
        }
        guard !set.isEmpty else { status = "this collection has no judged queries"; return }
        querySetIndex = (querySetIndex + delta + set.count) % set.count
        let entry = set[querySetIndex]
        currentSetEntry = entry
        onQueryText?(entry.query.text)
        status = "query \(querySetIndex + 1)/\(set.count): \(entry.query.id)"
        statusIsError = false
        run(entry.query.text)
    }

    private var pendingStep: Int?

    /// From this many records on, a run shows its columns before the exact answer (a scan of
    /// every vector) is ready; below, both come together.
    static let deferredExactRecords = 100_000

    /// Applies what the worker sent back.
    func receive(_ m: Message) {
        switch m {
        case let .exact(o):
            // The exact answer of the run shown: its recall, ◆ marks and analysed plan; the
            // columns, rank moves and latency samples stay those of the first message.
            guard var current = outcome, current.generation == o.generation else { break }
            for b in current.branches.indices where b < o.branches.count {
                current.branches[b].recallExact = o.branches[b].recallExact
                let marks = Dictionary(o.branches[b].hits.map { ($0.id, $0.exact) }, uniquingKeysWith: { first, _ in first })
                for i in current.branches[b].hits.indices { current.branches[b].hits[i].exact = marks[current.branches[b].hits[i].id] ?? false }
            }
            current.plan = o.plan
            current.planFooter = o.planFooter
            current.exactPending = false
            outcome = current
        case var .run(o):
            received = max(received, o.generation)
            if let previous = outcome, previous.query == o.query {
                for b in o.branches.indices {
                    var before: [String: Int] = [:]
                    for h in previous.branches[b].hits { before[h.id] = h.rank }
                    for i in o.branches[b].hits.indices {
                        let h = o.branches[b].hits[i]
                        if let r = before[h.id] { o.branches[b].hits[i].move = r - h.rank } else { o.branches[b].hits[i].isNew = true }
                    }
                }
            }
            for b in o.branches.indices where o.branches[b].error == nil { latencies[b].record(nanoseconds: UInt64(max(0, o.branches[b].ms) * 1e6)) }
            runs += 1
            outcome = o
            if let g = grades, g.text == o.query { apply(g) } else { grades = nil }
        case let .document(d):
            document = d
            status = ""
        case let .grades(g, undo):
            apply(g)
            if let undo {
                undoStack.append(undo)
                status = "graded \(undo.docID) for \(g.queryID) in set '\(g.set)' (u undoes)"
                statusIsError = false
            }
            if var p = judgePool, p.grades.set == g.set, p.grades.queryID == g.queryID { p.grades = g; judgePool = p }
        case let .queryAdded(set, query, isNew):
            status = isNew ? "added \(query.id) to set '\(set)': \(query.text)" : "already in set '\(set)' as \(query.id)"
            statusIsError = false
        case let .pool(p):
            judgePool = p
            judgePoolArrived = true
            status = p.notes.first.map { "pool: \($0)" } ?? ""
            statusIsError = false
        case var .tries(p):
            p.apply(grades)
            tryPair = p
            tryPairArrived = true
            status = ""
        case let .querySet(entries, note, split):
            querySet = entries
            querySetName = split
            status = note ?? ""
            if let step = pendingStep, !entries.isEmpty {
                pendingStep = nil
                querySetIndex = step > 0 ? -1 : 0
                stepQuerySet(step)
            }
        case let .facets(report):
            facets = report
        case let .sweep(progress):
            sweep = progress
            if let e = progress.error { status = e; statusIsError = true }
        case let .catalog(words):
            completionWords = words
        case let .note(text):
            status = text
            statusIsError = false
        case let .failure(text):
            status = text
            statusIsError = true
        }
    }
}
