import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Reads every watch source once a second on a thread of its own and hands out the figures.
///
/// Nothing here runs on the caller's thread but the setup's checks: `start()` starts the thread,
/// `latest()` copies the last readings, `stop()` wakes the thread (even out of a scrape that
/// hangs) and waits for it to end. Readings and events are delivered on the sampler's thread.
public final class WatchSampler: Sendable {
  /// How the sampler reads; the defaults are what a run uses.
  public struct Options: Sendable {
    /// Seconds between readings.
    public var interval: Double
    /// How long a scrape may take, at most 1 s and at most the interval: an endpoint that does
    /// not answer in time is a lost second.
    public var scrapeTimeout: Double
    /// The largest scrape body read; a bigger one is a lost second.
    public var maxBodyBytes: Int
    /// Whether a process pattern that matches nothing at setup is accepted, to match processes
    /// that start later (it is looked for every second in any case).
    public var waitForMatch: Bool

    public init(
      interval: Double = 1, scrapeTimeout: Double = 1, maxBodyBytes: Int = 4 << 20, waitForMatch: Bool = false
    ) {
      self.interval = interval
      self.scrapeTimeout = scrapeTimeout
      self.maxBodyBytes = maxBodyBytes
      self.waitForMatch = waitForMatch
    }
  }

  /// The sources' names, in the order given: the keys of the readings and the events' sources.
  public let sourceNames: [String]
  private let options: Options
  private let clock: @Sendable () -> Double
  private let onReading: @Sendable (WatchReading) -> Void
  private let onEvent: @Sendable (WatchEvent) -> Void
  /// The readers, until `start()` hands them to the thread that alone uses them afterwards.
  private let readers: Mutex<[SourceReader]?>
  private let shared = Mutex(Shared())
  private let running = Atomic<Bool>(false)
  private let started = Atomic<Bool>(false)
  private let signal = SamplerSignal()
  private let done = DispatchSemaphore(value: 0)

  private struct Shared {
    var latest: WatchReading?
    var lost: [String: String] = [:]
  }

  /// Checks every source now (a PID that does not exist, a path that is not a cgroup, a URL that
  /// is not http://, a pattern that matches nothing) and throws the first problem; reads nothing
  /// else until `start()`.
  /// - Parameters:
  ///   - clock: seconds on a monotonic clock, for the CPU rates' time deltas and the readings'
  ///     times (the run's clock, so readings share its time axis); by default, seconds since
  ///     the sampler was made.
  ///   - onReading: every tick's readings, on the sampler's thread; keep it short.
  ///   - onEvent: each source lost or back, once per change, on the sampler's thread, before the
  ///     tick's readings.
  public init(
    sources: [WatchSourceSpec], options: Options = Options(), clock: (@Sendable () -> Double)? = nil,
    onReading: @escaping @Sendable (WatchReading) -> Void = { _ in },
    onEvent: @escaping @Sendable (WatchEvent) -> Void = { _ in }
  ) throws(WatchInputError) {
    self.options = options
    self.onReading = onReading
    self.onEvent = onEvent
    let monotonic = MonotonicSeconds()
    self.clock = clock ?? { monotonic.read() }
    sourceNames = WatchSourceSpec.uniqueNames(sources)
    readers = Mutex(try SourceReader.make(for: sources, options: options))
  }

  /// Starts the sampler's thread; the first reading is taken at once. Does nothing after
  /// `stop()` or a second time.
  public func start() {
    // Taken and marked under one lock, so a stop() at the same moment either finds the readers
    // (and the thread never starts) or finds the thread started (and waits for it).
    let taken = readers.withLock { readers -> [SourceReader]? in
      guard let taken = readers.take() else { return nil }
      running.store(true, ordering: .releasing)
      started.store(true, ordering: .releasing)
      return taken
    }
    guard let taken else { return }
    let thread = Thread { [self] in
      sample(taken)
      done.signal()
    }
    thread.name = "rampart-watch"
    thread.start()
  }

  /// Ends the sampler: wakes its thread out of any wait (a scrape in progress is abandoned) and
  /// returns once it has ended. Safe to call more than once, and before `start()`.
  public func stop() {
    let threadStarted = readers.withLock { readers in
      readers = nil
      running.store(false, ordering: .releasing)
      return started.load(ordering: .acquiring)
    }
    signal.stop()
    guard threadStarted else { return }
    done.wait()
    done.signal()  // a later or concurrent stop() returns too
  }

  /// The last tick's figures by source name (a source that could not be read is absent); empty
  /// before the first tick. Never waits for a reading.
  public func latest() -> [String: WatchFigure] {
    shared.withLock { $0.latest?.figures ?? [:] }
  }

  /// The last tick's readings with their time; nil before the first tick.
  public func latestReading() -> WatchReading? {
    shared.withLock { $0.latest }
  }

  /// The sources lost now, by name, with the reason of their lost event.
  public func lostSources() -> [String: String] {
    shared.withLock { $0.lost }
  }

  /// The thread's body: a tick every interval, on a schedule that does not drift, until stopped.
  /// Prometheus sources are scraped on a one-thread event loop group of the sampler's own (never
  /// the load engine's loops), made here and shut down as the thread ends, before `stop()`
  /// returns; that shutdown waits a bounded time, so a loop held by a resolver does not hold it.
  private func sample(_ initial: [SourceReader]) {
    var readers = initial
    let scrapes = readers.contains {
      if case .prometheus = $0 { return true }
      return false
    }
    let group = scrapes ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
    defer { group.map { PromScrape.shutDown($0) } }
    let loop = group?.next()
    let interval = Duration.seconds(max(0.01, options.interval))
    var next = ContinuousClock.now
    while running.load(ordering: .acquiring) {
      tick(&readers, loop: loop)
      next += interval
      let now = ContinuousClock.now
      while next <= now { next += interval }  // a late tick is skipped, not made up
      if signal.wait(until: next) { break }
    }
  }

  /// Reads every source once, reports changes, publishes the readings.
  private func tick(_ readers: inout [SourceReader], loop: (any EventLoop)?) {
    let time = clock()
    let timeout = min(options.scrapeTimeout, options.interval, 1)
    let outcomes = SourceReader.readAll(
      &readers, clock: clock, scrapeTimeout: timeout, loop: loop, signal: signal)
    guard running.load(ordering: .acquiring) else { return }  // a stopped tick says nothing
    var figures: [String: WatchFigure] = [:]
    var events: [WatchEvent] = []
    let reading = shared.withLock { shared in
      for (name, outcome) in zip(sourceNames, outcomes) {
        switch outcome {
        case .read(let figure):
          figures[name] = figure
          if shared.lost.removeValue(forKey: name) != nil {
            events.append(WatchEvent(source: name, change: .back, reason: "read again", time: time))
          }
        case .failed(let reason):
          if shared.lost[name] == nil {
            events.append(WatchEvent(source: name, change: .lost, reason: reason, time: time))
          }
          shared.lost[name] = reason
        }
      }
      shared.latest = WatchReading(time: time, figures: figures)
      return shared.latest!
    }
    for event in events { onEvent(event) }
    onReading(reading)
  }
}

/// Seconds since it was made, on the monotonic clock.
struct MonotonicSeconds: Sendable {
  let origin = ContinuousClock.now

  func read() -> Double {
    let elapsed = ContinuousClock.now - origin
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  }
}
