/// `[rate]`: the open model (k6's arrival-rate executors). Either a constant `rate`, a step ramp
/// (from `start`, `step` more every `every`, up to `rate`), or, with `[[rate_stages]]`, only the
/// stages' `start` and the settings of the pool. Rates are requests per second.
public struct PlanRate: Sendable, Equatable {
  /// The constant rate, or the step ramp's ceiling.
  public var rate: Double?
  public var start: Double?
  public var step: Double?
  public var every: Double?
  /// The most vusers (connections) arrivals may use: k6's maxVUs.
  public var maxVusers: Int?
  /// Arrivals that may wait for a free vuser.
  public var maxBacklog: Int?
  public var arrivals: PlanArrivals?

  /// The engine's own bound (`LoadEngine.maximumRate`; this module cannot see it, a test keeps the
  /// two equal).
  public static let maximumRate = 10_000_000.0

  public init(
    rate: Double? = nil, start: Double? = nil, step: Double? = nil, every: Double? = nil,
    maxVusers: Int? = nil, maxBacklog: Int? = nil, arrivals: PlanArrivals? = nil
  ) {
    self.rate = rate
    self.start = start
    self.step = step
    self.every = every
    self.maxVusers = maxVusers
    self.maxBacklog = maxBacklog
    self.arrivals = arrivals
  }
}

/// How arrivals are spaced: evenly (wrk2) or as a Poisson process.
public enum PlanArrivals: String, Sendable, Equatable {
  case even, poisson
}

/// One `[[rate_stages]]` entry: move linearly to `target` requests per second over `duration`
/// seconds (k6's ramping-arrival-rate).
public struct PlanRateStage: Sendable, Equatable {
  public var duration: Double
  public var target: Double

  public init(duration: Double, target: Double) {
    self.duration = duration
    self.target = target
  }
}
