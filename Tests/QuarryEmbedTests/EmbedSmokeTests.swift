import Testing
@testable import QuarryEmbed

@Test func embedModuleLinks() {
    _ = EmbedModule.self
}
