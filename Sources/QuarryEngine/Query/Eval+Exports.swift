// The evaluation lab's pieces the terminal front ends draw with: sweep rows, their Pareto
// frontier and its braille plot, and the latency recorder of benchmarks.
@_exported import struct QuarryEval.SweepRow
@_exported import struct QuarryEval.SweepSetting
@_exported import enum QuarryEval.ParameterValue
@_exported import func QuarryEval.paretoFrontier
@_exported import enum QuarryEval.ParetoPlot
@_exported import struct QuarryEval.LatencyRecorder
@_exported import func QuarryEval.monotonicNanoseconds
