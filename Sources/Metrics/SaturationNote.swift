import Vocabulary

/// Which watched source ran out where the throughput did: a source whose CPU sits flat at the
/// run's highest level from the knee on ("uvicorn CPU flat at 0.40 cores from 0:35"). A
/// backend held by a CPU limit shows exactly that; one waiting on something else does not.
public struct SaturationNote: Codable, Sendable, Equatable {
  public var source: String
  public var cpuCores: Double
  /// The second from which the CPU stayed in its band.
  public var fromSecond: Int

  public init(source: String, cpuCores: Double, fromSecond: Int) {
    self.source = source
    self.cpuCores = cpuCores
    self.fromSecond = fromSecond
  }

  enum CodingKeys: String, CodingKey {
    case source, cpuCores = "cpu_cores", fromSecond = "from_s"
  }

  public var text: String {
    "\(source) CPU flat at \(CoresText.withUnit(cpuCores)) from \(ClockText.format(Double(fromSecond)))"
  }

  /// A level counts as flat when this share of the seconds from the knee on lie within `band` of
  /// it (a CPU limit holds a process within a few percent; a scheduler's tick adds the rest).
  static let flatShare = 0.8
  static let band = 0.15
  /// Below this a source is idle, not saturated.
  static let idleCores = 0.05

  /// The sources flat from the knee on, or from the first second of a run saturated from its
  /// start; nil when there is neither (nothing to say yet). The summary and the screen both ask.
  public static func atKnee(
    _ samples: [SecondSample], knee: Knee?, judgement: KneeJudgement?
  ) -> [SaturationNote]? {
    let kneeSecond =
      knee.map { MetricsStore.firstSecond(at: $0, in: samples) ?? $0.second }
      ?? (judgement?.verdict == .saturatedFromStart ? samples.first?.t : nil)
    return kneeSecond.map { find(samples, kneeSecond: $0) }
  }

  /// The sources flat from `kneeSecond` on, earliest first. A source is flat when, over at least
  /// five seconds from the knee, `flatShare` of its readings lie within `band` of their median,
  /// that median is the run's high (at least 85% of its 95th percentile), and before the knee
  /// (when the run had seconds there) it was lower (mean at most 85% of the median).
  public static func find(_ samples: [SecondSample], kneeSecond: Int) -> [SaturationNote] {
    let names = Set(samples.flatMap { ($0.watch ?? [:]).keys })
    return names.sorted().compactMap { name in
      let series = samples.compactMap { sample in sample.watch?[name]?.cpuCores.map { (sample.t, $0) } }
      return flat(name, series, kneeSecond: kneeSecond)
    }.sorted { ($0.fromSecond, $0.source) < ($1.fromSecond, $1.source) }
  }

  static func flat(_ name: String, _ series: [(t: Int, cores: Double)], kneeSecond: Int) -> SaturationNote? {
    let after = series.filter { $0.t >= kneeSecond }.map(\.cores)
    guard after.count >= 5 else { return nil }
    let level = median(after)
    guard level >= idleCores else { return nil }
    let inBand = { (cores: Double) in abs(cores - level) <= band * level }
    guard Double(after.filter(inBand).count) >= flatShare * Double(after.count) else { return nil }
    let all = series.map(\.cores).sorted()
    guard level >= 0.85 * all[Int(Double(all.count - 1) * 0.95)] else { return nil }
    let before = series.filter { $0.t < kneeSecond }.map(\.cores)
    if before.count >= 3, before.reduce(0, +) / Double(before.count) > 0.85 * level { return nil }
    // From the first second in the band after which the band holds `flatShare` of the rest.
    var remainingInBand = series.filter { inBand($0.cores) }.count
    for (index, point) in series.enumerated() {
      let remaining = series.count - index
      if inBand(point.cores), Double(remainingInBand) >= flatShare * Double(remaining) {
        return SaturationNote(source: name, cpuCores: level, fromSecond: point.t)
      }
      if inBand(point.cores) { remainingInBand -= 1 }
    }
    return nil
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }
}
