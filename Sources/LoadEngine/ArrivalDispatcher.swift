import DequeModule
import Metrics
import NIOCore

/// The open model on one event loop: paces this loop's share of the arrivals from the schedule
/// (plan time, so a pause owes nothing), hands each to a free vuser, opens a new one while the
/// loop's share of the pool allows, keeps arrivals that find none in a bounded backlog (sent as
/// soon as a vuser frees, their latency still counted from when they were due) and drops them past
/// it. Confined to its loop, like the worker that owns it (hence `@unchecked Sendable`: its
/// timers run on that loop).
final class ArrivalDispatcher: @unchecked Sendable {
  private unowned(unsafe) let worker: LoopWorker
  private let context: RunContext
  private var schedule: ArrivalSchedule
  private var pacer: ArrivalPacer
  /// This loop's shares of the pool and of the backlog. The pool's share is lowered at start to the
  /// loop's share of the open-file limit's connection cap: an arrival past it waits for a vuser
  /// instead of failing with emfile.
  private var maxVusers: Int
  private let maxBacklog: Int
  private let index: Int
  private let loops: Int
  /// Plan time at which the run ends (`--duration`, or the last rate stage): nothing due at or
  /// after it is offered, so a run offers exactly what its plan says.
  private let endsAt: Double?
  private(set) var pool: [VirtualUser] = []
  private var free: [VirtualUser] = []
  /// Arrivals waiting for a vuser, oldest first.
  private var backlog: Deque<WaitingArrival> = []
  /// How far the pool may grow now: see `PoolGrowth`.
  private var growth = PoolGrowth(now: 0)
  /// Whether this loop's thread was short of CPU in the last window: see `LoopBusy`.
  private var busy = LoopBusy(now: 0)
  private var busyWindowEnds: UInt64 = 0
  /// Paused nanoseconds so far: plan time t is due at `start + pausedNanos + t`.
  private var pausedNanos: UInt64 = 0
  private var paused = false
  private var stopping = false
  private var timer: Scheduled<Void>?
  /// The deadline the timer last fired for (monotonic nanoseconds): the next one is no sooner than
  /// `ArrivalWake.slackNanos` after it. The deadline, not the time the loop got round to it, so
  /// one late wake does not make the next arrivals late too.
  private var lastWakeNanos: UInt64 = 0
  /// Arrivals handled in one turn of the loop at most, so responses are read between batches.
  static let arrivalsPerTurn = 256
  /// Connects under way on this loop's pool (new vusers and reconnects): see `ArrivalPlacement`.
  private var connecting = 0

  init(worker: LoopWorker, context: RunContext, open: OpenModel, index: Int, loops: Int, seed: UInt64) {
    self.worker = worker
    self.context = context
    self.schedule = open.plan.schedule
    self.pacer = ArrivalPacer(
      loops: loops, index: index, spacing: open.spacing == .poisson ? .poisson : .even, seed: seed)
    self.index = index
    self.loops = loops
    self.maxVusers = Self.share(of: context.config.openPoolCap ?? 1, index: index, loops: loops)
    self.maxBacklog = Self.share(of: open.maxBacklog, index: index, loops: loops)
    let ends = [context.config.duration, open.plan.naturalDuration].compactMap { $0 }
    self.endsAt = ends.min()
  }

  /// `total` split over `loops` as evenly as whole numbers allow, the remainder to the first loops.
  static func share(of total: Int, index: Int, loops: Int) -> Int {
    total / loops + (index < total % loops ? 1 : 0)
  }

  var inFlight: Int { pool.reduce(0) { $0 + ($1.inFlight ? 1 : 0) } }

  func start() {
    growth = PoolGrowth(now: worker.nowNanos)
    busy = LoopBusy(now: worker.nowNanos)
    busyWindowEnds = worker.nowNanos &+ PoolGrowth.windowNanos
    maxVusers = min(maxVusers, max(1, Self.share(of: context.connectionLimit, index: index, loops: loops)))
    armTimer()
  }

  /// A live rate change: the schedule from now on; arrivals already due stay due.
  func setSchedule(_ schedule: ArrivalSchedule) {
    self.schedule = schedule
    growth.release(pool: pool.count)
    armTimer()
  }

  /// Pausing stops new arrivals; the backlog (due before the pause) still drains. On resume the
  /// schedule continues from the plan time it stood at, so nothing due during the pause is owed.
  func setPaused(_ paused: Bool, pausedNanos: UInt64) {
    self.paused = paused
    self.pausedNanos = pausedNanos
    armTimer()
  }

  /// No new arrivals; those waiting in the backlog are dropped (never sent).
  func beginStop() {
    stopping = true
    timer?.cancel()
    timer = nil
    for waiting in backlog { worker.recorder.recordDropped(second: worker.nowSecond, held: waiting.held) }
    backlog.removeAll()
  }

