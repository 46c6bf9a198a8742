import Foundation
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// The closed-model load engine: vusers spread over SwiftNIO event loops, a ramp controller
/// ticking ten times a second, and per-second metrics merged from every loop into the store.
public final class LoadEngine: EngineControl, EngineStatusSource, Sendable {
  public let config: EngineConfig
  private let store: MetricsStore
  private let onSample: @Sendable (SecondSample) -> Void
  private let onEvent: @Sendable (RunEvent) -> Void
  private let beforeFinalSeconds: (@Sendable () -> Void)?
  private let group: MultiThreadedEventLoopGroup
  // Internal rather than private: the control API (LoadEngineControl.swift) shares them.
  let context: RunContext
  let workers: [LoopWorker]
  let control: Mutex<ControlState>
  /// The CPU each event loop is bound to, in loop order; nil when the loops float.
  public let pinnedCPUs: [Int]?

  struct ControlState {
    var ramp: RampController
    var paused = false
    var pausedSince: UInt64 = 0
    var pausedTotal: UInt64 = 0
    var stopRequested = false
    /// The plan's owner declared it done (a capacity search that found its answer): the run ends
    /// as complete, not as stopped.
    var planFinished = false
    var phase = EngineStatus.Phase.starting
    var lastTarget = 0
    /// Plan time when the plan ended or was stopped; the clock the screen shows stops there.
    var planTimeAtEnd: Double?
    /// Open model: the rate over plan time, live changes included; nil in the closed model.
    var schedule: ArrivalSchedule?
  }

