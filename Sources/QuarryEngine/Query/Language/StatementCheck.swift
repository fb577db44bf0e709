import QuarryLexical
import QuarryStorage

/// The checks a SEARCH passes before it is planned, in one place: LIMIT and OFFSET within the
/// most hits a search ranks (`Parameters.maxResults`), every `WITH` and `USING` value against its
/// declaration in the parameter registry (kind and range), and FUSE's constants against `rrf_k`
/// and `weight`. The parser runs them on what it parsed, and the workbench again on every
/// statement it is given (the TUI and `quarry search` build theirs without text), so the planner
/// only ever converts checked numbers: no `Int(1e30)` traps, no allocation sized by a typo.
///
/// An error found here, or later about a part of the statement the parser located (the
/// collection, a field, the MATCH text), carries that part's line, column and caret.
extension SearchStatement {
    /// LIMIT: 1 to `Parameters.maxResults`.
    public static let limitRange = 1...Parameters.maxResults
    /// OFFSET: 0 to `Parameters.maxResults` − 1 (and OFFSET + LIMIT at most `maxResults`).
    public static let offsetRange = 0...(Parameters.maxResults - 1)

    /// A LIMIT written as `value`, checked; `what` names it in the error (`LIMIT`, `--k`).
    public static func checkedLimit(_ value: Double, what: String = "LIMIT") throws(EngineError) -> Int {
        guard let n = Bounds.integer(value, in: limitRange) else {
            throw .badParameter("\(what) must be a whole number from \(Bounds.text(limitRange)), not \(ParamValue.number(value))")
        }
        return n
    }

    /// An OFFSET written as `value`, checked.
    public static func checkedOffset(_ value: Double) throws(EngineError) -> Int {
        guard let n = Bounds.integer(value, in: offsetRange) else {
            throw .badParameter("OFFSET must be a whole number from \(Bounds.text(offsetRange)), not \(ParamValue.number(value))")
        }
        return n
    }

    /// What a field's boost in `MATCH … IN field^boost` may be.
    public static let boostRange: ClosedRange<Double> = 0...1_000

    /// Throws when a number or a name of the statement breaks its bound (see the type's notes).
    public func check() throws {
        _ = try located("limit") { try Self.checkedLimit(Double(limit)) }
        _ = try located("offset") { try Self.checkedOffset(Double(offset)) }
        if offset + limit > Parameters.maxResults {
            throw located(EngineError.badParameter("OFFSET + LIMIT must be at most \(Parameters.maxResults) (the most hits one search ranks), not \(offset) + \(limit)"),
                          at: locations["offset"] != nil ? "offset" : "limit")
        }
        try checkParameters()
        for f in match?.fields ?? [] where Bounds.real(f.boost, in: Self.boostRange) == nil {
            throw located(EngineError.badParameter("the boost of '\(f.field)' must be between 0 and 1000, not \(ParamValue.number(f.boost))"),
                          at: "match.field.\(f.field)")
        }
        if let g = grouping { _ = try located("group.size") { try GroupBySpec.checkedSize(Double(g.size)) } }
        if let r = near?.range, !(r.radius.isFinite && (r.rangeFilter?.isFinite ?? true)) {
            throw located(EngineError.badParameter("WITHIN's radius and range filter must be finite numbers"), at: "near.radius")
        }
        for (i, ranker) in rankers.enumerated() {
            do {
                switch ranker {
                case let .decay(d): try d.check()
                case let .boost(b): try b.check()
                }
            } catch { throw located(EngineError.badParameter(error.description), at: "rank.\(i)") }
        }
        switch fusion {
        case let .rrf(k)?:
            _ = try located("fuse.k") { try Parameters.require("rrf_k").validated(.number(k)) }
        case let .weighted(weights, _)?:
            guard (1...2).contains(weights.count) else {
                throw located(EngineError.badParameter("weighted fusion takes one or two weights (lexical, vector), not \(weights.count)"), at: "fuse")
            }
            for w in weights {
                _ = try located("fuse.weight") { try Parameters.require("weight").validated(.number(w)) }
            }
        case .auto?, nil:
            break
        }
    }

