import QuarryBase

/// What a judge command printed, read as a grade and an optional reason.
///
/// Two forms are accepted on standard output: a JSON object `{"grade": 2, "reason": "…"}` (the
/// grade an integer, an integral decimal or such a string), or plain text whose first line
/// starts with the grade, the rest of the line being the reason (`2 mentions the need`,
/// `3: exact answer`). Anything else, or a grade off the set's scale, is unreadable.
struct JudgeAnswer: Equatable {
    var grade: Int
    var reason: String?

    enum Problem: Error, Equatable, CustomStringConvertible {
        case empty
        case unreadable(String)
        case offScale(Int, max: Int)

        var description: String {
            switch self {
            case .empty: return "printed nothing"
            case let .unreadable(text): return "printed no grade: \(text)"
            case let .offScale(g, top): return "grade \(g) is off the scale 0-\(top)"
            }
        }
    }

    static func parse(_ output: String, maxGrade: Int) throws(Problem) -> JudgeAnswer {
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .empty }
        let answer: JudgeAnswer
        if text.first == "{" {
            guard let value = try? JSONParser.parse(text) else { throw .unreadable(excerpt(text)) }
            guard let grade = integer(value["grade"]) else { throw .unreadable(excerpt(text)) }
            let reason = value["reason"]?.stringValue
            answer = JudgeAnswer(grade: grade, reason: reason?.isEmpty == true ? nil : reason)
        } else {
            let line = text.prefix { $0 != "\n" }
            let head = line.prefix { !$0.isWhitespace && $0 != ":" && $0 != "," && $0 != ";" }
            guard let grade = integer(.string(String(head))) else { throw .unreadable(excerpt(text)) }
            var rest = line.dropFirst(head.count).drop { $0.isWhitespace || $0 == ":" || $0 == "," || $0 == ";" || $0 == "-" }
            while rest.last?.isWhitespace == true { rest = rest.dropLast() }
            answer = JudgeAnswer(grade: grade, reason: rest.isEmpty ? nil : String(rest))
        }
        guard (0...maxGrade).contains(answer.grade) else { throw .offScale(answer.grade, max: maxGrade) }
        return answer
    }

    /// An integer, or a number or string that is one (`2`, `2.0`, `"2"`).
    static func integer(_ v: JSONValue?) -> Int? {
        switch v {
        case let .int(i)?: return Int(exactly: i)
        case let .double(d)? where d.rounded() == d && abs(d) < 1e6: return Int(d)
        case let .string(s)?:
            if let i = Int(s) { return i }
            if let d = Double(s), d.rounded() == d, abs(d) < 1e6 { return Int(d) }
            return nil
        default: return nil
        }
    }

    /// The first 60 characters of the first line, for the report.
    static func excerpt(_ text: String) -> String {
        let line = text.prefix { $0 != "\n" }
        return "'" + (line.count > 60 ? line.prefix(60) + "…" : line) + "'"
    }
}
