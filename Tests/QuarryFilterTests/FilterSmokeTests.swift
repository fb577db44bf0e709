import Testing
@testable import QuarryFilter

@Test func filterModuleLinks() {
    _ = FilterModule.self
}
