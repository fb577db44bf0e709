import Testing
@testable import QuarryLexical

@Test func lexicalModuleLinks() {
    _ = LexicalModule.self
}
