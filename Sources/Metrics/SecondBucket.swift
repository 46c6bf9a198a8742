import Histogram

/// Latencies are recorded in microseconds up to one hour; three significant digits keep every
/// percentile within 0.1%.
public enum LatencyHistogram {
  public static let highestTrackableMicros: UInt64 = 3_600_000_000

  public static func make() -> Histogram<UInt64> {
    Histogram<UInt64>(
      highestTrackableValue: highestTrackableMicros, numberOfSignificantValueDigits: .three)
  }
}

/// Everything that happened in one second of a run, as recorded by one event loop or merged over
/// all of them. A bucket is keyed by the second in which a request *finished*; `started` counts
/// the requests scheduled in that second.
public struct SecondBucket: Sendable {
  public var second: Int
  public var started = 0
  public var ok = 0
  public var errors = [Int](repeating: 0, count: ErrorKind.count)
  /// Why requests failed as `protocol`, plus the `unexpected_data` of connections that delivered
  /// bytes after a complete response, which failed no request: the sum may exceed those errors.
  public var protocolViolations = [Int](repeating: 0, count: ProtocolViolation.allCases.count)
  /// Every HTTP response received, redirect hops included, by exact status code.
  public var statusCodes: [Int: Int] = [:]
  /// Latency of completed responses (successes and HTTP errors), microseconds.
  public var latencySumMicros: UInt64 = 0
  public var latencyMinMicros: UInt64 = .max
  public var latencyMaxMicros: UInt64 = 0
  public var histogram: Histogram<UInt64>
  public var bytesIn = 0
  public var bytesOut = 0
  public var connectionsOpened = 0
  /// Requests resent once after a reused keep-alive connection closed before any response byte.
  public var staleRetries = 0
  /// The open model's arrivals and uncorrected latency; nil in the closed model, where every
  /// request starts when it is sent and the histogram above is the only view.
  public var arrivals: ArrivalTally?

  public init(second: Int, openModel: Bool = false) {
    self.second = second
    self.histogram = LatencyHistogram.make()
    if openModel { arrivals = ArrivalTally() }
  }

  /// Requests that ended this second: successes plus every error kind.
  public var completed: Int { ok + errorCount }
  public var errorCount: Int { errors.reduce(0, +) }
  public var latencyCount: Int { Int(histogram.totalCount) }

  /// One response's latency, or `count` responses of the same latency (nothing when 0).
  public mutating func recordLatency(micros: UInt64, count: UInt64 = 1) {
    guard count > 0 else { return }
    let value = max(1, min(micros, LatencyHistogram.highestTrackableMicros))
    _ = histogram.record(value, count: count)
    latencySumMicros &+= value &* count
    if value < latencyMinMicros { latencyMinMicros = value }
    if value > latencyMaxMicros { latencyMaxMicros = value }
  }

  public mutating func merge(_ other: SecondBucket) {
    started += other.started
    ok += other.ok
    for i in errors.indices { errors[i] += other.errors[i] }
    for i in protocolViolations.indices { protocolViolations[i] += other.protocolViolations[i] }
    for (code, n) in other.statusCodes { statusCodes[code, default: 0] += n }
    latencySumMicros &+= other.latencySumMicros
    latencyMinMicros = min(latencyMinMicros, other.latencyMinMicros)
    latencyMaxMicros = max(latencyMaxMicros, other.latencyMaxMicros)
    if other.histogram.totalCount > 0 { histogram.add(other.histogram) }
    bytesIn += other.bytesIn
    bytesOut += other.bytesOut
    connectionsOpened += other.connectionsOpened
    staleRetries += other.staleRetries
    if let theirs = other.arrivals {
      if arrivals == nil { arrivals = ArrivalTally() }
      arrivals?.merge(theirs)
    }
  }
}
