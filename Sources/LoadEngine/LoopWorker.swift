import Metrics
import NIOCore

/// The vusers of one event loop and their recorder. Confined to `loop` (hence `@unchecked
/// Sendable`): the engine reaches it only through `loop.submit`/`execute`.
final class LoopWorker: @unchecked Sendable {
  struct Status: Sendable {
    var vusers: Int
    var inFlight: Int
    var connections: Int
  }

  let loop: any EventLoop
  private let context: RunContext
  var recorder: Recorder
  /// The open model's pacing and pool; nil in the closed model, where `vusers` loop by themselves.
  private(set) var arrivals: ArrivalDispatcher?
  private var vusers: [VirtualUser] = []
  /// Vusers removed by a lower target that still finish their request before closing.
  private var retiring: [ObjectIdentifier: VirtualUser] = [:]
  private(set) var paused = false
  private(set) var stopping = false
  private var openConnections = 0
  private var sweepTask: RepeatedTask?

  /// This loop's own copy of the request bytes, one buffer per request variant: vusers of
  /// different loops never share (and bounce between cores) the reference count of one buffer.
  let requestBuffers: [ByteBuffer]
  /// Per-variant flags and weights, copied per loop for the same reason.
  let variantFlags: [RequestVariants.Flags]
  private let cumulativeWeights: [UInt64]
  /// Picks request variants; seeded per loop, only used when there are several.
  private var random: UInt64

  init(loop: any EventLoop, context: RunContext, seed: UInt64) {
    self.loop = loop
    self.context = context
    self.requestBuffers = context.requests.variants.map { ByteBuffer(bytes: $0.bytes) }
    self.variantFlags = context.requests.variants.map {
      RequestVariants.Flags(
        expectsResponseBody: $0.expectsResponseBody, isIdempotent: $0.isIdempotent,
        tracksWriteCompletion: $0.tracksWriteCompletion)
    }
    self.cumulativeWeights = Array(context.requests.cumulative)
    self.random = seed | 1
    self.recorder = Recorder(openModel: context.config.open != nil)
  }

  /// Open model: this loop takes its `index` share of `loops` of the arrivals. Set before the
  /// loop runs anything of the worker's.
  func enableArrivals(_ open: OpenModel, index: Int, loops: Int, seed: UInt64) {
    arrivals = ArrivalDispatcher(
      worker: self, context: context, open: open, index: index, loops: loops, seed: seed)
  }

  /// The request variant for a vuser's next iteration (always 0 with one request).
  @inline(__always) func nextVariant() -> Int {
    guard requestBuffers.count > 1 else { return 0 }
    // xorshift64*: plenty for spreading requests by weight, and free of locks and allocation.
    random ^= random >> 12
    random ^= random << 25
    random ^= random >> 27
    return RequestVariants.index(for: (random &* 0x2545_F491_4F6C_DD1D) >> 11, in: cumulativeWeights)
  }

  /// The time of the event being handled, read once per event (a response, a timer, a connect)
  /// rather than at every use: a clock read per use costs more than everything else recorded.
  private(set) var nowNanos: UInt64 = 0
  private(set) var nowSecond = 0

  @inline(__always) func tick() {
    nowNanos = RunContext.now()
    nowSecond = context.second(at: nowNanos)
  }

  /// Vusers whose next request is written once this round of events has been handled.
  private var queuedWrites: [VirtualUser] = []
  /// A big round's vusers, written one per response read in the next round; `carriedNext` is the
  /// first not yet written.
  private var carried: [VirtualUser] = []
  private var carriedNext = 0
  /// Writes what is still carried when the next round brings no responses to pace it.
  private var carriedFlush: Scheduled<Void>?

  func queueWrite(_ vuser: VirtualUser) {
    queuedWrites.append(vuser)
    if queuedWrites.count == 1 { loop.execute { [self] in writeQueued() } }
  }

