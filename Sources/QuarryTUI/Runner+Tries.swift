import Foundation
import QuarryEngine

/// Two saved tries run on the query on screen (`T`): each try's statement through the engine's
/// `tryResult` (the statement `quarry try compare` runs), the right-hand column's rank moves
/// against the left, and overlap@10 and RBO (p = 0.9) from the engine's `Measures`.
struct TryPair: Sendable {
    /// Every try of the collection, oldest first (the order `c` cycles the right-hand one in).
    var names: [String]
    var left: String
    var right: String
    var query: String
    var filter: String?
    var leftHits: [Hit] = []
    var rightHits: [Hit] = []
    var leftError: String?
    var rightError: String?
    var overlap: Double = 0
    var rbo: Double = 0

    static let k = 10

    /// The default pair: the two tries saved last (older left, newer right); nil with fewer than two.
    static func defaultPair(_ names: [String]) -> (left: String, right: String)? {
        names.count < 2 ? nil : (names[names.count - 2], names[names.count - 1])
    }

    /// The try after `right` in saved order, skipping `left` (the right-hand column's `c`).
    static func nextRight(after right: String, left: String, in names: [String]) -> String {
        let others = names.filter { $0 != left }
        guard let i = others.firstIndex(of: right) else { return others.first ?? right }
        return others[(i + 1) % others.count]
    }

    /// Marks the right-hand hits with their move against the left-hand ranking (positive: up;
    /// `isNew`: not in the left top-k) and computes overlap@k and RBO of the two top-k.
    mutating func measure() {
        let a = leftHits.prefix(Self.k).map(\.id), b = rightHits.prefix(Self.k).map(\.id)
        var before: [String: Int] = [:]
        for (i, id) in a.enumerated() where before[id] == nil { before[id] = i + 1 }
        for i in rightHits.indices {
            rightHits[i].move = nil
            rightHits[i].isNew = false
            if let r = before[rightHits[i].id] { rightHits[i].move = r - (i + 1) } else { rightHits[i].isNew = true }
        }
        overlap = Measures.overlap(a, b, k: Self.k)
        rbo = Measures.rankBiasedOverlap(a, b, p: 0.9, k: Self.k)
    }

    /// Grade marks as in the result columns, from the stored grades of the same query.
    mutating func apply(_ g: QueryGrades?) {
        guard let g, g.text == query else { return }
        for i in leftHits.indices { Self.mark(&leftHits[i], g) }
        for i in rightHits.indices { Self.mark(&rightHits[i], g) }
    }

    private static func mark(_ h: inout Hit, _ g: QueryGrades) {
        h.grade = g.made ? g.grades[h.id] : nil
        h.unjudged = g.made && g.grades[h.id] == nil
        h.relevant = (g.grades[h.id] ?? 0) > 0
    }
}

extension Runner {
    /// The two tries' answers to `query` (synchronous; the engine queue calls it). `right` nil:
    /// the two saved last. Throws when the collection has fewer than two tries.
    func tryPair(query: String, filter: String?, left: String? = nil, right: String? = nil) throws -> TryPair {
        let tries = try workbench.tries(collection: collection)
        let names = tries.map(\.name)
        guard let pair = TryPair.defaultPair(names) else {
            throw EngineError.badParameter("T compares two saved tries; collection '\(collection)' has \(names.count) (t saves one, or quarry try save NAME)")
        }
        let l = left.flatMap { names.contains($0) ? $0 : nil } ?? pair.left
        var r = right.flatMap { names.contains($0) ? $0 : nil } ?? pair.right
        if r == l { r = TryPair.nextRight(after: r, left: l, in: names) }
        var p = TryPair(names: names, left: l, right: r, query: query, filter: filter)
        for (name, side) in [(l, 0), (r, 1)] {
            guard let t = tries.first(where: { $0.name == name }) else { continue }
            do {
                let hits = try hits(try workbench.tryResult(t, collection: collection, text: query, depth: TryPair.k, filter: filter))
                if side == 0 { p.leftHits = hits } else { p.rightHits = hits }
            } catch {
                if side == 0 { p.leftError = ErrorText.describe(error) } else { p.rightError = ErrorText.describe(error) }
            }
        }
        p.measure()
        return p
    }

    /// Posts the two tries' answers to the query on screen.
    func compareTries(query: String, filter: String?, left: String? = nil, right: String? = nil) {
        queue.async { [self] in
            do { inbox.post(.tries(try tryPair(query: query, filter: filter, left: left, right: right))) }
            catch { inbox.post(.failure(ErrorText.describe(error))) }
        }
    }
}

extension Workspace {
    /// `T`: the two tries saved last, on the query on screen (or the query line's text).
    func openTries() {
        let text = outcome?.query ?? Self.split(lastQuery).query
        guard !text.isEmpty else { status = "type a query first, then T compares two saved tries on it"; statusIsError = true; return }
        runner.compareTries(query: text, filter: outcome?.filter)
        status = "running two tries…"
        statusIsError = false
    }

    /// `c` in the comparison: the right-hand try becomes the next saved one.
    func cycleRightTry() {
        guard let p = tryPair, p.names.count > 2 else { status = "only two tries are saved"; statusIsError = false; return }
        runner.compareTries(query: p.query, filter: p.filter, left: p.left, right: TryPair.nextRight(after: p.right, left: p.left, in: p.names))
    }
}
