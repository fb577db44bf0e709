import Testing
@testable import QuarryStorage

@Test func storageModuleLinks() {
    _ = StorageModule.self
}
