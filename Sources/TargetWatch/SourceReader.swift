import NIOCore

#if canImport(Glibc)
  import Glibc
#endif

/// One source's reader, whatever its kind; the sampler's thread owns them all.
enum SourceReader: Sendable {
  case processTree(ProcessTreeReader)
  case cgroup(CgroupReader)
  case prometheus(PromReader)

  /// The readers for `specs`, each checked now; the first problem is thrown. The process table
  /// is read once for every PID and pattern.
  static func make(
    for specs: [WatchSourceSpec], options: WatchSampler.Options, procRoot: String = "/proc"
  ) throws(WatchInputError) -> [SourceReader] {
    let own = getpid()
    let needsTable = specs.contains {
      switch $0 {
      case .pid, .process: true
      case .cgroup, .prometheus: false
      }
    }
    let table = needsTable ? ProcessTable.read(root: procRoot) : nil
    var readers: [SourceReader] = []
    for spec in specs {
      switch spec {
      case .pid(let pid):
        readers.append(.processTree(try .forPID(pid, in: table!, own: own)))
      case .process(let pattern):
        readers.append(
          .processTree(try .forPattern(pattern, in: table!, own: own, waitForMatch: options.waitForMatch)))
      case .cgroup(let path):
        readers.append(.cgroup(try CgroupReader(path: path)))
      case .prometheus(let url):
        readers.append(.prometheus(try PromReader(url: url, bodyLimit: options.maxBodyBytes)))
      }
    }
    return readers
  }

  /// Reads every source once: the process table (if any source needs it), each tree and
  /// cgroup, then every scrape at once on `loop` (the watch's own), waited for with one deadline
  /// that `signal` ends early when the sampler stops. Each reading is timed on `clock` as close
  /// to its read as the kind allows.
  static func readAll(
    _ readers: inout [SourceReader], clock: () -> Double, scrapeTimeout: Double, loop: (any EventLoop)?,
    signal: SamplerSignal, procRoot: String = "/proc"
  ) -> [SourceOutcome] {
    var outcomes = [SourceOutcome](repeating: .failed("not read"), count: readers.count)
    var table: ProcessTable?
    var scrapes: [(index: Int, future: EventLoopFuture<[UInt8]>, sentAt: Double)] = []
    let deadline = ContinuousClock.now + .seconds(scrapeTimeout)
    for index in readers.indices {
      switch readers[index] {
      case .processTree(var reader):
        if table == nil { table = ProcessTable.read(root: procRoot) }
        outcomes[index] = reader.read(table!, now: clock())
        readers[index] = .processTree(reader)
      case .cgroup(var reader):
        outcomes[index] = reader.read(now: clock())
        readers[index] = .cgroup(reader)
      case .prometheus(let reader):
        // Sent now, answered in the batch below: the counter is read about when it was asked for.
        guard let loop else {
          outcomes[index] = .failed("no event loop to scrape on")
          continue
        }
        let sentAt = clock()
        scrapes.append((index, reader.startScrape(timeout: scrapeTimeout, on: loop), sentAt))
      }
    }
    guard !scrapes.isEmpty else { return outcomes }
    let results = ScrapeTick(scrapes.map(\.future), signal: signal)
      .wait(until: deadline, timeoutText: PromReader.timeoutText(scrapeTimeout))
    for ((index, _, sentAt), scrape) in zip(scrapes, results) {
      guard case .prometheus(var reader) = readers[index] else { continue }
      outcomes[index] = reader.finish(scrape, sentAt: sentAt)
      readers[index] = .prometheus(reader)
    }
    return outcomes
  }
}
