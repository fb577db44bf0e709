/// A recursive-descent parser for the statement language. Errors name line, column and what
/// was expected, and render with a caret under the spot (`QueryError.rendered`).
public struct StatementParser {
    private let source: String
    private let tokens: [Token]
    private var i = 0

    /// Keywords that start a clause of SEARCH (and so end a WHERE expression).
    static let clauseKeywords = Set(Vocabulary.clauseKeywords)

    public static func parse(_ source: String) throws(QueryError) -> Statement {
        var p = StatementParser(source: source, tokens: try Lexer.tokens(source))
        let s = try p.statement()
        p.skip(symbol: ";")
        guard case .end = p.peek.kind else { throw p.expected("end of statement") }
        return s
    }

    private init(source: String, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: - Token helpers

    private var peek: Token { tokens[i] }
    private mutating func next() -> Token { defer { if i < tokens.count - 1 { i += 1 } }; return tokens[i] }

    private func expected(_ what: String) -> QueryError {
        QueryError("expected \(what), found \(peek.description)", at: peek.location, in: source)
    }

    private mutating func accept(_ keyword: String) -> Bool {
        if peek.keyword == keyword { i += 1; return true }
        return false
    }

    private mutating func expect(_ keyword: String) throws(QueryError) {
        guard accept(keyword) else { throw expected(keyword) }
    }

    private mutating func skip(symbol: String) { if case .symbol(symbol) = peek.kind { i += 1 } }

    private mutating func accept(symbol: String) -> Bool {
        if case .symbol(symbol) = peek.kind { i += 1; return true }
        return false
    }

    private mutating func expect(symbol: String) throws(QueryError) {
        guard accept(symbol: symbol) else { throw expected("'\(symbol)'") }
    }

    private mutating func identifier(_ what: String) throws(QueryError) -> String {
        guard case let .word(w) = peek.kind else { throw expected(what) }
        i += 1
        return w
    }

    private mutating func string(_ what: String) throws(QueryError) -> String {
        guard case let .string(s) = peek.kind else { throw expected(what) }
        i += 1
        return s
    }

    private mutating func number(_ what: String) throws(QueryError) -> Double {
        guard case let .number(v, _) = peek.kind else { throw expected(what) }
        i += 1
        return v
    }

    /// The name of a session setting, checked against the registry (the caret under the name);
    /// an alias (`algorithm`) gives the setting's own name.
    private mutating func settingName(_ what: String) throws(QueryError) -> String {
        let at = peek.location
        let name = try identifier(what).lowercased()
        do { return try Settings.setting(name).name } catch { throw QueryError(error.description, at: at, in: source) }
    }

    /// A whole number through `check` (LIMIT, OFFSET): its error placed at the number.
    private mutating func count(_ what: String, _ check: (Double) throws(EngineError) -> Int) throws(QueryError) -> Int {
        guard case let .number(v, _) = peek.kind else { throw expected(what) }
        do { let n = try check(v); i += 1; return n } catch { throw QueryError(error.description, at: peek.location, in: source) }
    }

    // MARK: - Statements

    private mutating func statement() throws(QueryError) -> Statement {
        switch peek.keyword {
        case "SEARCH"?: return .search(try search())
        case "EXPLAIN"?:
            i += 1
            let analyze = accept("ANALYZE")
            return .explain(try search(), analyze: analyze)
        case "COMPARE"?:
            i += 1
            try expect(symbol: "(")
            let a = try search()
            try expect(symbol: ")")
            try expect("WITH")
            try expect(symbol: "(")
            let b = try search()
            try expect(symbol: ")")
            return .compare(a, b)
        case "SET"?:
            i += 1
            let nameToken = peek
            let name = try identifier("a setting name").lowercased()
            if !accept(symbol: "=") { try expect("TO") }
            let valueToken = peek
            let value = try value()
            // The registry checks the name and the value now, so the caret can point at them.
            var trial = Settings()
            do { try trial.set(name, value) } catch {
                let known = Parameters.named(name)?.isSetting == true
                throw QueryError(error.description, at: known ? valueToken.location : nameToken.location, in: source)
            }
            return .set(name: name, value: value)
        case "RESET"?:
            i += 1
            if accept("ALL") { return .reset(name: nil) }
            return .reset(name: try settingName("a setting name or ALL"))
        case "SHOW"?:
            i += 1
            if accept("SETTINGS") || accept("ALL") { return .show(name: nil) }
            if case .end = peek.kind { return .show(name: nil) }
            if case .symbol(";") = peek.kind { return .show(name: nil) }
            return .show(name: try settingName("a setting name, SETTINGS or ALL"))
        default:
            throw expected("SEARCH, EXPLAIN, COMPARE, SET, RESET or SHOW")
        }
    }

    private mutating func search() throws(QueryError) -> SearchStatement {
        let start = peek.location
        try expect("SEARCH")
        let collectionToken = peek
        var s = SearchStatement(collection: try identifier("a collection name"))
        s.locations["collection"] = collectionToken.location
        while let k = peek.keyword, Self.clauseKeywords.contains(k) {
            let clauseToken = next()
            func duplicate() -> QueryError { QueryError("\(k) given twice", at: clauseToken.location, in: source) }
            switch k {
            case "MATCH":
                if s.match != nil { throw duplicate() }
                s.match = try matchClause(&s.locations)
            case "NEAR":
                if s.near != nil { throw duplicate() }
                s.near = try nearClause(&s.locations)
            case "WHERE":
                if s.filter != nil { throw duplicate() }
                s.filter = try filterText()
            case "FUSE":
                if s.fusion != nil { throw duplicate() }
                s.locations["fuse"] = peek.location
                s.fusion = try fusion(&s.locations)
            case "RANK":
                if !s.rankers.isEmpty { throw duplicate() }
                try expect("BY")
                s.locations["rank"] = peek.location
                repeat {
                    var r = try ranker(&s.locations, index: s.rankers.count)
                    if accept("ON") {
                        let at = peek.location
                        let branch = try identifier("a branch (bm25 or vector)").lowercased()
                        guard RankerSpec.branches.contains(branch) else {
                            throw QueryError("a ranker runs ON bm25 or ON vector, not '\(branch)'", at: at, in: source)
                        }
                        r.branch = branch
                    }
                    s.rankers.append(r)
                } while accept(symbol: ",")
            case "GROUP":
                if s.grouping != nil { throw duplicate() }
                try expect("BY")
                s.locations["group"] = peek.location
                var g = GroupBySpec(path: try path("a metadata path to GROUP BY (metadata.category)"))
                if accept("SIZE") {
                    s.locations["group.size"] = peek.location
                    g.size = try count("a group SIZE (a whole number)") { v throws(EngineError) in try GroupBySpec.checkedSize(v) }
                }
                if accept("STRICT") { g.strict = true }
                s.grouping = g
            case "LIMIT":
                s.locations["limit"] = peek.location
                s.limit = try count("a LIMIT count (a whole number)") { v throws(EngineError) in try SearchStatement.checkedLimit(v) }
            case "OFFSET":
                s.locations["offset"] = peek.location
                s.offset = try count("an OFFSET (a whole number)") { v throws(EngineError) in try SearchStatement.checkedOffset(v) }
            case "WITH":
                try expect(symbol: "(")
                s.with.merge(try parameters(&s.locations, prefix: "with."), uniquingKeysWith: { $1 })
                try expect(symbol: ")")
            default: break
            }
        }
        if s.match == nil && s.near == nil && s.filter == nil {
            throw expected("MATCH, NEAR or WHERE")
        }
        if case .word = peek.kind { throw expected("MATCH, NEAR, WHERE, FUSE, RANK BY, GROUP BY, LIMIT, OFFSET or WITH") }
        let end = peek.location.offset
        s.source = String(Array(source)[start.offset..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
        s.statementText = source
        do { try s.check() } catch let e as QueryError { throw e } catch {
            throw QueryError(ErrorText.describe(error), at: start, in: source)
        }
        return s
    }

    private mutating func matchClause(_ locations: inout StatementLocations) throws(QueryError) -> MatchClause {
        locations["match"] = peek.location
        let text = try string("the text to MATCH (a quoted string)")
        var fields: [MatchField] = []
        if accept("IN") {
            repeat {
                let at = peek.location
                let name = try identifier("a text field name")
                locations["match.field.\(name)"] = at
                var boost = 1.0
                if accept(symbol: "^") { boost = try number("a boost after '^'") }
                fields.append(MatchField(field: name, boost: boost))
            } while accept(symbol: ",")
        }
        var clause = MatchClause(text: text, fields: fields)
        if accept("EXPAND") { clause.expansion = try expansion(&locations) }
        return clause
    }

    /// `rm3` or `rm3(fb_docs = 10, fb_terms = 10, original_query_weight = 0.5)` after EXPAND.
    private mutating func expansion(_ locations: inout StatementLocations) throws(QueryError) -> QueryExpansion {
        let methods = QueryExpansion.Method.allCases.map(\.rawValue)
        let name = try identifier("an expansion method (\(methods.joined(separator: ", ")))").lowercased()
        guard let method = QueryExpansion.Method(rawValue: name) else {
            let suggestion = Suggest.nearest(to: name, in: methods)
            throw QueryError("unknown expansion '\(name)'" + (suggestion.map { "; did you mean \($0)?" } ?? " (expected \(methods.joined(separator: ", ")))"),
                             at: tokens[i - 1].location, in: source)
        }
        var e = QueryExpansion(method: method)
        if accept(symbol: "(") && !accept(symbol: ")") {
            let start = i
            e.params = try parameters(&locations, prefix: "expand.")
            for key in e.params.keys.sorted() where !QueryExpansion.parameterNames.contains(key) {
                let at = tokens[start...].first { $0.keyword == key.uppercased() }?.location ?? tokens[start].location
                let hint = Suggest.nearest(to: key, in: QueryExpansion.parameterNames).map { "; did you mean \($0)?" } ?? ""
                throw QueryError("unknown \(name) parameter '\(key)'\(hint) (parameters: \(QueryExpansion.parameterNames.joined(separator: ", ")))",
                                 at: at, in: source)
            }
            try expect(symbol: ")")
        }
        return e
    }

    private mutating func nearClause(_ locations: inout StatementLocations) throws(QueryError) -> NearClause {
        let target: NearTarget
        if accept("DOC") {
            locations["near.target"] = peek.location
            target = .document(try idValue())
        } else if accept(symbol: "[") {
            var values: [Float] = []
            if !accept(symbol: "]") {
                repeat { values.append(Float(try number("a number in the vector"))) } while accept(symbol: ",")
                try expect(symbol: "]")
            }
            target = .vector(values)
        } else {
            target = .text(try string("the text, DOC 'id' or [vector] to search NEAR"))
        }
        var clause = NearClause(target: target, field: nil, index: nil, params: [:])
        if accept("WITHIN") { clause.range = try range(&locations) }
        if accept("IN") {
            locations["near.field"] = peek.location
            clause.field = try identifier("a vector field name")
        }
        if accept("USING") {
            locations["near.index"] = peek.location
            clause.index = try identifier("an index type (flat, hnsw, ivf_flat, ivf_sq8, ivf_rabitq)").lowercased()
            if accept(symbol: "(") {
                if !accept(symbol: ")") {
                    clause.params = try parameters(&locations, prefix: "near.")
                    try expect(symbol: ")")
                }
            }
        }
        if clause.range == nil && accept("WITHIN") { clause.range = try range(&locations) }
        return clause
    }

    /// `WITHIN radius [AND range_filter]` of NEAR.
    private mutating func range(_ locations: inout StatementLocations) throws(QueryError) -> VectorRange {
        locations["near.radius"] = peek.location
        var r = VectorRange(radius: try number("the radius of WITHIN (a distance or similarity)"))
        if accept("AND") {
            locations["near.range_filter"] = peek.location
            r.rangeFilter = try number("the range filter after WITHIN radius AND")
        }
        return r
    }

    /// A path into the record as the filter language spells it (`metadata.a.b`,
    /// `metadata["odd key"]`, `metadata.tags[0]`), taken as written.
    private mutating func path(_ what: String) throws(QueryError) -> String {
        let start = peek.location
        guard case .word = peek.kind else { throw expected(what) }
        i += 1
        var end = i
        while true {
            if accept(symbol: ".") {
                guard case .word = peek.kind else { throw expected("a key after '.'") }
                i += 1
            } else if accept(symbol: "[") {
                switch peek.kind {
                case .string, .number: i += 1
                default: throw expected("a quoted key or an index inside '[ ]'")
                }
                try expect(symbol: "]")
            } else { break }
            end = i
        }
        let chars = Array(source)
        let stop = tokens[end].location.offset
        return String(chars[start.offset..<stop]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `decay(gauss, metadata.year, origin => 2024, scale => 5)` or
    /// `boost(filter => 'metadata.open == true', weight => 2)`; `name = value` is accepted too.
    private mutating func ranker(_ locations: inout StatementLocations, index: Int) throws(QueryError) -> RankerSpec {
        let key = "rank.\(index)"
        locations[key] = peek.location
        let nameToken = peek
        let name = try identifier("a ranker (decay or boost)").lowercased()
        try expect(symbol: "(")
        func named() throws(QueryError) -> [String: (value: ParamValue, at: SourceLocation)] {
            var out: [String: (value: ParamValue, at: SourceLocation)] = [:]
            repeat {
                let at = peek.location
                let n = try identifier("a ranker parameter name").lowercased()
                if !accept(symbol: "=>") { try expect(symbol: "=") }
                if out[n] != nil { throw QueryError("parameter '\(n)' given twice", at: at, in: source) }
                let valueAt = peek.location
                out[n] = (try value(), valueAt)
            } while accept(symbol: ",")
            return out
        }
        func number(_ params: [String: (value: ParamValue, at: SourceLocation)], _ n: String, default d: Double? = nil) throws(QueryError) -> Double {
            guard let p = params[n] else {
                if let d { return d }
                throw QueryError("\(name) needs '\(n) => value'", at: nameToken.location, in: source)
            }
            guard let v = p.value.doubleValue else { throw QueryError("'\(n)' must be a number, not \(p.value)", at: p.at, in: source) }
            return v
        }
        func unknown(_ params: [String: (value: ParamValue, at: SourceLocation)], _ known: [String]) throws(QueryError) {
            for (n, p) in params.sorted(by: { $0.key < $1.key }) where !known.contains(n) {
                let hint = Suggest.nearest(to: n, in: known).map { "; did you mean \($0)?" } ?? ""
                throw QueryError("unknown \(name) parameter '\(n)'\(hint) (parameters: \(known.joined(separator: ", ")))",
                                 at: SourceLocation(line: p.at.line, column: max(1, p.at.column), offset: p.at.offset), in: source)
            }
        }
        switch name {
        case "decay":
            let fnToken = peek
            let fn = try identifier("a decay function (gauss, exp or linear)").lowercased()
            guard let function = DecaySpec.Function(rawValue: fn) else {
                let names = DecaySpec.Function.allCases.map(\.rawValue)
                let hint = Suggest.nearest(to: fn, in: names).map { "; did you mean \($0)?" } ?? " (expected gauss, exp or linear)"
                throw QueryError("unknown decay function '\(fn)'\(hint)", at: fnToken.location, in: source)
            }
            try expect(symbol: ",")
            locations[key + ".path"] = peek.location
            let p = try path("the numeric path the decay reads (metadata.year)")
            var params: [String: (value: ParamValue, at: SourceLocation)] = [:]
            if accept(symbol: ",") { params = try named() }
            try expect(symbol: ")")
            try unknown(params, ["origin", "scale", "offset", "decay"])
            // A date origin ('2024-06-01') makes a date decay: values are dates, scale and offset days.
            var origin: Double
            if let o = params["origin"], case let .string(text) = o.value {
                guard let days = DecaySpec.days(text) else {
                    throw QueryError("decay's origin must be a number or a date (2024-06-01, 2024-06-01T12:00:00Z), not '\(text)'", at: o.at, in: source)
                }
                origin = days
            } else {
                origin = try number(params, "origin")
            }
            let spec = DecaySpec(function: function, path: p, origin: origin, scale: try number(params, "scale"),
                                 offset: try number(params, "offset", default: 0), decay: try number(params, "decay", default: 0.5))
            do { try spec.check() } catch {
                let at = params[error.parameter]?.at ?? nameToken.location
                throw QueryError(error.description, at: at, in: source)
            }
            return .decay(spec)
        case "boost":
            let params = try named()
            try expect(symbol: ")")
            try unknown(params, ["filter", "weight"])
            guard let f = params["filter"] else { throw QueryError("boost needs 'filter => \'condition\''", at: nameToken.location, in: source) }
            guard case let .string(text) = f.value else { throw QueryError("boost's filter must be a quoted condition", at: f.at, in: source) }
            locations[key + ".filter"] = f.at
            let spec = BoostSpec(filter: text, weight: try number(params, "weight"))
            do { try spec.check() } catch { throw QueryError(error.description, at: params["weight"]?.at ?? nameToken.location, in: source) }
            return .boost(spec)
        default:
            let hint = Suggest.nearest(to: name, in: Vocabulary.rankers).map { "; did you mean \($0)?" } ?? " (expected decay or boost)"
            throw QueryError("unknown ranker '\(name)'\(hint)", at: nameToken.location, in: source)
        }
    }

    private mutating func idValue() throws(QueryError) -> String {
        switch peek.kind {
        case let .string(s): i += 1; return s
        case .number: let t = next(); return t.text
        default: throw expected("a document id")
        }
    }

    /// The WHERE expression is kept as text for the filter parser; it ends at a clause keyword,
    /// a ';' or a ')' at depth 0.
    private mutating func filterText() throws(QueryError) -> FilterText {
        let start = peek.location
        var depth = 0
        loop: while true {
            switch peek.kind {
            case .end: break loop
            case .symbol(";") where depth == 0: break loop
            case .symbol(")") where depth == 0: break loop
            case .symbol("("), .symbol("["):
                depth += 1
                guard depth <= Bounds.nesting else { throw QueryError("in WHERE: " + Bounds.nestingMessage(), at: peek.location, in: source) }
            case .symbol(")"), .symbol("]"): depth -= 1
            case let .word(w) where depth == 0 && w.uppercased() != "WHERE" && Self.clauseKeywords.contains(w.uppercased())
                && !(i > 0 && tokens[i - 1].kind == .symbol("."))
                && (!["GROUP", "RANK"].contains(w.uppercased()) || tokens[min(i + 1, tokens.count - 1)].keyword == "BY"): break loop
            default: break
            }
            i += 1
        }
        let chars = Array(source)
        let text = String(chars[start.offset..<peek.location.offset]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw expected("a filter expression after WHERE") }
        return FilterText(text: text, location: start)
    }

    private mutating func fusion(_ locations: inout StatementLocations) throws(QueryError) -> FusionSpec {
        let name = try identifier("rrf, weighted or auto").lowercased()
        switch name {
        case "auto":
            return .auto
        case "rrf":
            var k = 60.0
            if accept(symbol: "(") {
                if !accept(symbol: ")") {
                    if case .word = peek.kind { _ = next(); try expect(symbol: "=") }
                    locations["fuse.k"] = peek.location
                    k = try number("the RRF constant k")
                    try expect(symbol: ")")
                }
            }
            return .rrf(k: k)
        case "weighted":
            var weights: [Double] = []
            try expect(symbol: "(")
            locations["fuse.weight"] = peek.location
            var flagged = false
            repeat {
                // The caret of a weight out of range points at the first such weight.
                if !flagged, case let .number(w, _) = peek.kind, !(0...1).contains(w) { locations["fuse.weight"] = peek.location; flagged = true }
                weights.append(try number("a weight"))
            } while accept(symbol: ",")
            try expect(symbol: ")")
            var normalize = Normalization.minmax
            if accept("NORMALIZE") {
                let names = Normalization.allCases.map(\.rawValue)
                let list = names.dropLast().joined(separator: ", ") + " or " + names.last!
                let n = try identifier(list).lowercased()
                guard let v = Normalization(rawValue: n) else {
                    let hint = Suggest.nearest(to: n, in: names).map { "; did you mean \($0)?" } ?? ""
                    throw QueryError("unknown normalization '\(n)'\(hint) (expected \(list))", at: tokens[i - 1].location, in: source)
                }
                normalize = v
            }
            if weights.count == 1 { weights = [weights[0], 1 - weights[0]] }
            return .weighted(weights: weights, normalize: normalize)
        default:
            let suggestion = Suggest.nearest(to: name, in: ["rrf", "weighted", "auto"])
            throw QueryError("unknown fusion '\(name)'" + (suggestion.map { "; did you mean \($0)?" } ?? " (expected rrf, weighted or auto)"),
                             at: tokens[i - 1].location, in: source)
        }
    }

    private mutating func parameters() throws(QueryError) -> [String: ParamValue] {
        var unused = StatementLocations()
        return try parameters(&unused, prefix: "")
    }

    /// `name = value, …`; each value's location goes into `locations` as `prefix + name`.
    private mutating func parameters(_ locations: inout StatementLocations, prefix: String) throws(QueryError) -> [String: ParamValue] {
        var out: [String: ParamValue] = [:]
        repeat {
            locations[prefix + "name." + (peek.keyword?.lowercased() ?? "")] = peek.location
            let name = try identifier("a parameter name").lowercased()
            try expect(symbol: "=")
            locations[prefix + name] = peek.location
            out[name] = try value()
        } while accept(symbol: ",")
        return out
    }

    private mutating func value() throws(QueryError) -> ParamValue {
        switch peek.kind {
        case let .number(v, _): i += 1; return .number(v)
        case let .string(s): i += 1; return .string(s)
        case let .word(w):
            i += 1
            switch w.lowercased() {
            case "true", "on": return .bool(true)
            case "false", "off": return .bool(false)
            default: return .string(w)
            }
        default: throw expected("a value")
        }
    }
}
