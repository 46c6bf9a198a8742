/// The engine's state right now, for the screen's header. Read a few times a second.
public struct EngineStatus: Sendable, Equatable {
  public enum Phase: String, Sendable {
    case starting, running, paused, stopping, done

    public var label: String { rawValue.uppercased() }
  }

  public var phase: Phase
  /// Wall seconds since the run started.
  public var elapsed: Double
  /// Seconds the plan has run (elapsed minus paused spans).
  public var planElapsed: Double
  /// Seconds the current pause has lasted; 0 when not paused.
  public var pausedFor: Double
  public var targetVusers: Int
  public var rampHeld: Bool
  /// The ramp in force (nGrinder-style plans); nil for a plan of stages.
  public var ramp: Ramp?
  /// A stage plan that has a stage after the current one (`n` skips to it).
  public var hasNextStage: Bool
  /// Open model: the rate offered now, requests per second; nil in the closed model.
  public var rate: Double?

  public struct Ramp: Sendable, Equatable {
    public var step: Int
    public var every: Double
    public init(step: Int, every: Double) {
      self.step = step
      self.every = every
    }
  }

  public init(
    phase: Phase, elapsed: Double, planElapsed: Double, pausedFor: Double, targetVusers: Int, rampHeld: Bool,
    ramp: Ramp? = nil, hasNextStage: Bool = false, rate: Double? = nil
  ) {
    self.phase = phase
    self.elapsed = elapsed
    self.planElapsed = planElapsed
    self.pausedFor = pausedFor
    self.targetVusers = targetVusers
    self.rampHeld = rampHeld
    self.ramp = ramp
    self.hasNextStage = hasNextStage
    self.rate = rate
  }
}

/// Where the screen reads the engine's live state.
public protocol EngineStatusSource: Sendable {
  func status() -> EngineStatus
}

/// Where the screen reads recorded metrics.
public protocol MetricsSource: Sendable {
  func snapshot() -> MetricsSnapshot
}

extension MetricsStore: MetricsSource {}