  /// Resolves the target and prepares TLS; throws a `ConfigError` before anything is sent.
  public init(
    config: EngineConfig, store: MetricsStore,
    onSample: @escaping @Sendable (SecondSample) -> Void = { _ in },
    onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in },
    beforeFinalSeconds: (@Sendable () -> Void)? = nil
  ) throws(ConfigError) {
    self.config = config
    self.store = store
    self.onSample = onSample
    self.onEvent = onEvent
    self.beforeFinalSeconds = beforeFinalSeconds
    for request in config.mix { try request.validate() }
    let address: SocketAddress
    do {
      address = try SocketAddress.makeAddressResolvingHost(config.target.host, port: config.target.port)
    } catch {
      throw ConfigError("cannot resolve host '\(config.target.host)'")
    }
    let context: RunContext
    do {
      context = try RunContext(config: config, address: address)
    } catch {
      throw ConfigError("cannot set up TLS: \(error)")
    }
    self.context = context
    self.group = MultiThreadedEventLoopGroup(numberOfThreads: config.resolvedEventLoops)
    let loops = Array(group.makeIterator())
    self.pinnedCPUs =
      config.pinLoops ? LoopPinning.plan(loops: loops.count, allowed: LoopPinning.allowedCPUs) : nil
    if let pinnedCPUs { LoopPinning.pin(loops, to: pinnedCPUs) }
    self.workers = loops.enumerated().map { index, loop in
      LoopWorker(loop: loop, context: context, seed: 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    }
    if let open = config.open {
      for (index, worker) in workers.enumerated() {
        worker.enableArrivals(
          open, index: index, loops: workers.count, seed: 0xD1B5_4A32_D192_ED03 &* UInt64(index + 1))
      }
    }
    self.control = Mutex(
      ControlState(ramp: RampController(plan: config.plan), schedule: config.open?.plan.schedule))
  }

  var isOpenModel: Bool { config.open != nil }

  var startNanos: UInt64 { context.startNanos }

  func elapsed(_ now: UInt64 = RunContext.now()) -> Double {
    Double(now &- startNanos) / 1e9
  }

  /// Plan time excludes paused spans, so a resume continues the plan where it stood.
  static func planTime(_ state: ControlState, now: UInt64, start: UInt64) -> Double {
    // `now` may have been read just before another thread set `pausedSince`: never underflow.
    let current = state.paused && now > state.pausedSince ? now - state.pausedSince : 0
    let paused = state.pausedTotal + current
    return Double(now &- start &- paused) / 1e9
  }

  func emit(_ kind: RunEvent.Kind, value: Double? = nil, label: String? = nil) {
    let event = RunEvent(elapsed: elapsed(), kind: kind, value: value, label: label)
    store.record(event)
    onEvent(event)
  }

  // MARK: run loop

  /// Runs the plan to its end (or a stop) and returns when every vuser has finished.
  public func run() async -> EngineResult {
    let startedAt = Date()
    context.markStart()
    control.withLock { $0.phase = $0.paused ? .paused : .running }
    for worker in workers { worker.loop.execute { worker.start() } }
    emit(.start, label: config.planSummary)
    var lastTarget = -1
    var collectedThrough = -1
    var outcome = RunOutcome.complete
    while true {
      let now = RunContext.now()
      let (target, stop, planTime, planFinished) = control.withLock { [isOpenModel, config, context] state in
        let t = Self.planTime(state, now: now, start: startNanos)
        // The open model's target is its pool's cap: the arrivals open vusers as they need them.
        // The open-file limit lowers the cap the loops keep to, so that is the one shown.
        state.lastTarget =
          isOpenModel ? min(config.peakVusers, context.connectionLimit) : state.ramp.target(at: t)
        return (state.lastTarget, state.stopRequested, t, state.planFinished)
      }
      if target != lastTarget {
        if !isOpenModel { distribute(target) }
        lastTarget = target
      }
      let completedSecond = Int(elapsed(now)) - 1
      if completedSecond > collectedThrough {
        await collect(through: completedSecond, lastDuration: 1, target: target)
        collectedThrough = completedSecond
      }
      if stop {
        outcome = .abortedByUser
        break
      }
      if planFinished { break }
      if let duration = config.duration, planTime >= duration { break }
      if let natural = config.open?.plan.naturalDuration, planTime >= natural { break }
      if !isOpenModel, control.withLock({ $0.ramp.isFinished(at: planTime) }) { break }
      if context.budgetSpent, await statuses().allSatisfy({ $0.inFlight == 0 }) { break }
      try? await Task.sleep(nanoseconds: 100_000_000)
    }
    emit(outcome == .complete ? .planEnd : .stop)
    let endNow = RunContext.now()
    control.withLock { state in
      state.phase = .stopping
      state.planTimeAtEnd = Self.planTime(state, now: endNow, start: startNanos)
    }
    let inflight = await drain(target: lastTarget)
    let end = RunContext.now()
    let total = elapsed(end)
    let lastSecond = Int(total)
    let partial = total - Double(lastSecond)
    // What else joins the rows (the log follower's last counts) settles before the last rows
    // close, so every count lands in a row. It may wait for a poll: on a thread of its own, off
    // the async pool and off GCD's pool, which other work may hold.
    if let settle = beforeFinalSeconds {
      await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        Thread {
          settle()
          done.resume()
        }.start()
      }
    }
    await collect(through: lastSecond - 1, lastDuration: 1, target: lastTarget)
    // The final partial second, however short: a request booked in its first millisecond must
    // still land in a row.
    await collect(through: lastSecond, lastDuration: max(partial, 0.001), target: lastTarget)
    try? await group.shutdownGracefully()
    control.withLock { $0.phase = .done }
    return EngineResult(
      outcome: outcome, startedAt: startedAt, endedAt: Date(), duration: total, inflightAtStop: inflight)
  }

  private func distribute(_ target: Int) {
    let n = workers.count
    for (i, worker) in workers.enumerated() {
      let share = target / n + (i < target % n ? 1 : 0)
      worker.loop.execute { worker.setTarget(share) }
    }
  }

  private func statuses() async -> [LoopWorker.Status] {
    var out: [LoopWorker.Status] = []
    for worker in workers {
      if let s = try? await worker.loop.submit({ worker.status }).get() { out.append(s) }
    }
    return out
  }

  /// Stops new requests, lets in-flight ones finish within the grace period, then ends the rest.
  /// Seconds that close during the grace period are journalled as they close, with the vusers
  /// still finishing counted.
  private func drain(target: Int) async -> Int {
    for worker in workers { worker.loop.execute { worker.beginStop() } }
    let deadline = RunContext.now() + UInt64(max(0, config.gracePeriod) * 1e9)
    while RunContext.now() < deadline {
      if await statuses().allSatisfy({ $0.inFlight == 0 }) { break }
      await collect(through: Int(elapsed()) - 1, lastDuration: 1, target: target)
      try? await Task.sleep(nanoseconds: 10_000_000)
    }
    var inflight = 0
    for worker in workers {
      inflight += (try? await worker.loop.submit({ worker.forceStop() }).get()) ?? 0
    }
    return inflight
  }

  /// Merges every loop's buckets up to `second` and closes those seconds in the store.
  private func collect(through second: Int, lastDuration: Double, target: Int) async {
    let first = (store.snapshot().samples.last?.t ?? -1) + 1
    guard first <= second else { return }
    var merged: [Int: SecondBucket] = [:]
    var vusers = 0
    var connections = 0
    for worker in workers {
      guard
        let (buckets, status) = try? await worker.loop.submit({
          (worker.recorder.drain(through: second), worker.status)
        }).get()
      else { continue }
      vusers += status.vusers
      connections += status.connections
      for bucket in buckets where bucket.second >= 0 {
        merged[bucket.second, default: SecondBucket(second: bucket.second)].merge(bucket)
      }
    }
    let now = RunContext.now()
    let (paused, rate) = control.withLock { state in
      let t = state.planTimeAtEnd ?? Self.planTime(state, now: now, start: startNanos)
      return (state.paused, state.schedule?.rate(at: t))
    }
    let gauges = EngineGauges(
      vusers: vusers, targetVusers: target, connections: connections, paused: paused, rate: rate)
    for s in first...second {
      let bucket = merged[s] ?? SecondBucket(second: s)
      let sample = store.ingest(bucket, gauges: gauges, duration: s == second ? lastDuration : 1)
      onSample(sample)
    }
  }
}
