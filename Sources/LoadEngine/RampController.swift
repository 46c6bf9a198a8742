/// The live state of a plan: the vuser target at a given plan time, plus the changes the user makes
/// while it runs (set vusers, step, interval, hold, next stage). Pure and deterministic; the engine
/// feeds it plan time (wall time minus paused time) so a resume continues where the plan stood.
public struct RampController: Sendable {
  public private(set) var plan: LoadPlan
  public private(set) var isHeld = false
  private var heldLevel = 0
  private var heldAt = 0.0
  // Steps: the level reached at `anchorTime`, growing by `step` every `every` from there.
  private var anchorLevel = 0
  private var anchorTime = 0.0
  // Stages: the running stage, when it (re)started, from which level and for how long.
  private var stageIndex = 0
  private var stageStart = 0.0
  private var stageFrom = 0
  private var stageDuration = 0.0

  public init(plan: LoadPlan) {
    self.plan = plan
    switch plan {
    case .steps(let start, _, _, _): anchorLevel = start
    case .stages(let stages): stageDuration = stages.first?.duration ?? 0
    }
  }

  /// True once a stage plan has run through its last stage.
  public func isFinished(at t: Double) -> Bool {
    guard case .stages(let stages) = plan, !isHeld else { return false }
    var copy = self
    copy.advanceStages(to: t)
    return copy.stageIndex >= stages.count
  }

  public mutating func target(at t: Double) -> Int {
    if isHeld { return heldLevel }
    switch plan {
    case .steps(_, let step, let every, let max):
      guard step > 0, every > 0, anchorLevel < max else { return anchorLevel }
      let steps = Int(((t - anchorTime) / every).rounded(.down))
      return Swift.min(max, anchorLevel + Swift.max(0, steps) * step)
    case .stages(let stages):
      advanceStages(to: t)
      guard stageIndex < stages.count else { return stages.last?.target ?? 0 }
      let goal = stages[stageIndex].target
      guard stageDuration > 0 else { return goal }
      let fraction = Swift.min(1, Swift.max(0, (t - stageStart) / stageDuration))
      return stageFrom + Int((Double(goal - stageFrom) * fraction).rounded())
    }
  }

  private mutating func advanceStages(to t: Double) {
    guard case .stages(let stages) = plan else { return }
    while stageIndex < stages.count, t >= stageStart + stageDuration {
      stageStart += stageDuration
      stageFrom = stages[stageIndex].target
      stageIndex += 1
      stageDuration = stageIndex < stages.count ? stages[stageIndex].duration : 0
    }
  }

  /// Sets the level now; the plan goes on from there (a ramp keeps stepping, a stage keeps moving
  /// toward its target over its remaining time).
  public mutating func setTarget(_ n: Int, at t: Double) {
    if case .steps(let start, let step, let every, let max) = plan, n > max {
      plan = .steps(start: start, step: step, every: every, max: n)
    }
    if isHeld {
      heldLevel = n
      return
    }
    switch plan {
    case .steps:
      anchorLevel = n
      anchorTime = t
    case .stages:
      rebaseStage(from: n, at: t)
    }
  }

  public mutating func setStep(_ step: Int, at t: Double) {
    guard case .steps(let start, _, let every, let max) = plan else { return }
    reanchor(at: t)
    plan = .steps(start: start, step: step, every: every, max: max)
  }

  public mutating func setInterval(_ every: Double, at t: Double) {
    guard case .steps(let start, let step, _, let max) = plan else { return }
    reanchor(at: t)
    plan = .steps(start: start, step: step, every: every, max: max)
  }

  public mutating func setHold(_ hold: Bool, at t: Double) {
    guard hold != isHeld else { return }
    if hold {
      heldLevel = target(at: t)
      heldAt = t
      isHeld = true
    } else {
      isHeld = false
      switch plan {
      case .steps:
        anchorLevel = heldLevel
        anchorTime = t
      case .stages:
        // The stage clock stood still while held: the stage goes on with the time it had left,
        // as a ramp goes on stepping from the held level (and as skipStage treats a held stage).
        stageStart += t - heldAt
        rebaseStage(from: heldLevel, at: t)
      }
    }
  }

  /// Moves to the next stage now, starting from the current level. Returns false when there is no
  /// next stage (or the plan has no stages).
  public mutating func skipStage(at t: Double) -> Bool {
    guard case .stages(let stages) = plan else { return false }
    let level = target(at: t)
    guard stageIndex + 1 < stages.count else { return false }
    stageIndex += 1
    stageStart = t
    stageFrom = level
    stageDuration = stages[stageIndex].duration
    if isHeld { isHeld = false }
    return true
  }

  /// A stage plan with a stage after the running one.
  public var hasNextStage: Bool {
    guard case .stages(let stages) = plan else { return false }
    return stageIndex + 1 < stages.count
  }

  /// The ramp step and interval in force, for the screen and for validation.
  public var steps: (step: Int, every: Double)? {
    if case .steps(_, let step, let every, _) = plan { return (step, every) }
    return nil
  }

  private mutating func reanchor(at t: Double) {
    if !isHeld {
      anchorLevel = target(at: t)
      anchorTime = t
    }
  }

  private mutating func rebaseStage(from level: Int, at t: Double) {
    advanceStages(to: t)
    let remaining = Swift.max(0, stageStart + stageDuration - t)
    stageFrom = level
    stageStart = t
    stageDuration = remaining
  }
}
