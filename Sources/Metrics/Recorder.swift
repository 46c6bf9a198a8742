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
  // Responses nearly always repeat the previous status: counting runs of it spares a dictionary
  // update per response; the run is folded into the bucket when the status changes or the
  // second is handed over.
  private var runStatus = 0
  private var runCount = 0
  private let openModel: Bool

  /// With `openModel`, every bucket also tallies arrivals and the uncorrected latency.
  public init(second: Int = 0, openModel: Bool = false) {
    self.openModel = openModel
    current = SecondBucket(second: second, openModel: openModel)
  }

  /// The bucket for `second`, rolling the current one over when time has moved on. Outcomes that
  /// arrive late for an already rolled-over second are booked into the current one.
  private mutating func bucket(_ second: Int) {
    if second > current.second {
      flushStatusRun()
      finished.append(current)
      current = SecondBucket(second: second, openModel: openModel)
    }
  }

  public mutating func recordStart(second: Int) {
    bucket(second)
    current.started += 1
  }

  /// Open model: an arrival came due this second.
  public mutating func recordOffered(second: Int) {
    bucket(second)
    current.arrivals?.offered += 1
  }

  /// Open model: an arrival's first byte went out more than `ArrivalTally.lateNanos` after it
  /// was due.
  public mutating func recordLate(second: Int) {
    bucket(second)
    current.arrivals?.late += 1
  }

  /// Open model: an arrival waited in the backlog because every vuser was busy and the pool full.
  public mutating func recordWaitedForVuser(second: Int) {
    bucket(second)
    current.arrivals?.waitedForVuser += 1
  }

  /// Open model: an arrival waited in the backlog while the pool was held below its cap, because
  /// more vusers had stopped adding completions (the target was the limit).
  public mutating func recordHeldBack(second: Int) {
    bucket(second)
    current.arrivals?.heldBack += 1
  }

  /// Open model: an arrival was handed out late by its loop (busy), not for want of a vuser.
  public mutating func recordLagged(second: Int) {
    bucket(second)
    current.arrivals?.laggedBehind += 1
  }

  /// Open model: an arrival found the backlog full and was never sent.
  /// `held`: the pool was held (`heldBack`), so the target, not the client, was the limit.
  public mutating func recordDropped(second: Int, held: Bool = false) {
    bucket(second)
    current.arrivals?.dropped += 1
    if held { current.arrivals?.droppedHeld += 1 }
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
  /// In the open model `latencyMicros` runs from the intended start and `uncorrectedMicros` from
  /// the first byte sent.
  public mutating func record(
    _ result: RequestResult, latencyMicros: UInt64?, second: Int,
    violation: ProtocolViolation? = nil, uncorrectedMicros: UInt64? = nil
  ) {
    bucket(second)
    switch result {
    case .response(let status):
      countStatus(status)
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
    if let uncorrectedMicros { current.arrivals?.recordUncorrected(micros: uncorrectedMicros) }
  }

  /// Counts a protocol violation of a connection that failed no request (bytes after a complete
  /// response): it shows in the `protocol_errors` breakdown, not in the errors.
  public mutating func recordViolation(_ violation: ProtocolViolation, second: Int) {
    bucket(second)
    current.protocolViolations[violation.index] += 1
  }

  /// Counts a response status without ending the request (a followed redirect hop).
  public mutating func recordIntermediateStatus(_ status: Int, second: Int) {
    bucket(second)
    countStatus(status)
  }

  @inline(__always) private mutating func countStatus(_ status: Int) {
    if status == runStatus {
      runCount += 1
    } else {
      flushStatusRun()
      runStatus = status
      runCount = 1
    }
  }

  private mutating func flushStatusRun() {
    if runCount > 0 { current.statusCodes[runStatus, default: 0] += runCount }
    runStatus = 0
    runCount = 0
  }

  /// Removes and returns every bucket for seconds up to and including `second`.
  public mutating func drain(through second: Int) -> [SecondBucket] {
    bucket(second + 1)
    let out = finished.filter { $0.second <= second }
    finished.removeAll { $0.second <= second }
    return out
  }
}