  /// NIO runs tasks after it has handled every ready channel, so the requests of the vusers this
  /// round's responses freed go out after the reads, with the clock started at each write (as
  /// wrk's write phase does). A small round's go out at once. A big round's (`spreadBurst` and
  /// more: hundreds with 1000 connections) are carried into the next round and written one per
  /// response read there, as wrk's epoll order interleaves them: written in one burst they reached
  /// nginx together and queued there behind each other. Measured beside wrk -t1, 1000
  /// connections, 5-7 reps in three batches: p50 1.12x, 1.05x, 1.23x wrk's and p99 1.10x, 1.06x,
  /// 1.10x in one burst; carried, p50 0.98x, 0.92x, 1.05x and p99 0.99x, 0.94x, 1.00x, at
  /// 1.09-1.22x wrk's throughput. Small rounds are not carried: at 50 connections that only cost
  /// throughput (0.97x against 1.01x), with the same latency.
  private func writeQueued() {
    tick()
    writeCarried(all: true)
    var batch: [VirtualUser] = []
    // A write that fails at once may queue another vuser's request: that one goes next round.
    swap(&batch, &queuedWrites)
    if batch.count >= context.config.spreadBurst {
      swap(&carried, &batch)
      // NIO runs a task due now in this same round; one due shortly runs after the next poll.
      carriedFlush = loop.scheduleTask(in: .microseconds(20)) { [self] in
        tick()
        writeCarried(all: true)
      }
    } else {
      for vuser in batch { vuser.writeQueuedRequest() }
      batch.removeAll(keepingCapacity: true)
    }
    if queuedWrites.isEmpty { swap(&batch, &queuedWrites) }
  }

  /// Writes the next carried request (a response was just read), or all that are left.
  @inline(__always) func writeCarried(all: Bool = false) {
    guard carriedNext < carried.count else { return }
    repeat {
      let vuser = carried[carriedNext]
      carriedNext += 1
      vuser.writeQueuedRequest()
    } while all && carriedNext < carried.count
    if carriedNext == carried.count {
      carried.removeAll(keepingCapacity: true)
      carriedNext = 0
      carriedFlush?.cancel()
      carriedFlush = nil
    }
  }

  func start() {
    // Timeouts are checked by one sweep per loop instead of a timer per request, which would cost
    // an allocation on every request.
    let interval = max(0.005, min(0.05, context.config.requestTimeout / 10))
    sweepTask = loop.scheduleRepeatedTask(
      initialDelay: .nanoseconds(Int64(interval * 1e9)), delay: .nanoseconds(Int64(interval * 1e9))
    ) { [self] _ in sweep() }
    arrivals?.start()
  }

  private func sweep() {
    tick()
    let now = nowNanos
    for vuser in vusers where vuser.inFlight && vuser.deadlineNanos < now {
      vuser.timeOutIfDue(now: now)
    }
    for vuser in retiring.values where vuser.inFlight && vuser.deadlineNanos < now {
      vuser.timeOutIfDue(now: now)
    }
    for vuser in arrivals?.pool ?? [] where vuser.inFlight && vuser.deadlineNanos < now {
      vuser.timeOutIfDue(now: now)
    }
  }

  func setTarget(_ count: Int) {
    tick()
    while vusers.count > count {
      let vuser = vusers.removeLast()
      if vuser.inFlight {
        vuser.retiring = true
        retiring[ObjectIdentifier(vuser)] = vuser
      } else {
        vuser.shutdown()
      }
    }
    while vusers.count < count {
      let vuser = VirtualUser(worker: self, context: context)
      vusers.append(vuser)
      vuser.startRequest()
    }
  }

  func retired(_ vuser: VirtualUser) {
    retiring[ObjectIdentifier(vuser)] = nil
    vuser.shutdown()
  }

  func setPaused(_ paused: Bool, pausedNanos: UInt64) {
    self.paused = paused
    tick()
    if !paused { vusers.forEach { $0.wake() } }
    arrivals?.setPaused(paused, pausedNanos: pausedNanos)
  }

  /// Open model: the rate from now on.
  func setSchedule(_ schedule: ArrivalSchedule) {
    tick()
    arrivals?.setSchedule(schedule)
  }

  func beginStop() {
    stopping = true
    tick()
    arrivals?.beginStop()
  }

  /// Ends every vuser; returns how many requests were still in flight.
  func forceStop() -> Int {
    stopping = true
    sweepTask?.cancel()
    var inFlight = 0
    for vuser in vusers where vuser.shutdown() { inFlight += 1 }
    for vuser in retiring.values where vuser.shutdown() { inFlight += 1 }
    vusers.removeAll()
    retiring.removeAll()
    return inFlight + (arrivals?.forceStop() ?? 0)
  }

  func connectionOpened() {
    openConnections += 1
    recorder.recordConnectionOpened(second: nowSecond)
  }

  func connectionClosed() {
    openConnections -= 1
  }

  var status: Status {
    Status(
      vusers: vusers.count + (arrivals?.pool.count ?? 0),
      inFlight: vusers.reduce(0) { $0 + ($1.inFlight ? 1 : 0) } + retiring.count + (arrivals?.inFlight ?? 0),
      connections: openConnections)
  }
}
