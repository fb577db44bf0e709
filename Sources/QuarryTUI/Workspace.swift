import Foundation

/// The session's state on the UI thread: the last answers, the session's latencies, the
/// parameters, the query set. Panels read it; actions change it and send work to the runner.
final class Workspace {
    let runner: Runner
    let collection: String
    let recordCount: Int

    var outcome: RunOutcome?
    var params = Params()
    /// Milliseconds of every run of this session, per branch.
    var latencies: [[Double]] = [[], [], []]
    var runs = 0
    var generation = 0
    var received = 0
    var status = ""
    var statusIsError = false

    var querySet: [QuerySetEntry]?
    var querySetIndex = -1
    /// Set when the query line shows a query-set query (cleared when it is edited).
    var currentSetEntry: QuerySetEntry?
    var lastQuery = ""

    var document: DocumentContent?
    var helpVisible = false

    /// Called when a query-set step changes the query line's text.
    var onQueryText: ((String) -> Void)?

    init(runner: Runner, recordCount: Int) {
        self.runner = runner
        self.collection = runner.collection
        self.recordCount = recordCount
    }

    var running: Bool { received < generation }

    func run(_ text: String) {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return }
        if currentSetEntry?.query.text != query { currentSetEntry = nil }
        lastQuery = query
        generation += 1
        runner.run(query: query, fromSet: currentSetEntry, params: params, generation: generation)
    }

    func rerun() { if !lastQuery.isEmpty { run(lastQuery) } }

    func open(_ hit: Hit) {
        runner.open(ordinal: hit.ordinal, query: outcome?.query ?? lastQuery, params: params)
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

    /// Applies what the worker sent back.
    func receive(_ m: Message) {
        switch m {
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
            for b in o.branches.indices where o.branches[b].error == nil { latencies[b].append(o.branches[b].ms) }
            runs += 1
            outcome = o
        case let .document(d):
            document = d
            status = ""
        case let .querySet(entries, note):
            querySet = entries
            status = note ?? ""
            if let step = pendingStep, !entries.isEmpty {
                pendingStep = nil
                querySetIndex = step > 0 ? -1 : 0
                stepQuerySet(step)
            }
        case let .failure(text):
            status = text
            statusIsError = true
        }
    }
}
