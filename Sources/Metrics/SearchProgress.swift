import Vocabulary

/// Where a capacity search stands, for the screen: the step under way and the interval so far.
public struct SearchProgress: Sendable, Equatable {
  public var phase: SearchStep.Phase
  public var rate: Double
  /// Completed requests measured in the step under way, and how many its SLOs want (0 while
  /// exploring).
  public var samples: Int
  public var samplesNeeded: Int
  public var passed: Double?
  public var failed: Double?
  public var steps: [SearchStep]
  public var usedSeconds: Int
  public var budget: Double
  /// The rate is lowered while a failed step's queue drains.
  public var cooling = false
  /// While cooling: the rate held once the queue has drained; nil otherwise.
  public var rateAfterCooling: Double?

  public init(
    phase: SearchStep.Phase, rate: Double, samples: Int = 0, samplesNeeded: Int = 0, passed: Double? = nil,
    failed: Double? = nil, steps: [SearchStep] = [], usedSeconds: Int = 0, budget: Double = 300
  ) {
    self.phase = phase
    self.rate = rate
    self.samples = samples
    self.samplesNeeded = samplesNeeded
    self.passed = passed
    self.failed = failed
    self.steps = steps
    self.usedSeconds = usedSeconds
    self.budget = budget
  }

  public init(_ search: CapacitySearch) {
    self.init(
      phase: search.phase, rate: search.rate, samples: search.windowSamples,
      samplesNeeded: search.samplesNeeded,
      passed: search.passed, failed: search.failed, steps: search.steps, usedSeconds: search.usedSeconds,
      budget: search.settings.budget)
    cooling = search.isCooling
    rateAfterCooling = search.rateAfterCooling
  }
}
