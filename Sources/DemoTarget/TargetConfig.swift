/// The demo target's model: `backends` independent backends behind a round-robin front, each
/// with `workers` concurrent slots, a service time, and a bounded queue. Its capacity is known in
/// advance, so the knee rampart shows can be checked against the truth.
public struct TargetConfig: Sendable, Equatable {
  public enum Overload: String, Sendable, CaseIterable {
    /// A full queue answers 503 Service Unavailable at once.
    case status503 = "503"
    /// A full queue drops the connection with a TCP reset.
    case reset
  }

  public var host = "127.0.0.1"
  /// 0 = the OS picks a free port.
  public var port = 0
  public var backends = 1
  public var workers = 4
  /// Seconds each request holds a worker.
  public var service = 0.020
  /// Each request's service time varies uniformly by up to this many seconds either way.
  public var jitter = 0.0
  /// Requests that may wait per backend when every worker is busy.
  public var queue = 64
  /// Burn CPU for the service time instead of waiting.
  public var burnCPU = false
  public var overload = Overload.status503
  /// Where the uvicorn-style log goes; nil = no log.
  public var logPath: String?

  public init() {}

  /// Requests per second the target can serve: backends x workers / service time.
  public var capacity: Double { Double(backends * workers) / service }

  /// The first problem with this configuration, as one line; nil when it is valid.
  public var problem: String? {
    if backends < 1 || backends > 64 { return "--backends must be between 1 and 64, got \(backends)" }
    if workers < 1 || workers > 10_000 { return "--workers must be between 1 and 10000, got \(workers)" }
    if !(service >= 0.000_1 && service <= 60) { return "--service must be between 100us and 60s" }
    if !(jitter >= 0 && jitter < service) { return "--jitter must be at least 0 and less than --service" }
    if queue < 0 || queue > 1_000_000 { return "--queue must be between 0 and 1000000, got \(queue)" }
    if port < 0 || port > 65535 { return "--port must be between 0 and 65535, got \(port)" }
    return nil
  }
}
