import QuarryEngine

/// Text renderings of engine results shared by the commands and the REPL.
public enum Render {
    public static func collections(_ summaries: [CollectionSummary], width: Int, color: Bool) -> String {
        TextTable(columns: [
            .init("name"), .init("records", alignRight: true), .init("text fields"), .init("vector fields"),
            .init("queries", alignRight: true), .init("indexes"), .init("size", alignRight: true),
        ], rows: summaries.map { s in
            [s.schema.name, Human.count(s.records), s.schema.textFields.joined(separator: ", "),
             s.schema.vectorFields.map { "\($0.name) (\($0.dimension), \($0.metric.rawValue))" }.joined(separator: ", "),
             Human.count(s.queries), s.indexes.map { "\($0.name):\($0.kind)" }.joined(separator: ", "), Human.bytes(s.bytes)]
        }).render(width: width, color: color)
    }

    /// A collection's schema in the manner of sqlite3's `.schema` and psql's `\d`.
    public static func schema(_ s: CollectionSummary, color: Bool) -> String {
        var lines = [Style.header.apply("collection \(s.schema.name)", enabled: color) + "  (\(Human.count(s.records)) records, \(Human.bytes(s.bytes)))"]
        lines.append("  id field:      \(s.schema.idField)")
        lines.append("  text fields:   \(s.schema.textFields.joined(separator: ", "))")
        for g in s.schema.geometryFields {
            lines.append("  geometry field: \(g)  WKT, R-Tree (ST_* filters)")
        }
        for v in s.schema.vectorFields {
            lines.append("  vector field:  \(v.name)  dim \(v.dimension), \(v.metric.rawValue), model \(v.model)")
        }
        if s.queries > 0 {
            let splits = s.splits.sorted { $0.key < $1.key }.map { "\($0.key) \(Human.count($0.value))" }.joined(separator: ", ")
            lines.append("  query set:     \(Human.count(s.queries)) queries; judged: \(splits)")
        }
        for i in s.indexes {
            lines.append("  index:         \(i.name)  \(i.kind) on \(i.field)  \(i.params.jsonText)  \(Human.bytes(i.bytes))")
        }
        return lines.joined(separator: "\n")
    }
}
