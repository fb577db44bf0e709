import Testing
@testable import QuarryVector

@Test func vectorModuleLinks() {
    _ = VectorModule.self
}
