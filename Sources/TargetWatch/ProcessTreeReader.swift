/// Reads the CPU and resident memory of a process tree: one process (`--watch-pid`) or every
/// root process whose command line matches a pattern (`--watch-process`), each with all its
/// descendants, summed.
///
/// Processes come and go inside a tree (workers recycled, a child per request), so the tree has no
/// one counter to take a rate of: CPU is summed per process, each against its own previous
/// reading. A process that appeared since the previous reading counts all its CPU if it started
/// since then, and none (only a baseline) if it is older and just joined the tree. A process that
/// exited loses its last partial second; that is the price of not counting its time twice
/// through the parent's cutime.
struct ProcessTreeReader: Sendable {
  enum Target: Sendable, Equatable {
    /// One process, named by its PID and start time so a reused PID is not mistaken for it.
    case process(ProcessKey)
    /// Every process whose command line contains the text.
    case pattern(String)
  }

  let target: Target
  /// rampart's own PID: never matched, and its subtree is never summed.
  let own: Int32
  private var previousTicks: [ProcessKey: UInt64] = [:]
  private var previousTime: Double?
  private var previousBootTicks: UInt64?

  init(target: Target, own: Int32) {
    self.target = target
    self.own = own
  }

  /// A reader for `--watch-pid`, checked against `table`.
  static func forPID(_ pid: Int32, in table: ProcessTable, own: Int32) throws(WatchInputError)
    -> ProcessTreeReader
  {
    guard pid > 0, let process = table.processes[pid] else { throw .noSuchProcess(pid: pid) }
    return ProcessTreeReader(target: .process(process.key), own: own)
  }

  /// A reader for `--watch-process`, checked against `table` unless a later match is waited for.
  static func forPattern(_ pattern: String, in table: ProcessTable, own: Int32, waitForMatch: Bool)
    throws(WatchInputError) -> ProcessTreeReader
  {
    guard !pattern.isEmpty else { throw .emptyPattern }
    if !waitForMatch && table.roots(matching: pattern, own: own).isEmpty {
      throw .noMatchingProcess(pattern: pattern)
    }
    return ProcessTreeReader(target: .pattern(pattern), own: own)
  }

  /// The tree's figure in `table`, read at `now` seconds of the sampler's clock.
  mutating func read(_ table: ProcessTable, now: Double) -> SourceOutcome {
    let roots: [Int32]
    switch target {
    case .process(let key):
      guard let process = table.processes[key.pid], process.startTicks == key.startTicks, !process.hasExited
      else {
        return fail("pid \(key.pid) exited")
      }
      roots = [key.pid]
    case .pattern(let pattern):
      roots = table.roots(matching: pattern, own: own)
      guard !roots.isEmpty else { return fail("no process matches '\(WatchInputError.shown(pattern))'") }
    }
    let members = table.tree(of: roots, excluding: own)
    let residentBytes = members.reduce(0.0) { $0 + Double($1.residentPages) } * SystemFigures.pageSize
    var cores: Double?
    if let previousTime, now > previousTime {
      var ticks: UInt64 = 0
      for process in members {
        if let before = previousTicks[process.key] {
          ticks += process.cpuTicks >= before ? process.cpuTicks - before : 0
        } else if let previousBootTicks, process.startTicks >= previousBootTicks {
          ticks += process.cpuTicks
        }
      }
      cores = Double(ticks) / SystemFigures.ticksPerSecond / (now - previousTime)
    }
    previousTicks = Dictionary(members.map { ($0.key, $0.cpuTicks) }, uniquingKeysWith: { $1 })
    previousTime = now
    previousBootTicks = table.bootTicks
    return .read(WatchFigure(cpuCores: cores, rssBytes: residentBytes))
  }

  /// A failed reading: the next good one starts its CPU afresh.
  private mutating func fail(_ reason: String) -> SourceOutcome {
    previousTicks = [:]
    previousTime = nil
    previousBootTicks = nil
    return .failed(reason)
  }
}
