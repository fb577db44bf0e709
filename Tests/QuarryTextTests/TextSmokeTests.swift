import Testing
@testable import QuarryText

@Test func textModuleLinks() {
    _ = TextModule.self
}
