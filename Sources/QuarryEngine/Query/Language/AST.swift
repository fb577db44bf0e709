/// The statements of Quarry's query language, as parsed (before planning).
///
/// ```sql
/// SEARCH scifact MATCH 'microRNA cancer' IN title^2, text
///   NEAR 'microRNA cancer' USING hnsw(ef = 64)
///   WHERE metadata.year >= 2010
///   FUSE rrf(k = 60) LIMIT 10;
/// ```
public indirect enum Statement: Sendable, Equatable {
    case search(SearchStatement)
    case explain(SearchStatement, analyze: Bool)
    case compare(SearchStatement, SearchStatement)
    case set(name: String, value: ParamValue)
    case reset(name: String?)   // nil: all
    case show(name: String?)    // nil: all settings
}

public enum ParamValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case let .string(s): return s
        case let .bool(b): return b ? "true" : "false"
        }
    }
    public var doubleValue: Double? { if case let .number(d) = self { return d }; return nil }
    public var stringValue: String { description }
}

public struct MatchField: Sendable, Equatable {
    public var field: String
    public var boost: Double
    public init(field: String, boost: Double = 1) {
        self.field = field
        self.boost = boost
    }
}

public struct MatchClause: Sendable, Equatable {
    public var text: String
    public var fields: [MatchField]   // empty: the collection's text fields
    /// Plain words (a query set's text), not search-box syntax.
    public var plain = false
    /// `EXPAND rm3(…)`: pseudo-relevance feedback for this MATCH.
    public var expansion: QueryExpansion?
    public init(text: String, fields: [MatchField] = [], plain: Bool = false, expansion: QueryExpansion? = nil) {
        self.text = text
        self.fields = fields
        self.plain = plain
        self.expansion = expansion
    }
}

/// `MATCH '…' EXPAND rm3(fb_docs = 10, fb_terms = 10, original_query_weight = 0.5)`: the
/// method and the parameters the statement gives (the others come from the `rm3_*` settings).
public struct QueryExpansion: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable { case rm3 }
    /// The parameters `EXPAND rm3(…)` takes, as the settings `rm3_<name>` name them too.
    public static let parameterNames = ["fb_docs", "fb_terms", "original_query_weight"]
    public var method: Method
    public var params: [String: ParamValue]
    public init(method: Method = .rm3, params: [String: ParamValue] = [:]) {
        self.method = method
        self.params = params
    }
}

public enum NearTarget: Sendable, Equatable {
    case text(String)
    case document(String)
    case vector([Float])
}

public struct NearClause: Sendable, Equatable {
    public var target: NearTarget
    public var field: String?         // nil: the collection's first vector field
    public var index: String?         // USING name
    public var params: [String: ParamValue]
    /// `WITHIN radius [AND range_filter]`: range search (Milvus's `radius`/`range_filter`).
    public var range: VectorRange?
    public init(target: NearTarget, field: String? = nil, index: String? = nil, params: [String: ParamValue] = [:]) {
        self.target = target
        self.field = field
        self.index = index
        self.params = params
    }
}

/// How weighted fusion puts each branch's scores on one scale (`Fusion.normalize`).
public enum Normalization: String, Sendable, CaseIterable { case minmax, zscore, dbsf, arctan, none }

public enum FusionSpec: Sendable, Equatable {
    case rrf(k: Double)
    /// Weights of the lexical and vector branches, in that order.
    case weighted(weights: [Double], normalize: Normalization)
    /// The collection's tuned recommendation (`quarry tune --mode hybrid --grid weight=…`), RRF
    /// until one exists: what a hybrid statement without FUSE uses.
    case auto
}

public struct FilterText: Sendable, Equatable {
    public var text: String
    /// Where the filter text starts in the statement (to place carets for filter errors).
    public var location: SourceLocation
    public init(text: String, location: SourceLocation = SourceLocation(line: 1, column: 1, offset: 0)) {
        self.text = text
        self.location = location
    }
}

public struct SearchStatement: Sendable, Equatable {
    public var collection: String
    public var match: MatchClause?
    public var near: NearClause?
    public var filter: FilterText?
    public var fusion: FusionSpec?
    /// `RANK BY decay(…), boost(…)`: rankers applied, in order, to the final list's window.
    public var rankers: [RankerSpec] = []
    /// `GROUP BY path [SIZE n] [STRICT]`: at most n hits per distinct value, LIMIT groups.
    public var grouping: GroupBySpec?
    public var limit: Int = 10
    public var offset: Int = 0
    public var with: [String: ParamValue] = [:]
    /// The SEARCH's own source text.
    public var source: String = ""
    /// The whole statement it came from (for carets of errors found after parsing).
    public var statementText: String = ""
    /// Where the parser found the statement's parts in `statementText`.
    public var locations = StatementLocations()

    public init(collection: String) { self.collection = collection }
}

/// Where the parser found the parts of a SEARCH, so that errors found after parsing (a value
/// out of range, no such collection, an unknown field, a MATCH text that does not parse) point
/// at them with a caret. A statement built without text (the TUI, `quarry search`) has none.
///
/// Keys: `collection`, `match` (the string), `match.field.NAME`, `near.target` (DOC's id),
/// `near.field`, `near.index`,
/// `near.NAME` and `with.NAME` (a parameter's value; `near.name.NAME` and `with.name.NAME` its
/// name), `expand.NAME`, `limit`, `offset`, `fuse`, `fuse.k`, `fuse.weight`. Locations are not
/// part of a statement's equality: the same statement written on two lines is the same statement.
public struct StatementLocations: Sendable, Equatable {
    private var table: [String: SourceLocation] = [:]

    public init() {}

    public subscript(_ key: String) -> SourceLocation? {
        get { table[key] }
        set { table[key] = newValue }
    }

    public static func == (_: StatementLocations, _: StatementLocations) -> Bool { true }
}
