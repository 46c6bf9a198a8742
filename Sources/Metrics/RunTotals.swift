import Histogram

/// Counters over the whole run, plus the cumulative latency histogram for the summary.
public struct RunTotals: Sendable {
  public var started = 0
  public var ok = 0
  public var errors = [Int](repeating: 0, count: ErrorKind.count)
  /// As `SecondBucket.protocolViolations`: may hold connection-level `unexpected_data` beyond the
  /// `protocol` errors.
  public var protocolViolations = [Int](repeating: 0, count: ProtocolViolation.allCases.count)
  public var statusCodes: [Int: Int] = [:]
  public var bytesIn = 0
  public var bytesOut = 0
  public var connectionsOpened = 0
  public var staleRetries = 0
  public var latencySumMicros: UInt64 = 0
  public var latencyMinMicros: UInt64 = .max
  public var latencyMaxMicros: UInt64 = 0
  public var histogram = LatencyHistogram.make()
  /// Error events read from the target's logs, by class, over the whole run.
  public var logErrors: [String: Int] = [:]
  /// The open model's arrivals over the run; nil in the closed model.
  public var arrivals: ArrivalTally?
  /// Open model: seconds in which the client held arrivals back.
  public var generatorLimitedSeconds = 0

  public init() {}

  public var errorCount: Int { errors.reduce(0, +) }
  public var completed: Int { ok + errorCount }

  public mutating func add(_ b: SecondBucket) {
    started += b.started
    ok += b.ok
    for i in errors.indices { errors[i] += b.errors[i] }
    for i in protocolViolations.indices { protocolViolations[i] += b.protocolViolations[i] }
    for (code, n) in b.statusCodes { statusCodes[code, default: 0] += n }
    bytesIn += b.bytesIn
    bytesOut += b.bytesOut
    connectionsOpened += b.connectionsOpened
    staleRetries += b.staleRetries
    latencySumMicros &+= b.latencySumMicros
    latencyMinMicros = min(latencyMinMicros, b.latencyMinMicros)
    latencyMaxMicros = max(latencyMaxMicros, b.latencyMaxMicros)
    if b.histogram.totalCount > 0 { histogram.add(b.histogram) }
    if let theirs = b.arrivals {
      if arrivals == nil { arrivals = ArrivalTally() }
      arrivals?.merge(theirs)
      if theirs.generatorLimited { generatorLimitedSeconds += 1 }
    }
  }

  public func errors(_ kind: ErrorKind) -> Int { errors[kind.index] }

  public var mttMs: Double {
    histogram.totalCount > 0 ? Double(latencySumMicros) / Double(histogram.totalCount) / 1000 : 0
  }

  public func percentileMs(_ p: Double) -> Double {
    histogram.totalCount > 0 ? Double(histogram.valueAtPercentile(p)) / 1000 : 0
  }
}
