import QuarryBase

/// Who gave a grade. Sources are kept apart; where several graded the same pair, a person's
/// grade outranks an imported one, and an imported one a command's (`rank`, lower wins).
public enum JudgmentSource: Sendable, Hashable, CustomStringConvertible {
    /// A person, in the TUI or the REPL.
    case human
    /// A judge command (`quarry judge --judge-cmd`), by its name.
    case command(String)
    /// Judgments read from a file (`quarry qrels import`) or a BEIR folder's qrels.
    case imported

    /// `human`, `cmd:NAME`, `import`.
    public var description: String {
        switch self {
        case .human: return "human"
        case let .command(name): return "cmd:" + name
        case .imported: return "import"
        }
    }

    public init?(text: String) {
        switch text {
        case "human": self = .human
        case "import": self = .imported
        default:
            guard text.hasPrefix("cmd:"), text.count > 4 else { return nil }
            self = .command(String(text.dropFirst(4)))
        }
    }

    /// 0 outranks 1 outranks 2.
    public var rank: Int {
        switch self {
        case .human: return 0
        case .imported: return 1
        case .command: return 2
        }
    }
}

/// One grade of one (query, document) pair from one source.
public struct Judgment: Sendable, Equatable {
    public var queryID: String
    public var docID: String
    public var grade: Int
    public var source: JudgmentSource
    public var reason: String?
    /// When it was given (UTC, ISO 8601 with milliseconds); empty before it is stored.
    public var judgedAt: String

    public init(queryID: String, docID: String, grade: Int, source: JudgmentSource, reason: String? = nil, judgedAt: String = "") {
        self.queryID = queryID
        self.docID = docID
        self.grade = grade
        self.source = source
        self.reason = reason
        self.judgedAt = judgedAt
    }
}

/// A query of a query set made in Quarry.
public struct SetQuery: Sendable, Equatable {
    public var id: String
    public var text: String
    /// What a good answer is, shown to whoever judges (optional).
    public var need: String?

    public init(id: String, text: String, need: String? = nil) {
        self.id = id
        self.text = text
        self.need = need
    }
}

/// A query set of a collection: one made in Quarry (`made`) or an imported BEIR split.
public struct QuerySetInfo: Sendable, Equatable {
    public enum Kind: String, Sendable { case made, beir }
    public var name: String
    public var kind: Kind
    public var queries: Int
    /// Judged (query, document) pairs, any source.
    public var judgedPairs: Int
    /// The highest grade of the scale: 3 (0–3) or 1 (binary).
    public var maxGrade: Int
    public var createdAt: String?
}

/// A try (Quepid's word): a named parameter set and statement template of a collection.
public struct StoredTry: Sendable, Equatable {
    public var name: String
    /// Parameter name → value, as the registry spells them.
    public var params: JSONValue
    /// A SEARCH template with `$query`, or nil for the mode's default statement.
    public var statement: String?
    public var createdAt: String

    public init(name: String, params: JSONValue, statement: String? = nil, createdAt: String = "") {
        self.name = name
        self.params = params
        self.statement = statement
        self.createdAt = createdAt
    }
}
