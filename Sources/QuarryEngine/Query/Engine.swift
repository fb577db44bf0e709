@_exported import QuarryBase
@_exported import QuarryStorage
@_exported import QuarryText
import QuarryBase

/// Namespace of the query layer: the public API the REPL, the TUI and tests call.
public enum QueryModule {}
@_exported import class QuarryEmbed.Embedder
@_exported import struct QuarryEmbed.EmbedBenchmarkReport
@_exported import enum QuarryVector.Fbin
