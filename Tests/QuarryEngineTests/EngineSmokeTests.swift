import Testing
@testable import QuarryEngine

@Test func engineLinks() { _ = QueryModule.self }
