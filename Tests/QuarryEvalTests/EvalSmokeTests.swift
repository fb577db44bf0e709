import Testing
@testable import QuarryEval

@Test func evalModuleLinks() {
    _ = EvalModule.self
}
