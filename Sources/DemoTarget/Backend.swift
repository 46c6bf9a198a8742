import DequeModule
import NIOCore
import Synchronization

/// One backend: `workers` slots and a bounded queue, like a uvicorn worker pool behind nginx.
/// A request takes a free slot for its service time, or waits in the queue, or is refused when
/// the queue is full. Slots are released on whichever event loop the request ran on.
final class Backend: Sendable {
  struct Job: Sendable {
    let loop: any EventLoop
    let service: Double
    /// Runs when the job gets a worker; must call `done` when the service time is over.
    let start: @Sendable (_ done: @escaping @Sendable () -> Void) -> Void
  }

  let index: Int
  let workers: Int
  let queueLimit: Int
  private let state = Mutex<(busy: Int, queue: Deque<Job>, warnedAt: Double)>((0, Deque(), -1))
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
        s.busy += 1
        return .run
      }
      guard s.queue.count < queueLimit else { return .refused }
      s.queue.append(job)
      return .queued(s.queue.count)
    }
    switch decision {
    case .run: run(job)
    case .queued(let depth): warnIfFilling(depth)
    case .refused: return false
    }
    return true
  }

  var load: (busy: Int, queued: Int) { state.withLock { ($0.busy, $0.queue.count) } }

  private func run(_ job: Job) {
    job.loop.execute { [self] in job.start { self.finished() } }
  }

  private func finished() {
    let next = state.withLock { s -> Job? in
      if let job = s.queue.popFirst() { return job }
      s.busy -= 1
      return nil
    }
    if let next { run(next) }
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
