import COpenBLAS
import QuarryBase

/// Namespace of the Vector part of the engine.
public enum VectorModule {
    static func linkCheck() -> Int {
        var x: [Float] = [1, 2]
        return Int(cblas_sdot(2, &x, 1, &x, 1)) + Bitmap().count
    }
}
