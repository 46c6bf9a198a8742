import DequeModule
import NIOCore
import Synchronization

/// One backend: `workers` slots and a bounded queue, like a uvicorn worker pool behind nginx.
/// A request takes a free slot for its service time, or waits in the queue, or is refused when
/// the queue is full. Slots are released on whichever event loop the request ran on.
final class Backend: Sendable {
  struct Job: Sendable {
    let loop: any EventLoop
    let arrival: NIODeadline
    /// Runs when the job gets a worker, with the moment its service starts on the worker's ideal
    /// timeline; must call `done` with the moment it ended there.
    let start: @Sendable (_ startAt: NIODeadline, _ done: @escaping @Sendable (NIODeadline) -> Void) -> Void
  }

  let index: Int
  let workers: Int
  let queueLimit: Int
  private let state = Mutex<Slots>(Slots())
  private struct Slots {
    var busy = 0
    var queue = Deque<Job>()
    var warnedAt = -1.0
    /// Worker-time idle from the first arrival to the last change: idle workers times the time
    /// they stayed so, summed at every change (on the ideal timeline, never backwards).
    var idle: TimeAmount = .zero
    var lastChange: NIODeadline?

    mutating func countIdle(until moment: NIODeadline, workers: Int) {
      guard let last = lastChange else {
        lastChange = moment
        return
      }
      let now = max(last, moment)
      idle = idle + (now - last) * (workers - busy)
      lastChange = now
    }
  }
  private let log: TargetLog
  private let clock: @Sendable () -> Double

  init(index: Int, workers: Int, queueLimit: Int, log: TargetLog, clock: @escaping @Sendable () -> Double) {
    self.index = index
    self.workers = workers
    self.queueLimit = queueLimit
    self.log = log
    self.clock = clock
  }

  /// Starts `job` now or queues it; false when the queue is full (the caller answers 503 or resets).
  func submit(_ job: Job) -> Bool {
    enum Decision { case run, queued(Int), refused }
    let decision = state.withLock { s -> Decision in
      if s.busy < workers {
        s.countIdle(until: job.arrival, workers: workers)
        s.busy += 1
        return .run
      }
      guard s.queue.count < queueLimit else { return .refused }
      s.queue.append(job)
      return .queued(s.queue.count)
    }
    switch decision {
    case .run: run(job, after: job.arrival)
    case .queued(let depth): warnIfFilling(depth)
    case .refused: return false
    }
    return true
  }

  var load: (busy: Int, queued: Int) { state.withLock { ($0.busy, $0.queue.count) } }

  /// Worker-seconds spent idle since the first request.
  var idleSeconds: Double { Double(state.withLock { $0.idle }.nanoseconds) / 1e9 }

  /// Timers fire a little late (a millisecond is 5% of a 20 ms service time), and a worker that
  /// started each job only when the last one's timer fired would serve less than its capacity. So
  /// a job handed over from a finished one starts when that one should have ended, or when it
  /// arrived if that was later: saturated, the backend serves exactly workers / service time.
  private func run(_ job: Job, after previousEnd: NIODeadline) {
    let startAt = max(previousEnd, job.arrival)
    job.loop.execute { [self] in job.start(startAt) { end in self.finished(end) } }
  }

  private func finished(_ end: NIODeadline) {
    let next = state.withLock { s -> Job? in
      if let job = s.queue.popFirst() { return job }
      s.countIdle(until: end, workers: workers)
      s.busy -= 1
      return nil
    }
    if let next { run(next, after: end) }
  }

  /// A warning when the queue passes 80% of its size, at most once a second per backend.
  private func warnIfFilling(_ depth: Int) {
    guard queueLimit > 0, depth * 5 > queueLimit * 4 else { return }
    let now = clock()
    let due = state.withLock { s -> Bool in
      guard now - s.warnedAt >= 1 else { return false }
      s.warnedAt = now
      return true
    }
    guard due else { return }
    let percent = depth * 100 / queueLimit
    log.warning(
      "app.backend",
      "backend-\(index + 1) queue \(depth)/\(queueLimit) (\(percent)%): requests are waiting for a worker")
  }
}
