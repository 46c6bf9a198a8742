/// One watched source of the target (a process tree, a cgroup, a Prometheus endpoint) in one
/// second: CPU in cores (CPU seconds per second) and resident memory in bytes. Either is absent
/// when the source could not be read that second (a gap in the lane, never a zero).
public struct TargetFigure: Codable, Sendable, Equatable {
  public var cpuCores: Double?
  public var rssBytes: Double?

  public init(cpuCores: Double?, rssBytes: Double?) {
    self.cpuCores = cpuCores
    self.rssBytes = rssBytes
  }

  enum CodingKeys: String, CodingKey {
    case cpuCores = "cpu_cores", rssBytes = "rss_bytes"
  }
}

/// A watched source over the whole run, for the summary: peak and mean of each figure over the
/// seconds it was read (nil when it never was).
public struct TargetSummary: Codable, Sendable, Equatable {
  public var cpuCoresPeak: Double?
  public var cpuCoresMean: Double?
  public var rssBytesPeak: Double?
  public var rssBytesMean: Double?
  /// Seconds in which the source was read.
  public var seconds: Int

  enum CodingKeys: String, CodingKey {
    case cpuCoresPeak = "cpu_cores_peak", cpuCoresMean = "cpu_cores_mean"
    case rssBytesPeak = "rss_bytes_peak", rssBytesMean = "rss_bytes_mean", seconds
  }

  /// Every source named in the rows' `watch` or in `sources`, summed up (a source never read
  /// has no figures and 0 seconds); nil when nothing was watched.
  public static func of(_ samples: [SecondSample], sources: [String] = []) -> [String: TargetSummary]? {
    guard !sources.isEmpty || samples.contains(where: { $0.watch != nil }) else { return nil }
    var figures: [String: [TargetFigure]] = Dictionary(
      sources.map { ($0, []) }, uniquingKeysWith: { a, _ in a })
    for sample in samples {
      for (name, figure) in sample.watch ?? [:] { figures[name, default: []].append(figure) }
    }
    return figures.mapValues { list in
      let cpu = list.compactMap(\.cpuCores)
      let rss = list.compactMap(\.rssBytes)
      return TargetSummary(
        cpuCoresPeak: cpu.max(), cpuCoresMean: cpu.isEmpty ? nil : cpu.reduce(0, +) / Double(cpu.count),
        rssBytesPeak: rss.max(), rssBytesMean: rss.isEmpty ? nil : rss.reduce(0, +) / Double(rss.count),
        seconds: list.count)
    }
  }
}
