import DequeModule
import Foundation
import LogValues
import Synchronization

/// Follows every log source on one background thread: polls the followers, folds lines into
/// events, counts error classes, and keeps the newest entries for the panel in a bounded ring.
/// The UI only copies a snapshot; nothing here runs on its thread.
public final class LogHub: LogFeed, Sendable {
  public struct Options: Sendable {
    /// Time between polls; also the longest delay before a new line is seen.
    public var pollInterval: Double = 0.1
    /// Entries kept for the panel.
    public var capacity: Int = 5000
    /// Text bytes the kept entries may hold together: 5,000 tracebacks of long lines must not
    /// grow without bound either.
    public var byteCapacity: Int = 16 << 20
    /// Entries that may enter the panel per poll; beyond it, lines are still classified and
    /// counted but only errors and notices are kept (the rest is counted as dropped for display).
    public var displayBudgetPerPoll: Int = 500
    /// Bytes read from all sources together per poll.
    public var byteBudgetPerPoll: Int = 8 << 20
    /// Directories that file sources must stay inside (empty: any path the user named).
    public var roots: [String] = []
    /// Error events per class handed to `onErrorSample` (the first ones of each class).
    public var samplesPerClass: Int = 3
    /// Scrubs secrets (a plan's `${env:NAME}` values) from every line and source name before it is
    /// kept, shown or sampled; nil = lines are kept as read.
    public var redact: (@Sendable (String) -> String)?
    public init() {}
  }

  private struct Shared {
    var entries = Deque<LogEntry>()
    var sources: [LogSourceState]
    var dropped = 0
    var errorCounts: [String: Int] = [:]
    var samplesTaken: [String: Int] = [:]
    var nextID: UInt64 = 0
    var bytes = 0
  }

  private let specs: [LogSourceSpec]
  private let classifier: LogClassifier
  private let options: Options
  private let clock: @Sendable () -> Double
  private let onErrors: @Sendable ([String: Int]) -> Void
  private let onErrorSample: @Sendable (LogErrorSample) -> Void
  private let shared: Mutex<Shared>
  private let running = Atomic<Bool>(false)
  /// Counts go to `onErrors` until the run's last rows close; after that the panel still follows.
  private let countsOpen = Atomic<Bool>(true)
  /// Callers of `endCounting` waiting for a whole poll that started after they asked.
  private let settleRequests = Mutex<[DispatchSemaphore]>([])
  private let finished = Mutex<Bool>(false)
  private let done = DispatchSemaphore(value: 0)

  /// - Parameters:
  ///   - clock: the run's elapsed seconds, so entries share the load's time axis.
  ///   - onErrors: error counts by class found in one poll (called on the hub's thread).
  ///   - onErrorSample: the first `samplesPerClass` error events of each class, for the record.
  public init(
    sources: [LogSourceSpec], classifier: LogClassifier, options: Options = Options(),
    clock: @escaping @Sendable () -> Double, onErrors: @escaping @Sendable ([String: Int]) -> Void = { _ in },
    onErrorSample: @escaping @Sendable (LogErrorSample) -> Void = { _ in }
  ) {
    specs = sources
    self.classifier = classifier
    self.options = options
    self.clock = clock
    self.onErrors = onErrors
    self.onErrorSample = onErrorSample
    let names = Self.uniqueNames(sources, redact: options.redact)
    shared = Mutex(Shared(sources: zip(sources, names).map { LogSourceState(name: $1, spec: $0) }))
  }

