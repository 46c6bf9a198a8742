import Foundation

/// The knee as a live screen shows it: `KneeDetector` is memoryless, and right at its significance
/// threshold a new second can tip a claim back for a moment; the tracker keeps a claim once made,
/// updates its figures with every later claim, and keeps the second it was first claimed.
public struct KneeTracker: Sendable {
  public var detector: KneeDetector
  public private(set) var knee: Knee?
  /// The verdict so far: `found` once a knee was claimed, else why there is none yet.
  public private(set) var judgement: KneeJudgement?

  public init(detector: KneeDetector = KneeDetector()) { self.detector = detector }

  /// Runs the detector on the whole series (once a second) and returns the knee to show.
  @discardableResult
  public mutating func update(_ samples: [SecondSample]) -> Knee? {
    let analysis = detector.analyze(samples)
    let isRate = samples.contains { $0.targetRate != nil }
    if var latest = analysis.knee {
      if let first = knee { latest.second = first.second }
      knee = latest
    }
    judgement =
      knee.map { KneeJudgement(verdict: .found, level: $0.rate ?? Double($0.vusers), isRate: isRate) }
      ?? detector.judge(analysis, isRate: isRate)
    return knee
  }
}

/// Why `KneeDetector` did or did not claim a knee, with the fitted values.
public struct KneeAnalysis: Sendable, Equatable {
  public enum Verdict: String, Sendable {
    /// No usable step: no whole, unpaused second with vusers.
    case noData = "no_data"
    /// Not yet enough steps on one side of the fitted knee.
    case tooFewSteps = "too_few_steps"
    /// The lowest steps are already near the plateau: saturated from the start.
    case noRise = "no_rise"
    /// Throughput still rises past the fitted knee: not saturated.
    case notFlat = "not_flat"
    /// The bend is within the noise so far.
    case notSignificant = "not_significant"
    case claimed
  }

  public var steps: [KneeStep]
  public var verdict = Verdict.noData
  /// N* = C / a from the fit, before any check.
  public var candidateVusers: Double?
  /// C: mean goodput of the steps right of the split.
  public var plateauTps: Double?
  /// a: goodput per vuser below the knee.
  public var slope: Double?
  /// Steps below the knee, the origin included.
  public var stepsBelow = 0
  public var stepsAbove = 0
  public var postKneeSlopeRatio: Double?
  /// Standard errors by which the throughput's slope drops at the knee.
  public var significance: Double?
  /// The post-knee slope ratio as Little's law derives it from the response time's growth above
  /// the knee: 1 - X x dR/dN (0 when R grows as a saturated target's must, 1 when it stays flat).
  public var responseSlopeRatio: Double?
  /// Standard errors by which the response time grows above the knee.
  public var responseSignificance: Double?
  public var knee: Knee?

  public init(steps: [KneeStep]) { self.steps = steps }
}
