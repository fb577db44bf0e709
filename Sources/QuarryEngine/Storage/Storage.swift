import CZlib
import GRDB

/// Namespace of the Storage part of the engine.
public enum StorageModule {
    static func linkCheck() -> String { String(cString: zlibVersion()) }
}