  /// Ends every vuser; returns how many requests were still in flight.
  func forceStop() -> Int {
    beginStop()
    var inFlight = 0
    for vuser in pool where vuser.shutdown() { inFlight += 1 }
    pool.removeAll()
    free.removeAll()
    return inFlight
  }

  /// A vuser finished its request (and any backoff): the oldest waiting arrival goes on it now,
  /// unless the pool is above its hold and the vuser retires.
  func vuserFree(_ vuser: VirtualUser) {
    growth.completed()
    if growth.shouldRetire(pool: pool.count), let index = pool.firstIndex(where: { $0 === vuser }) {
      pool.remove(at: index)
      vuser.shutdown()
      return
    }
    if let waiting = backlog.popFirst() {
      if waiting.held {
        worker.recorder.recordHeldBack(second: worker.nowSecond)
      } else {
        worker.recorder.recordWaitedForVuser(second: worker.nowSecond)
      }
      vuser.startArrival(intended: waiting.intended)
    } else {
      free.append(vuser)
    }
  }

  func connectStarted() { connecting += 1 }
  func connectEnded() { connecting -= 1 }

  /// The monotonic time at which this loop's next arrival is due; nil when the rate stays at 0.
  private func nextDueNanos() -> UInt64? {
    guard let t = schedule.time(whenDue: pacer.nextDue), t < endsAt ?? .infinity else { return nil }
    return context.startNanos &+ pausedNanos &+ UInt64(max(0, t) * 1e9)
  }

  private func armTimer() {
    timer?.cancel()
    timer = nil
    guard !paused, !stopping, let due = nextDueNanos() else { return }
    let wake = ArrivalWake.deadline(nextDue: due, lastWake: lastWakeNanos)
    timer = worker.loop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(wake)) { [self] in
      timer = nil
      lastWakeNanos = wake
      dispatchDue()
    }
  }

  /// Sends every arrival due by now (at most `arrivalsPerTurn`, then the rest in the next turn),
  /// each with the time it was due, however late the coalesced wake-up (`ArrivalWake`) made it.
  private func dispatchDue() {
    worker.tick()
    growth.tick(now: worker.nowNanos, pool: pool.count)
    if worker.nowNanos >= busyWindowEnds {
      busy.close(now: worker.nowNanos)
      busyWindowEnds = worker.nowNanos &+ PoolGrowth.windowNanos
    }
    var handled = 0
    while !paused, !stopping, let due = nextDueNanos(), due <= worker.nowNanos {
      guard handled < Self.arrivalsPerTurn else {
        worker.loop.execute { [self] in dispatchDue() }
        return
      }
      pacer.advance()
      handled += 1
      guard context.takeRequest() else {
        stopping = true
        return
      }
      arrive(intended: due)
    }
    armTimer()
  }

  /// The pool is held below `--max-vusers` on a loop with CPU to spare: an arrival it keeps
  /// waiting is the target's limit, not the client's.
  private var heldBelowCap: Bool { growth.held != nil && !busy.saturated && pool.count < maxVusers }

  private func arrive(intended: UInt64) {
    worker.recorder.recordOffered(second: context.second(at: intended))
    if worker.nowNanos > intended &+ ArrivalTally.lagNanos {
      worker.recorder.recordLagged(second: worker.nowSecond)
    }
    let placement = ArrivalPlacement.of(
      free: free.count, pool: pool.count, maxVusers: maxVusers, allowance: growth.allowance,
      held: growth.held != nil, connecting: connecting, backlog: backlog.count, maxBacklog: maxBacklog)
    if placement != .freeVuser { growth.arrivalWaited() }
    switch placement {
    case .freeVuser:
      free.removeLast().startArrival(intended: intended)
    case .newVuser:
      let forced = !growth.allowsNewVuser(pool: pool.count)
      let vuser = VirtualUser(worker: worker, context: context)
      pool.append(vuser)
      if forced { growth.forcedGrowth(pool: pool.count) }
      vuser.startArrival(intended: intended)
    case .backlog:
      // Held back: the pool could grow (below its cap, no connects holding it up) but is held
      // where more vusers stopped adding completions. The target is the limit, unless this
      // loop's thread was short of CPU (`LoopBusy`): then it is the client, and it counts so.
      let held =
        heldBelowCap && !growth.allowsNewVuser(pool: pool.count)
        && connecting < ArrivalPlacement.connectsAtOnce
      backlog.append(WaitingArrival(intended: intended, held: held))
    case .dropped:
      worker.recorder.recordDropped(second: worker.nowSecond, held: heldBelowCap)
    }
  }
}

/// An arrival in the backlog: when it was due (monotonic nanoseconds), and whether it waits
/// because the pool is held (`PoolGrowth`) rather than at its cap or still connecting.
struct WaitingArrival {
  var intended: UInt64
  var held: Bool
}
