import Metrics
import Synchronization
import Vocabulary

/// The one stand-in for the load engine that the screen's loop, the keys and the control socket
/// are tested against: it reports a status, serves a metrics snapshot, records every control call
/// as a line ("vusers 40", "every 10.0", "tag knee?", "rate 2000") and refuses what the engine
/// refuses, in its words (more vusers than the open-file limit allows, a next stage that does not
/// exist, vusers in an open-model run, a rate in a closed one or above the maximum). A status with
/// a rate makes it an open-model run.
public final class FakeEngine: EngineControl, EngineStatusSource, MetricsSource, Sendable {
  private struct State {
    var status: EngineStatus
    var calls: [String] = []
    var readsWhileStopping = 0
  }

  private let state: Mutex<State>
  private let makeSnapshot: @Sendable () -> MetricsSnapshot
  /// The most vusers `setTargetVusers` accepts, as the open-file limit caps the engine's.
  public let vuserLimit: Int
  /// After `stop()`, how many status reads report `.stopping` before `.done` (0: done at once),
  /// as the engine waits for requests in flight.
  public let stopAfterReads: Int
  /// The highest rate `setRate` accepts (the engine's is ten million a second).
  public let rateLimit: Double

  public init(
    status: EngineStatus, vuserLimit: Int = 1000, stopAfterReads: Int = 0, rateLimit: Double = 10_000_000,
    snapshot: @escaping @Sendable () -> MetricsSnapshot
  ) {
    state = Mutex(State(status: status))
    self.vuserLimit = vuserLimit
    self.stopAfterReads = stopAfterReads
    self.rateLimit = rateLimit
    makeSnapshot = snapshot
  }

  private var isOpenModel: Bool { state.withLock { $0.status.rate != nil } }

  private func refuseInOpenModel(_ what: String) throws(ControlError) {
    if isOpenModel { throw ControlError("an open-model run has a rate, not \(what) (use rate N)") }
  }

  /// Every control call so far, in order.
  public var calls: [String] { state.withLock { $0.calls } }

  /// Moves the run to `phase`, as the engine would by itself (a run that ends, for one).
  public func set(_ phase: EngineStatus.Phase) { state.withLock { $0.status.phase = phase } }

  public func status() -> EngineStatus {
    state.withLock { s in
      if s.status.phase == .stopping {
        s.readsWhileStopping += 1
        if s.readsWhileStopping >= stopAfterReads { s.status.phase = .done }
      }
      return s.status
    }
  }

  public func snapshot() -> MetricsSnapshot { makeSnapshot() }

  private func log(_ call: String, _ change: (inout EngineStatus) -> Void = { _ in }) {
    state.withLock {
      $0.calls.append(call)
      change(&$0.status)
    }
  }

  public func pause() { log("pause") { if $0.phase == .running { $0.phase = .paused } } }
  public func resume() { log("resume") { if $0.phase == .paused { $0.phase = .running } } }

  public func setTargetVusers(_ count: Int) throws(ControlError) {
    try refuseInOpenModel("vusers")
    guard count <= vuserLimit else {
      throw ControlError("\(count) vusers exceed the open-file limit (at most \(vuserLimit))")
    }
    log("vusers \(count)") { $0.targetVusers = count }
  }

  public func setRampStep(_ vusers: Int) throws(ControlError) {
    try refuseInOpenModel("a vuser ramp step")
    log("step \(vusers)")
  }

  public func setRampInterval(seconds: Double) throws(ControlError) {
    try refuseInOpenModel("a vuser ramp interval")
    log("every \(seconds)")
  }

  public func setHold(_ hold: Bool) { log("hold \(hold)") { $0.rampHeld = hold } }

  public func skipToNextStage() throws(ControlError) {
    try refuseInOpenModel("vuser stages")
    throw ControlError("there is no next stage")
  }

  public func setRate(_ rate: Double) throws(ControlError) {
    guard isOpenModel else {
      throw ControlError("this run has vusers, not a rate (start it with --rate for the open model)")
    }
    guard rate.isFinite, rate > 0, rate <= rateLimit else {
      throw ControlError(
        "rate must be more than 0 and at most \(Int(rateLimit))/s, got \(rate) (pause with p)")
    }
    log("rate \(RateText.format(rate))") { $0.rate = rate }
  }
  public func tag(_ label: String) { log("tag \(label)") }
  /// The plan's owner (a capacity search) declared the plan done.
  public func finishPlan() { log("finish plan") }

  public func stop() {
    log("stop") { [stopAfterReads] in
      guard $0.phase != .done else { return }
      $0.phase = stopAfterReads > 0 ? .stopping : .done
    }
  }
}