    /// The `WITH`, `NEAR … USING` and `EXPAND rm3(…)` values against their settings. Every search
    /// passes through here, so the values are first only tested; when one fails, they are set
    /// again in name order on a trial `Settings` for the first refusal in words, at its place.
    private func checkParameters() throws {
        let expansion = match?.expansion?.params ?? [:]
        if with.allSatisfy({ Settings.accepts($0.key, $0.value) })
            && (near?.params ?? [:]).allSatisfy({ Settings.accepts($0.key, $0.value) })
            && expansion.allSatisfy({ Settings.accepts("rm3_" + $0.key, $0.value) }) {
            return
        }
        // An unknown name is shown at the name, a value out of range at the value.
        func key(_ prefix: String, _ name: String) -> String {
            Parameters.named(name)?.isSetting == true ? prefix + name : prefix + "name." + name
        }
        var trial = Settings()
        for (name, value) in with.sorted(by: { $0.key < $1.key }) {
            try located(key("with.", name)) { try trial.set(name, value) }
        }
        if let near {
            for (name, value) in near.params.sorted(by: { $0.key < $1.key }) {
                try located(key("near.", name)) { try trial.set(name, value) }
            }
        }
        // EXPAND rm3(fb_docs = …) values are the rm3_* settings' values, with their ranges.
        for (name, value) in expansion.sorted(by: { $0.key < $1.key }) {
            try located("expand.\(name)") { try trial.set("rm3_" + name, value) }
        }
    }

    /// Runs `body`; its error gets the caret of the part at `key` when the parser recorded one.
    func located<T>(_ key: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw located(error, at: key) }
    }

    /// `error` placed at the part of the statement at `key`: a `QueryError` with line, column
    /// and caret when the statement came from text and the parser recorded that part; else the
    /// error as it is.
    public func located(_ error: any Error, at key: String) -> any Error {
        guard !(error is QueryError), !statementText.isEmpty, let location = locations[key] else { return error }
        return QueryError(ErrorText.describe(error), at: location, in: statementText)
    }

    /// Errors of planning and running about parts of the statement, placed on them: no such
    /// collection (at its name), no such record (at `NEAR DOC`'s id), a MATCH text that does not parse (at the character inside the
    /// string, in the statement's lines and columns).
    func locatingErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StorageError {
            if case let .noSuchCollection(name, _) = e, name == collection { throw located(e, at: "collection") }
            if case let .noSuchRecord(name, _) = e, name == collection { throw located(e, at: "near.target") }
            throw e
        } catch LexicalError.parse(let e) {
            if let at = locationInMatch(column: e.column) { throw QueryError("in MATCH: " + e.message, at: at, in: statementText) }
            // A statement built without text (`quarry search --match`, the TUI's query line)
            // shows the caret under the MATCH text itself, as a filter's error does.
            guard let text = match?.text, !text.contains("\n") else { throw LexicalError.parse(e) }
            throw QueryError("in MATCH: " + e.message, at: SourceLocation(line: 1, column: e.column, offset: e.column - 1), in: text)
        }
    }

    /// Where character `column` (1-based) of the MATCH text is in the statement: the string's
    /// characters are walked by the lexer's rules (a doubled quote or a backslash escape is two
    /// characters of source for one of text); nil without a located MATCH string.
    func locationInMatch(column: Int) -> SourceLocation? {
        guard !statementText.isEmpty, let start = locations["match"] else { return nil }
        let chars = Array(statementText)
        guard start.offset < chars.count else { return nil }
        let quote = chars[start.offset]
        var i = start.offset + 1, line = start.line, col = start.column + 1, textColumn = 1
        func step() {
            if chars[i] == "\n" { line += 1; col = 1 } else { col += 1 }
            i += 1
        }
        while i < chars.count && textColumn < column {
            let escaped = (chars[i] == quote || chars[i] == "\\") && i + 1 < chars.count
                && (chars[i + 1] == quote || (chars[i] == "\\" && chars[i + 1] == "\\"))
            if chars[i] == quote && !escaped { break }
            if escaped { step() }
            step()
            textColumn += 1
        }
        return SourceLocation(line: line, column: col, offset: i)
    }
}
