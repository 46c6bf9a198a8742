import Vocabulary

/// The saturation point of a closed-model run: the vuser level beyond which added vusers stop
/// adding throughput. Found by `KneeDetector`; stored in the run's events and summary.
public struct Knee: Sendable, Equatable, Codable {
  /// The knee's vusers: where the rising line through the origin meets the plateau.
  public var vusers: Int
  /// Throughput at the knee: the plateau's mean goodput (successful responses per second).
  public var tps: Double
  /// Mean response time at the knee, interpolated between the steps run on either side of it.
  public var mttMs: Double
  /// 0...1: how much the data supports the claim (see `KneeDetector`).
  public var confidence: Double
  /// The `t` of the last sample the claim used: live, the second at which it became claimable
  /// (`KneeTracker` keeps the second of its first claim).
  public var second: Int
  /// Open model: the offered rate (requests/s) beyond which achieved throughput stops following;
  /// `vusers` is then the concurrency there by Little's law (tps x response time). Nil in the
  /// closed model.
  public var rate: Double?

  public init(vusers: Int, tps: Double, mttMs: Double, confidence: Double, second: Int) {
    self.vusers = vusers
    self.tps = tps
    self.mttMs = mttMs
    self.confidence = confidence
    self.second = second
  }

  enum CodingKeys: String, CodingKey {
    case vusers, tps, mttMs = "mtt_ms", confidence, second, rate
  }

  /// Where the knee sits on its run's axis: "42 vusers", or "1950/s offered" in the open model.
  public var position: String {
    rate.map { "\(RateText.setting($0.rounded())) offered" } ?? "\(vusers) vusers"
  }
}

/// One point of the throughput-vs-vusers curve: the settled part of a ramp step (all runs of
/// seconds at that target level, merged), or a few consecutive seconds of a continuous ramp.
public struct KneeStep: Sendable, Equatable {
  /// Mean active vusers over the seconds used.
  public var vusers: Double
  /// The ramp level; for a ramp bin, the level of its last second.
  public var targetVusers: Int
  /// True for a bin of a continuous ramp (k6-style stages): no plateau, no settle time dropped.
  public var isRampBin: Bool
  /// Mean goodput: successful responses per second.
  public var tps: Double
  /// Mean completions per second, errors included (what Little's law counts).
  public var completedTps: Double
  /// Mean response time over every completion in these seconds.
  public var mttMs: Double
  /// How many seconds were averaged.
  public var seconds: Int
  /// `t` of the first and last second averaged.
  public var firstSecond: Int
  public var lastSecond: Int
  /// The completion-weighted mean of the per-second p99 over the seconds averaged.
  public var p99Ms: Double
  /// Errors over completions in the seconds averaged.
  public var errorRate: Double

  public init(
    vusers: Double, targetVusers: Int, isRampBin: Bool = false, tps: Double, completedTps: Double,
    mttMs: Double, seconds: Int, firstSecond: Int, lastSecond: Int, p99Ms: Double = 0, errorRate: Double = 0
  ) {
    self.p99Ms = p99Ms
    self.errorRate = errorRate
    self.vusers = vusers
    self.targetVusers = targetVusers
    self.isRampBin = isRampBin
    self.tps = tps
    self.completedTps = completedTps
    self.mttMs = mttMs
    self.seconds = seconds
    self.firstSecond = firstSecond
    self.lastSecond = lastSecond
  }
}
