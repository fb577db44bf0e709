/// Session settings changed with `SET name = value`, shown by `SHOW`, restored by `RESET`: the
/// parameters of the registry marked `isSetting`. A `WITH (…)` clause overrides them for one
/// statement. Each forces a planner choice or a search parameter, so a teacher can show what the
/// other choice would have cost.
public struct Settings: Sendable {
    private(set) var values = ParameterValues()

    public init() {}

    public func value(_ name: String) -> ParamValue? {
        guard let p = Parameters.named(name), p.isSetting else { return nil }
        return values.value(p.name)
    }

    public func number(_ name: String, _ overrides: [String: ParamValue] = [:]) -> Double {
        (overrides[name] ?? value(name))?.doubleValue ?? 0
    }

    /// A whole-number setting as an `Int`, through the one checked conversion (`Bounds.integer`)
    /// within the parameter's range; its default when the value does not fit (which
    /// `SearchStatement.check` refuses before a statement is planned).
    public func integer(_ name: String, _ overrides: [String: ParamValue] = [:]) -> Int {
        let p = Parameters.named(name)
        let range = p?.range.map { Int($0.lowerBound)...Int($0.upperBound) } ?? Int.min...Int.max
        return Bounds.integer(number(name, overrides), in: range)
            ?? p?.defaultValue.doubleValue.flatMap { Bounds.integer($0, in: range) } ?? range.lowerBound
    }

    public func string(_ name: String, _ overrides: [String: ParamValue] = [:]) -> String {
        (overrides[name] ?? value(name))?.stringValue ?? ""
    }

    public func flag(_ name: String, _ overrides: [String: ParamValue] = [:]) -> Bool {
        (overrides[name] ?? value(name)) == .bool(true)
    }

    public mutating func set(_ name: String, _ value: ParamValue) throws(EngineError) {
        let p = try Self.setting(name)
        switch (p.kind, value) {
        case (.integer, .number), (.real, .number), (.choice, .string), (.flag, .bool): break
        default: throw .badParameter("setting '\(p.name)' takes a \(Self.kindName(p.kind)), not '\(value)'")
        }
        try values.set(p.name, value)
    }

    /// Whether `set(name, value)` would succeed: the same checks, without storing the value or
    /// putting a refusal into words (a statement's `WITH` is checked on every search).
    public static func accepts(_ name: String, _ value: ParamValue) -> Bool {
        guard let p = Parameters.named(name), p.isSetting else { return false }
        switch (p.kind, value) {
        case (.integer, .number), (.real, .number), (.choice, .string), (.flag, .bool): return (try? p.validated(value)) != nil
        default: return false
        }
    }

    public mutating func reset(_ name: String?) throws(EngineError) {
        guard let name else { values = ParameterValues(); return }
        values.remove(try Self.setting(name).name)
    }

    /// Every setting in `SHOW`'s order with its value, whether it is the default, and its help.
    public var all: [(name: String, value: ParamValue, isDefault: Bool, help: String)] {
        Parameters.settings.map { ($0.name, values.value($0.name), !values.isGiven($0.name), $0.help) }
    }

    /// The settings changed in this session, as parameter values (an evaluation starts from them).
    public var changed: ParameterValues { values }

    /// The setting named `name`, or "unknown setting" with the nearest name.
    public static func setting(_ name: String) throws(EngineError) -> Parameter {
        if let p = Parameters.named(name), p.isSetting { return p }
        throw .badParameter("unknown setting '\(name)'" + (Suggest.nearest(to: name, in: Parameters.settings.map(\.name)).map { "; did you mean '\($0)'?" } ?? "")
            + " (SHOW lists them)")
    }

    static func kindName(_ kind: Parameter.Kind) -> String {
        switch kind {
        case .integer, .real: return "number"
        case .choice: return "word"
        case .flag: return "true/false"
        }
    }
}
