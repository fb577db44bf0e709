import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Filter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "List the records that match a metadata filter (Milvus or SQL spelling).",
        discussion: """
            Paths: metadata.a.b, metadata["a"]["b"], metadata.tags[0], and the fields id
            and title.
            Operators: == = != <> < <= > >=, and/or/not (&& || !), in [..] / IN (..),
            BETWEEN, like, exists, is null, json_contains(_any/_all), array_contains*,
            array_length, + - * / %.
            Geometry fields (import --geometry F): ST_DWITHIN(F, 'POINT(lon lat)', metres)
            on the sphere; ST_CONTAINS, ST_INTERSECTS, ST_WITHIN, ST_EQUALS, ST_TOUCHES,
            ST_OVERLAPS, ST_CROSSES(F, 'WKT'); an R-Tree gives the candidates, GEOS checks
            each (--explain).

            Examples:
              quarry filter --collection debian \\
                  "metadata.section == 'utils' and metadata.installed_size < 500"
              quarry filter --collection debian \\
                  "json_contains(metadata.depends, 'libpcre2-8-0')" --count --json
              quarry filter --collection debian \\
                  "metadata.priority IN ('required', 'important')" --explain
              quarry filter --collection places \\
                  "ST_DWITHIN(location, 'POINT(-9.14 38.72)', 30000)" --explain
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection.") var collection: String
    @Argument(help: "The filter expression.") var expression: String
    @Flag(help: "Print only how many records match.") var count = false
    @Flag(help: "Show the filter's plan: index or scan per node, estimated and actual selectivity.") var explain = false
    @Option(help: "Show at most this many ids (0: all).") var limit = 50
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            let r = try wb.filter(expression, collection: collection)
            let ids = try wb.idMap(collection: collection)
            // Only the ids shown are looked up (a million matches need none for --count).
            let ordinals = count ? [] : r.matches.toArray()
            let shown = limit > 0 ? Array(ordinals.prefix(limit)) : ordinals
            ids.resolve(shown)
            let matched = shown.compactMap { ids[Int($0)] }
            if json {
                var members = [JSONMember("count", .int(Int64(r.count))), JSONMember("timing_ms", .double(Double(r.nanoseconds) / 1e6))]
                if !count { members.append(JSONMember("ids", .array(matched.map { .string($0) }))) }
                if explain { members.append(JSONMember("plan", r.planJSON)) }
                printJSON(.object(members))
                return
            }
            if explain { print(r.planText) }
            if !count {
                for id in matched { print(id) }
                if ordinals.count > shown.count { print(Style.dim.apply("… \(Human.count(ordinals.count - shown.count)) more (--limit 0 shows all)", enabled: Terminal.colorEnabled())) }
            }
            print("\(Human.count(r.count)) records match (\(Human.seconds(Double(r.nanoseconds) / 1e9)))")
        }
    }
}
