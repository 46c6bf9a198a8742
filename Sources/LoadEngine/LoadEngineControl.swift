import Foundation
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// The engine's control API: what the dashboard's keys, the control socket and a capacity search
/// call while the run goes on. Each change is made under the control lock and journalled.
extension LoadEngine {

  public func pause() {
    let changed = control.withLock { state -> Bool in
      guard !state.paused else { return false }
      state.paused = true
      state.pausedSince = RunContext.now()
      if state.phase == .running { state.phase = .paused }
      return true
    }
    guard changed else { return }
    applyPausedState()
    emit(.pause)
  }

  public func resume() {
    let changed = control.withLock { state -> Bool in
      guard state.paused else { return false }
      state.paused = false
      state.pausedTotal += RunContext.now() - state.pausedSince
      if state.phase == .paused { state.phase = .running }
      return true
    }
    guard changed else { return }
    applyPausedState()
    emit(.resume)
  }

  /// Each loop reads the state when it runs, so a pause and a resume from two threads cannot
  /// reach a loop in the wrong order and leave it paused.
  private func applyPausedState() {
    for worker in workers {
      worker.loop.execute { [self] in
        let (paused, pausedTotal) = control.withLock { ($0.paused, $0.pausedTotal) }
        worker.setPaused(paused, pausedNanos: pausedTotal)
      }
    }
  }

  /// Open model: the rate from now on, for every loop. Each loop reads the schedule when it runs,
  /// so two changes from two threads cannot reach a loop in the wrong order.
  public func setRate(_ rate: Double) throws(ControlError) {
    guard isOpenModel else {
      throw ControlError("this run has vusers, not a rate (start it with --rate for the open model)")
    }
    guard rate.isFinite, rate > 0, rate <= Self.maximumRate else {
      throw ControlError(
        "rate must be more than 0 and at most \(Int(Self.maximumRate))/s, got \(rate) (pause with p)")
    }
    let now = RunContext.now()
    control.withLock { state in
      let t = Self.planTime(state, now: now, start: startNanos)
      state.schedule?.setRate(rate, from: t)
    }
    for worker in workers {
      worker.loop.execute { [self] in
        if let schedule = control.withLock({ $0.schedule }) { worker.setSchedule(schedule) }
      }
    }
    emit(.setRate, value: rate)
  }

  /// The highest rate a plan or a live change may ask for.
  public static let maximumRate = 10_000_000.0

  private func refuseInOpenModel(_ what: String) throws(ControlError) {
    if isOpenModel { throw ControlError("an open-model run has a rate, not \(what) (use rate N)") }
  }

  /// Caps the connections open at once (the open-file limit's share for sockets); vusers over it
  /// fail with emfile and retry after the reconnect backoff. Applies to connects from now on;
  /// control changes asking for more vusers than this are refused.
  public func capConnections(at limit: Int) {
    context.capConnections(at: limit)
  }

  public func setTargetVusers(_ count: Int) throws(ControlError) {
    try refuseInOpenModel("vusers")
    guard count >= 0 else { throw ControlError("vusers must be 0 or more, got \(count)") }
    let cap = context.connectionLimit
    guard count <= cap else {
      throw ControlError("\(count) vusers exceed the open-file limit (at most \(cap) connections)")
    }
    withPlanTime { $0.setTarget(count, at: $1) }
    emit(.setVusers, value: Double(count))
  }

  public func setRampStep(_ vusers: Int) throws(ControlError) {
    try refuseInOpenModel("a vuser ramp step")
    guard vusers >= 1 else { throw ControlError("ramp step must be at least 1, got \(vusers)") }
    let cap = context.connectionLimit
    guard vusers <= cap else {
      throw ControlError("ramp step \(vusers) exceeds the open-file limit (at most \(cap) connections)")
    }
    let refusal = withPlanTime { ramp, t -> String? in
      guard let steps = ramp.steps else { return "this plan has stages, not a ramp step" }
      // A constant load is a ramp with step 0 whose ceiling is its level: a step would make it
      // climb back to that level after `vusers N` lowered it.
      guard steps.step > 0 else { return "a constant load has no ramp step (set its level with vusers N)" }
      ramp.setStep(vusers, at: t)
      return nil
    }
    if let refusal { throw ControlError(refusal) }
    emit(.rampStep, value: Double(vusers))
  }

  public func setRampInterval(seconds: Double) throws(ControlError) {
    try refuseInOpenModel("a vuser ramp interval")
    guard seconds.isFinite, seconds >= 0.1, seconds <= 86_400 else {
      throw ControlError("ramp interval must be between 100ms and 24h")
    }
    let refusal = withPlanTime { ramp, t -> String? in
      guard let steps = ramp.steps else { return "this plan has stages, not a ramp interval" }
      guard steps.step > 0 else {
        return "a constant load has no ramp interval (set its level with vusers N)"
      }
      ramp.setInterval(seconds, at: t)
      return nil
    }
    if let refusal { throw ControlError(refusal) }
    emit(.rampInterval, value: seconds)
  }

  public func setHold(_ hold: Bool) {
    // An open-model run has no vuser ramp to hold; its rate changes only when asked.
    guard !isOpenModel else { return }
    let changed = withPlanTime { ramp, t -> Bool in
      guard ramp.isHeld != hold else { return false }
      ramp.setHold(hold, at: t)
      return true
    }
    if changed { emit(hold ? .hold : .release) }
  }

  public func skipToNextStage() throws(ControlError) {
    try refuseInOpenModel("vuser stages")
    guard withPlanTime({ $0.skipStage(at: $1) }) else {
      throw ControlError("there is no next stage")
    }
    emit(.nextStage)
  }

  public func tag(_ label: String) {
    emit(.tag, label: label)
  }

  /// Ends the plan now, as if it had reached its end: in-flight requests get the grace period and
  /// the run counts as complete.
  public func finishPlan() {
    control.withLock { $0.planFinished = true }
  }

  public func stop() {
    control.withLock {
      $0.stopRequested = true
      if $0.phase == .running || $0.phase == .paused { $0.phase = .stopping }
    }
  }

  public func status() -> EngineStatus {
    let now = RunContext.now()
    return control.withLock { state in
      let started = state.phase != .starting
      // Read the ramp through a plain `if` on a copy: Swift 6.3.1's release optimiser crashes
      // (CopyPropagation, "Found outside of lifetime use") on these reads inside ternaries.
      var closedRamp: EngineStatus.Ramp?
      var hasNextStage = false
      if !isOpenModel {
        let ramp = state.ramp
        if let steps = ramp.steps { closedRamp = EngineStatus.Ramp(step: steps.step, every: steps.every) }
        hasNextStage = ramp.hasNextStage
      }
      return EngineStatus(
        phase: state.phase, elapsed: started ? elapsed(now) : 0,
        planElapsed: started ? state.planTimeAtEnd ?? Self.planTime(state, now: now, start: startNanos) : 0,
        pausedFor: state.paused && now > state.pausedSince ? Double(now - state.pausedSince) / 1e9 : 0,
        targetVusers: state.lastTarget, rampHeld: state.ramp.isHeld,
        ramp: closedRamp, hasNextStage: hasNextStage,
        rate: state.schedule.map { schedule in
          schedule.rate(at: state.planTimeAtEnd ?? Self.planTime(state, now: now, start: startNanos))
        })
    }
  }

  private func withPlanTime<T>(_ body: (inout RampController, Double) -> T) -> T {
    let now = RunContext.now()
    return control.withLock { state in
      let t = Self.planTime(state, now: now, start: startNanos)
      return body(&state.ramp, t)
    }
  }
}