  /// Starts the background thread.
  public func start() {
    guard running.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
      return
    }
    let thread = Thread { [self] in
      followLoop()
      done.signal()
    }
    thread.name = "rampart-logs"
    thread.start()
  }

  /// Reads what is left, flushes pending blocks, ends command sources and waits for the thread.
  public func stop() {
    let wasRunning = running.exchange(false, ordering: .relaxed)
    guard wasRunning else { return }
    done.wait()
  }

  /// Reads what the sources hold now, reports its counts, and from then on reports none: the run's
  /// rows are closing. The panel keeps following. Waits for one poll (at most about a second).
  public func endCounting() {
    guard running.load(ordering: .relaxed) else {
      countsOpen.store(false, ordering: .relaxed)
      return
    }
    let settled = DispatchSemaphore(value: 0)
    settleRequests.withLock { $0.append(settled) }
    _ = settled.wait(timeout: .now() + 2)
    countsOpen.store(false, ordering: .relaxed)
  }

  public func logSnapshot() -> LogSnapshot {
    shared.withLock {
      LogSnapshot(
        sources: $0.sources, entries: Array($0.entries), droppedForDisplay: $0.dropped,
        errorCounts: $0.errorCounts)
    }
  }

  /// The thread body: followers and assemblers live here only, so none of them needs a lock.
  private func followLoop() {
    var followers: [any LogFollower] = specs.map { spec in
      switch spec {
      case .file(let path): FileFollower(path: path, roots: options.roots)
      case .command(let command): CommandFollower(command: command)
      }
    }
    var assemblers = specs.map { _ in EventAssembler(classifier: classifier) }
    var batch = Batch(redact: options.redact)
    let start = ContinuousClock.now
    func monotonic() -> Double {
      let d = ContinuousClock.now - start
      return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    var outputs: [FollowerOutput] = []
    let budget = max(64 << 10, options.byteBudgetPerPoll / max(1, specs.count))
    while true {
      let stopping = !running.load(ordering: .relaxed)
      // Requests made before this poll began are answered once it has published.
      let waiting = settleRequests.withLock { requests in
        defer { requests.removeAll() }
        return requests
      }
      let now = monotonic()
      batch.elapsed = clock()
      for index in followers.indices {
        outputs.removeAll(keepingCapacity: true)
        followers[index].poll(now: now, byteBudget: budget, into: &outputs)
        for output in outputs {
          switch output {
          case .line(let line):
            batch.linesRead[index, default: 0] += 1
            assemblers[index].add(line, now: now) { batch.add($0, source: index, kind: .live) }
          case .history(let line):
            let (level, _) = classifier.classify(line)
            batch.add(
              LogEvent(headline: LineSanitizer.displayText(line), level: level, isCut: line.isCut),
              source: index, kind: .history)
          case .notice(let notice):
            batch.notice(notice, source: index)
          }
        }
        if stopping {
          assemblers[index].finish { batch.add($0, source: index, kind: .live) }
        } else {
          assemblers[index].flushIfIdle(now: now) { batch.add($0, source: index, kind: .live) }
        }
      }
      publish(&batch)
      for request in waiting { request.signal() }
      if stopping { break }
      Thread.sleep(forTimeInterval: options.pollInterval)
    }
    for follower in followers { follower.close() }
    followers.removeAll()
  }

  /// The error events of this poll that are among the first of their class.
  private func takeSamples(_ batch: Batch) -> [LogErrorSample] {
    let names = shared.withLock { $0.sources.map(\.name) }
    var samples: [LogErrorSample] = []
    shared.withLock { state in
      for pending in batch.entries where pending.kind == .live {
        guard let name = pending.event.errorClass,
          state.samplesTaken[name, default: 0] < options.samplesPerClass
        else { continue }
        state.samplesTaken[name, default: 0] += 1
        samples.append(
          LogErrorSample(
            errorClass: name, source: names[pending.source], elapsed: batch.elapsed,
            text: pending.event.lines.joined(separator: "\n")))
      }
    }
    return samples
  }

  /// Moves one poll's results into the shared state under one lock.
  private func publish(_ batch: inout Batch) {
    defer { batch.reset() }
    if !batch.errors.isEmpty && countsOpen.load(ordering: .relaxed) {
      onErrors(batch.errors)
      for sample in takeSamples(batch) { onErrorSample(sample) }
    }
    guard !batch.entries.isEmpty || !batch.notices.isEmpty || !batch.linesRead.isEmpty else { return }
    let budget = options.displayBudgetPerPoll
    let capacity = options.capacity
    let byteCapacity = options.byteCapacity
    shared.withLock { state in
      for (source, count) in batch.linesRead { state.sources[source].linesRead += count }
      for (source, notice) in batch.notices {
        state.sources[source].problem = notice.isProblem ? notice : nil
      }
      for (name, count) in batch.errors { state.errorCounts[name, default: 0] += count }
      // Past the budget only what matters is kept: errors and notices.
      var admitted = 0
      for pending in batch.entries {
        let important = pending.kind == .notice || pending.event.errorClass != nil
        if !important && admitted >= budget {
          state.dropped += 1
          continue
        }
        admitted += 1
        state.entries.append(
          LogEntry(
            id: state.nextID, source: pending.source, elapsed: batch.elapsed, kind: pending.kind,
            event: pending.event))
        state.nextID += 1
        state.bytes += pending.event.textBytes
        while state.entries.count > capacity || (state.bytes > byteCapacity && state.entries.count > 1) {
          state.bytes -= state.entries.removeFirst().event.textBytes
        }
      }
    }
  }

  /// Names shown before each line: the file or command name, made unique with a number.
  static func uniqueNames(_ specs: [LogSourceSpec], redact: (@Sendable (String) -> String)? = nil) -> [String]
  {
    var seen: [String: Int] = [:]
    return specs.map { spec in
      // Redacted before it is shortened: a cut could split a secret past recognition.
      let name =
        redact.map { redact in
          switch spec {
          case .file(let path): LogSourceSpec.file(redact(path)).displayName
          case .command(let command): LogSourceSpec.command(redact(command)).displayName
          }
        } ?? spec.displayName
      seen[name, default: 0] += 1
      return seen[name]! > 1 ? "\(name)#\(seen[name]!)" : name
    }
  }
}

/// What one poll produced, gathered without the lock.
private struct Batch {
  struct Pending {
    var source: Int
    var kind: LogEntry.Kind
    var event: LogEvent
  }
  let redact: (@Sendable (String) -> String)?
  var entries: [Pending] = []
  var notices: [(Int, SourceNotice)] = []
  var errors: [String: Int] = [:]
  var linesRead: [Int: Int] = [:]
  var elapsed = 0.0

  mutating func add(_ event: LogEvent, source: Int, kind: LogEntry.Kind) {
    var event = event
    if kind == .history { event.errorClass = nil }
    if let redact {
      event.headline = redact(event.headline)
      event.lines = event.lines.map(redact)
    }
    if let name = event.errorClass { errors[name, default: 0] += 1 }
    entries.append(Pending(source: source, kind: kind, event: event))
  }

  mutating func notice(_ notice: SourceNotice, source: Int) {
    notices.append((source, notice))
    entries.append(
      Pending(
        source: source, kind: .notice,
        event: LogEvent(headline: notice.description, level: notice.isProblem ? .warning : .info)))
  }

  mutating func reset() {
    entries.removeAll(keepingCapacity: true)
    notices.removeAll(keepingCapacity: true)
    errors.removeAll(keepingCapacity: true)
    linesRead.removeAll(keepingCapacity: true)
  }
}

extension LogEvent {
  /// What the event's text costs in memory, roughly: its lines' UTF-8 bytes.
  var textBytes: Int {
    lines.reduce(headline.utf8.count) { $0 + $1.utf8.count }
  }
}
