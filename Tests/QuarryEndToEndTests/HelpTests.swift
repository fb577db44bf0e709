import Foundation
import Testing

/// `--help` on an 80-column terminal: ArgumentParser wraps any line of a discussion longer
/// than the window at a space, which leaves ragged prose and example commands cut without a
/// continuation. The discussions are written to fit 79 columns, so the text between the
/// overview and USAGE is the same at 80 columns as on a wide terminal.
@Suite struct HelpTests {
    /// The subcommands `quarry NAME --help` lists, recursively (hidden ones are not listed).
    static func commands(_ path: [String] = []) throws -> [[String]] {
        let help = try Binary.run(path + ["--help"], env: ["COLUMNS": "200"]).stdout
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [path] }
        let names = help[section.upperBound...].split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { return nil }
            return name == "See" ? nil : String(name)
        }
        return try [path] + names.flatMap { try commands(path + [$0]) }
    }

    /// The discussion: from the first blank line (after the overview) to USAGE.
    static func discussion(_ path: [String], columns: Int) throws -> String {
        let help = try Binary.run(path + ["--help"], env: ["COLUMNS": String(columns)]).stdout
        guard let start = help.range(of: "\n\n"), let end = help.range(of: "USAGE:") , start.upperBound <= end.lowerBound else { return "" }
        return String(help[start.upperBound..<end.lowerBound])
    }

    @Test func discussionsFitEightyColumns() throws {
        let all = try Self.commands()
        #expect(all.count > 30)
        for path in all {
            let narrow = try Self.discussion(path, columns: 80)
            #expect(narrow == (try Self.discussion(path, columns: 200)), "quarry \(path.joined(separator: " ")) --help wraps at 80 columns:\n\(narrow)")
        }
    }
}
