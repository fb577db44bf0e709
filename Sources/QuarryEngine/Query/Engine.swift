@_exported import QuarryBase
@_exported import QuarryText
@_exported import enum QuarryVector.BLAS
import QuarryStorage

// The storage layer is the engine's own: front ends reach the data through the workbench
// (`Workbench+Data.swift`), and see only these value types of it.
@_exported import struct QuarryStorage.CollectionSchema
@_exported import struct QuarryStorage.CollectionSummary
@_exported import struct QuarryStorage.VectorFieldSchema
@_exported import enum QuarryStorage.Metric
@_exported import struct QuarryStorage.IndexSnapshotInfo
@_exported import struct QuarryStorage.Record
@_exported import struct QuarryStorage.StoredQuery
@_exported import struct QuarryStorage.StoredRun
@_exported import struct QuarryStorage.StoredRecommendation
@_exported import enum QuarryStorage.StorageError
@_exported import struct QuarryStorage.ImportOptions
@_exported import struct QuarryStorage.ImportSummary
@_exported import struct QuarryStorage.ImportProgress
@_exported import struct QuarryStorage.ImportEmbedding
@_exported import enum QuarryStorage.JudgmentSource
@_exported import struct QuarryStorage.Judgment
@_exported import struct QuarryStorage.SetQuery
@_exported import struct QuarryStorage.QuerySetInfo
@_exported import struct QuarryStorage.StoredTry
@_exported import struct QuarryStorage.Qrel

/// Namespace of the query layer: the public API the REPL, the TUI and tests call.
public enum QueryModule {}
