import Foundation
import Vocabulary

/// The knee question always answered: a knee found, or why there is none. A ramp that starts past
/// the knee, one that stops below it and one too short to tell each need a different next run
/// (start lower, ramp higher, ramp longer), so "no knee" alone sends the user guessing.
public struct KneeJudgement: Sendable, Equatable, Codable {
  public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// The detector claimed a knee.
    case found
    /// The first steps already hold the plateau: the knee lies at or below the lowest level.
    case saturatedFromStart = "saturated_from_start"
    /// Throughput still scales at the top of the ramp: no knee up to its highest level.
    case notReached = "not_reached"
    /// Too few steps, too narrow a range or too noisy a bend to tell either way.
    case tooShort = "too_short"
  }

  public var verdict: Verdict
  /// The level the sentence names: the knee, the bound it lies under, or the highest level run
  /// (vusers; requests per second offered in the open model). Nil when there is none.
  public var level: Double?
  /// True when `level` is an offered rate (the open model).
  public var isRate: Bool
  /// For people: "saturated from the start: the knee is at or below 9 vusers; start lower".
  public var sentence: String

  public init(verdict: Verdict, level: Double?, isRate: Bool) {
    self.verdict = verdict
    self.level = level
    self.isRate = isRate
    let at = level.map {
      isRate ? RateText.setting($0.rounded()) + " offered" : "\(Int($0.rounded())) vusers"
    }
    switch verdict {
    case .found: sentence = "knee found at \(at ?? "?")"
    case .saturatedFromStart:
      sentence = "saturated from the start: the knee is at or below \(at ?? "the first step"); start lower"
    case .notReached: sentence = "no knee up to \(at ?? "the top"): still scaling; ramp higher"
    case .tooShort: sentence = "too few steps to tell; ramp longer or in more steps"
    }
  }

  /// Short words for the stats panel: "saturated from start", "not reached", "too short".
  public var label: String {
    switch verdict {
    case .found: "found"
    case .saturatedFromStart: "saturated from start"
    case .notReached: "not reached"
    case .tooShort: "too short to tell"
    }
  }
}

extension KneeDetector {
  /// The verdict on the series so far. A claimed knee is `found`. Otherwise the steps' throughput
  /// against their level says which way the ramp missed it, by its elasticity (the share of a
  /// proportional rise the throughput shows: 1 while a closed system scales, 0 on its plateau):
  /// - `saturatedFromStart`: over a range of at least 1.5x in level, the lowest step is already
  ///   within `minimumRise` of the top steps' throughput, or the elasticity across the whole ramp
  ///   is at most `maximumPostKneeSlopeRatio` (flat from the first step). The line through the
  ///   origin and the lowest step bounds the knee: N* = C / a <= C x N_low / X_low.
  /// - `notReached`: the top half of the steps (at least three) still rises with an elasticity of
  ///   at least 1 - `maximumPostKneeSlopeRatio`, or the detector found the plateau not flat.
  /// - `tooShort`: fewer than three steps, a range under 1.5x, or a bend within the noise.
  public func judge(_ samples: [SecondSample]) -> KneeJudgement {
    judge(analyze(samples), isRate: samples.contains { $0.targetRate != nil })
  }

  /// The verdict from an analysis already made (the live tracker analyses once a second).
  func judge(_ analysis: KneeAnalysis, isRate: Bool) -> KneeJudgement {
    if let knee = analysis.knee {
      return KneeJudgement(verdict: .found, level: knee.rate ?? Double(knee.vusers), isRate: isRate)
    }
    let steps = analysis.steps.filter { $0.vusers > 0 }.sorted { $0.vusers < $1.vusers }
    guard steps.count >= 3, let low = steps.first, let high = steps.last, high.vusers >= 1.5 * low.vusers
    else { return KneeJudgement(verdict: .tooShort, level: nil, isRate: isRate) }
    let top = Array(steps.suffix(max(2, steps.count / 3)))
    let topTps = top.map(\.tps).reduce(0, +) / Double(top.count)
    let topVusers = top.map(\.vusers).reduce(0, +) / Double(top.count)
    let highest = Double(steps.map(\.targetVusers).max() ?? 0)
    if low.tps > 0, topTps > 0 {
      let elasticity = log(topTps / low.tps) / log(topVusers / low.vusers)
      if low.tps >= (1 - minimumRise) * topTps || elasticity <= maximumPostKneeSlopeRatio {
        let bound = max(Double(low.targetVusers), (low.vusers * topTps / low.tps).rounded(.up))
        return KneeJudgement(verdict: .saturatedFromStart, level: bound, isRate: isRate)
      }
    }
    let upper = Array(steps.suffix(max(3, steps.count / 2)))
    if analysis.verdict == .notFlat || (Self.elasticity(upper) ?? 0) >= 1 - maximumPostKneeSlopeRatio {
      return KneeJudgement(verdict: .notReached, level: highest, isRate: isRate)
    }
    return KneeJudgement(verdict: .tooShort, level: nil, isRate: isRate)
  }

  /// The least-squares slope of throughput against level over `steps`, as a share of the
  /// proportional rise at their mean (slope x mean level / mean throughput); nil without spread.
  static func elasticity(_ steps: [KneeStep]) -> Double? {
    let n = Double(steps.count)
    let meanN = steps.map(\.vusers).reduce(0, +) / n
    let meanX = steps.map(\.tps).reduce(0, +) / n
    let spread = steps.map { ($0.vusers - meanN) * ($0.vusers - meanN) }.reduce(0, +)
    guard spread > 0, meanX > 0 else { return nil }
    let slope = steps.map { ($0.vusers - meanN) * ($0.tps - meanX) }.reduce(0, +) / spread
    return slope * meanN / meanX
  }
}
