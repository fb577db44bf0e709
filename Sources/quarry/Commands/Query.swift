import ArgumentParser
import Foundation
import QuarryConsole
import QuarryEngine

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run statements of the query language: SEARCH, EXPLAIN [ANALYZE], COMPARE, SET, SHOW.",
        discussion: """
            Examples:
              quarry query "SEARCH scifact MATCH 'microRNA cancer' LIMIT 5"
              quarry query "EXPLAIN ANALYZE SEARCH debian MATCH 'regular expression'
                  WHERE metadata.section = 'utils' LIMIT 10"
              quarry query --json \\
                  "SEARCH scifact MATCH 'vitamin D' IN title^2, text LIMIT 3"
              quarry query -f queries.sql
              quarry query --backend milvus://127.0.0.1:19530 \\
                  "EXPLAIN ANALYZE SEARCH scifact MATCH 'vitamin D' NEAR 'vitamin D'
                  LIMIT 5"
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "A statement (the trailing ';' is optional).") var statement: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Run the statements in this file instead.", valueName: "file")) var file: String?
    @Flag(help: "Print one JSON object per statement.") var json = false
    @OptionGroup var remote: BackendOptions

    func run() throws {
        try reportingErrors {
            let wb = try Workbench(path: database.path, mustExist: true)
            let backend = try remote.attach(to: wb)
            defer { backend?.close() }
            var statements: [StatementScript.Piece] = []
            var script: String?
            if let file {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw StorageError.fileNotFound(path: file) }
                statements = StatementScript.pieces(text)
                script = text
            } else if let statement {
                statements = [StatementScript.Piece(text: statement)]
            } else {
                throw ValidationError("give a statement or -f FILE")
            }
            for piece in statements {
                let result: StatementResult
                // An error in a file's statement is placed in the file: its line, its caret.
                do { result = try wb.execute(piece.text) } catch let e as QueryError where script != nil && e.source == piece.text {
                    throw e.placed(at: piece, in: script!)
                }
                if json { printJSON(Render.json(result)) } else {
                    print(Render.result(result, workbench: wb, width: Terminal.width(), color: Terminal.colorEnabled()))
                }
            }
        }
    }
}
