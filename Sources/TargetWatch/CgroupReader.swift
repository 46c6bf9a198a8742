/// Reads a cgroup's CPU (a rate of its cumulative usage counter) and charged memory.
struct CgroupReader: Sendable {
  let files: CgroupFiles
  private var rate = CounterRate()

  init(files: CgroupFiles) {
    self.files = files
  }

  /// A reader for `--watch-cgroup PATH`, checked now.
  init(path: String) throws(WatchInputError) {
    self.init(files: try CgroupFiles.find(path))
  }

  /// The cgroup's figure at `now` seconds of the sampler's clock. A cgroup whose CPU counter
  /// cannot be read (removed when its service stopped) is lost; one whose memory file alone
  /// cannot be read gives CPU only.
  mutating func read(now: Double) -> SourceOutcome {
    guard let seconds = cpuSeconds() else {
      rate.reset()
      return .failed("\(cpuFileName) unreadable")
    }
    let memory = files.memory.flatMap(SmallFile.text).flatMap(Double.init)
    return .read(WatchFigure(cpuCores: rate.next(seconds, at: now), rssBytes: memory))
  }

  /// The CPU counter in seconds.
  private func cpuSeconds() -> Double? {
    switch files.cpu {
    case .usageMicroseconds(let path):
      guard let text = SmallFile.text(path) else { return nil }
      for line in text.split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 2, fields[0] == "usage_usec", let micros = Double(fields[1]) {
          return micros / 1e6
        }
      }
      return nil
    case .usageNanoseconds(let path):
      return SmallFile.text(path).flatMap(Double.init).map { $0 / 1e9 }
    }
  }

  private var cpuFileName: String {
    switch files.cpu {
    case .usageMicroseconds: "cpu.stat"
    case .usageNanoseconds: "cpuacct.usage"
    }
  }
}
