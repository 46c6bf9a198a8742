/// How one request ended.
public enum RequestResult: Sendable, Equatable {
  /// A complete HTTP response; 4xx and 5xx also count as errors of kind http_4xx / http_5xx.
  case response(status: Int)
  case failure(ErrorKind)
}

/// Collects outcomes on one event loop without locks. It is confined to its loop: the engine
/// drains finished seconds from it on that loop and merges them elsewhere.
public struct Recorder: Sendable {
  private var current: SecondBucket
  private var finished: [SecondBucket] = []

  public init(second: Int = 0) {
    current = SecondBucket(second: second)
  }

  /// The bucket for `second`, rolling the current one over when time has moved on. Outcomes that
  /// arrive late for an already rolled-over second are booked into the current one.
  private mutating func bucket(_ second: Int) {
    if second > current.second {
      finished.append(current)
      current = SecondBucket(second: second)
    }
  }

  public mutating func recordStart(second: Int) {
    bucket(second)
    current.started += 1
  }

  public mutating func recordConnectionOpened(second: Int) {
    bucket(second)
    current.connectionsOpened += 1
  }

  public mutating func recordStaleRetry(second: Int) {
    bucket(second)
    current.staleRetries += 1
  }

  public mutating func recordBytes(second: Int, inbound: Int = 0, outbound: Int = 0) {
    bucket(second)
    current.bytesIn += inbound
    current.bytesOut += outbound
  }

  /// Books one finished request. `latencyMicros` is nil for transport failures, which have no
  /// response time worth averaging.
  public mutating func record(
    _ result: RequestResult, latencyMicros: UInt64?, second: Int,
    violation: ProtocolViolation? = nil
  ) {
    bucket(second)
    switch result {
    case .response(let status):
      current.statusCodes[status, default: 0] += 1
      if let kind = ErrorKind(status: status) {
        current.errors[kind.index] += 1
      } else {
        current.ok += 1
      }
    case .failure(let kind):
      current.errors[kind.index] += 1
      if let violation { current.protocolViolations[violation.index] += 1 }
    }
    if let latencyMicros { current.recordLatency(micros: latencyMicros) }
  }

  /// Counts a response status without ending the request (a followed redirect hop).
  public mutating func recordIntermediateStatus(_ status: Int, second: Int) {
    bucket(second)
    current.statusCodes[status, default: 0] += 1
  }

  /// Removes and returns every bucket for seconds up to and including `second`.
  public mutating func drain(through second: Int) -> [SecondBucket] {
    bucket(second + 1)
    let out = finished.filter { $0.second <= second }
    finished.removeAll { $0.second <= second }
    return out
  }
}
