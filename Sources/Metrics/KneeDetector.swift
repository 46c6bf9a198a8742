import Foundation

/// Finds the knee of a closed-model ramp: the vuser level where added vusers stop adding
/// throughput. Pure and deterministic; `detect` runs on the whole series once a second, in time
/// linear in the series (plus a sort of the steps).
///
/// Method:
/// 1. Steps. Whole (`duration >= 0.999`), unpaused, consecutive seconds with the same
///    `targetVusers` form a run. Each run drops its first `max(settleSeconds, settleFraction x
///    length)` seconds (rounded up) so queues reach steady state; what is left is its plateau.
///    The run still going at the end of the series settles like the run before it, so a live
///    step's plateau only grows. Plateaus at the same level (a step split by a pause, a level
///    visited twice) merge into one step. A step's point is its mean active vusers N, mean goodput
///    X (ok per second: fast 5xx must not pass for capacity), mean completions per second and
///    mean response time R. Runs too short to keep a plateau second (k6-style stages, where the
///    target moves every second) are binned instead: consecutive seconds make
///    `rampBinSeconds`-second points, N being the mean of each second's start and end vusers.
/// 2. Fit. Throughput against vusers follows X = min(a x N, C) in a closed system. Over the
///    steps sorted by N, every split point is tried: a is the least-squares line through the
///    origin of the steps left of it, C the mean of the steps right of it (both weighted by
///    relative error: plateau seconds / X^2); the split with the least squared error wins. The
///    knee is N* = C / a, reported as the nearest integer (interpolated, not snapped to a level
///    that was run, so a ramp with large steps still gets a knee between levels); its TPS is C;
///    its MTT is R interpolated at N*.
/// 3. Claim. Steps with N below `knee + 0.5` are below it, the others above. A knee is claimed
///    only when all of these hold:
///    - at least `minimumStepsBelow` steps below, counting the origin (no vusers, no throughput:
///      every closed system passes through it and the line is fitted through it), so at least
///      `minimumStepsBelow - 1` measured ones; and at least `minimumStepsAbove` steps above;
///    - the rise was seen: the lowest step below reached at most `1 - minimumRise` of C (a series
///      saturated from its first step has nothing below and no knee);
///    - it saturated, beyond noise, seen either in the throughput or in the response time:
///      - throughput: the post-knee slope (least squares of X - C against N - N* over the steps
///        above, through the knee) is at most `maximumPostKneeSlopeRatio` of a, and a minus it is
///        at least `minimumSignificance` standard errors;
///      - response time, by Little's law N = X (R + Z): past the knee R must grow by 1 / X per
///        added vuser (below it R stays at its base), so 1 - X dR/dN is the same slope ratio; it
///        must be at most `maximumPostKneeSlopeRatio` with R's growth at least
///        `minimumSignificance` standard errors, and the throughput must not clearly contradict
///        it (its ratio less two standard errors within the maximum). With think time R is the
///        sharper sensor: Z dilutes the bend in X but not in R.
///    The noise is measured, not assumed: the scatter of the plateau seconds, pooled over all
///    steps (relative to each step's level), scaled up when the steps scatter around the fit (or
///    R around its base) more than that predicts.
/// 4. Confidence (0...1) multiplies: support (steps on each side beyond the minimum), evidence
///    (significance beyond the threshold), flatness (1 - slope ratio), the fit's residuals, and
///    Little's law: the share of the predicted growth of R that shows above the knee. None means
///    the time went elsewhere (the load generator, fast errors) and costs confidence, not the
///    claim. Think time Z is never needed: the line goes through the origin whatever Z is, and R
///    is used only through its growth.
///
/// `detect` is memoryless: right at the threshold a new second can tip a claim back for a moment.
/// `KneeTracker` holds a claim once made, for the screen.
///
/// The open model (`onRateAxis`): the same fit with the offered rate in place of the vusers.
///
/// Limits: errors at a
/// fixed share before saturation lower the plateau to the goodput but do not move the knee; the
/// knee found is the measured one, N* = C x (R + Z) with R as measured at low load, so client or
/// network overhead on top of the service time moves it up; a noisy target needs longer steps (a
/// 1-vuser step near 80 vusers moves throughput by about 1%, so a claim two steps past the
/// crossing needs plateau means steadier than that); throughput that keeps rising past the knee
/// at more than a quarter of the initial slope is no knee.
public struct KneeDetector: Sendable {
  /// Seconds dropped at least at the start of every run at a new level.
  public var settleSeconds: Double
  /// Share of a run dropped at its start, when more than `settleSeconds`.
  public var settleFraction: Double
  public var minimumStepsBelow: Int
  public var minimumStepsAbove: Int
  /// Past the knee, throughput may still rise by at most this share of the slope below it.
  public var maximumPostKneeSlopeRatio: Double
  /// Standard errors by which the slope must drop at the knee.
  public var minimumSignificance: Double
  /// Share of the plateau the lowest step below the knee must stay under.
  public var minimumRise: Double
  /// Seconds per point of a continuous ramp.
  public var rampBinSeconds: Int

  public init(
    settleSeconds: Double = 1, settleFraction: Double = 1.0 / 3, minimumStepsBelow: Int = 3,
    minimumStepsAbove: Int = 2, maximumPostKneeSlopeRatio: Double = 0.25, minimumSignificance: Double = 4,
    minimumRise: Double = 0.2, rampBinSeconds: Int = 3
  ) {
    self.settleSeconds = settleSeconds
    self.settleFraction = settleFraction
    self.minimumStepsBelow = minimumStepsBelow
    self.minimumStepsAbove = minimumStepsAbove
    self.maximumPostKneeSlopeRatio = maximumPostKneeSlopeRatio
    self.minimumSignificance = minimumSignificance
    self.minimumRise = minimumRise
    self.rampBinSeconds = max(1, rampBinSeconds)
  }

  /// The knee the series supports now, or nil while it does not (yet).
  public func detect(_ samples: [SecondSample]) -> Knee? { analyze(samples).knee }

  /// The points the fit uses, sorted by vusers.
  public func steps(_ samples: [SecondSample]) -> [KneeStep] { accumulate(samples).map(\.step) }

  /// The fit and the reason for its verdict, for tests and for a screen that says why there is no
  /// knee yet.
  public func analyze(_ samples: [SecondSample]) -> KneeAnalysis {
    var analysis = analyzeSteps(samples)
    if Self.onRateAxis(samples) != nil, var knee = analysis.knee {
      knee.rate = Double(knee.vusers)
      knee.vusers = Int((knee.tps * knee.mttMs / 1000).rounded(.up))
      analysis.knee = knee
    }
    return analysis
  }

  /// An open-model series on the closed model's axes: each second's level is the rate asked for
  /// and its "vusers" the rate it offered, so the same fit, X = min(a x rate, C), finds where
  /// achieved throughput stops following the offered rate (a is about 1 below it). Nil for a
  /// closed-model series.
  static func onRateAxis(_ samples: [SecondSample]) -> [SecondSample]? {
    guard samples.contains(where: { $0.targetRate != nil }) else { return nil }
    return samples.map { sample in
      var placed = sample
      placed.targetVusers = Int((sample.targetRate ?? 0).rounded())
      placed.vusers = Int((sample.offeredRate ?? 0).rounded())
      return placed
    }
  }

  private func analyzeSteps(_ samples: [SecondSample]) -> KneeAnalysis {
    let points = accumulate(samples)
    var analysis = KneeAnalysis(steps: points.map(\.step))
    guard !points.isEmpty else { return analysis }
    analysis.verdict = .tooFewSteps
    guard points.count >= 2, let fit = SegmentFit(points) else { return analysis }
    evaluate(fit, points, into: &analysis)
    return analysis
  }

  // MARK: - Steps

  static func isUsable(_ sample: SecondSample) -> Bool { sample.isWhole && !sample.paused }

  /// Seconds dropped at the start of a run of `length` seconds.
  func settleCount(_ length: Int) -> Int {
    let settle = max(settleSeconds, Double(length) * settleFraction)
    return max(0, Int((settle - 1e-9).rounded(.up)))
  }

  /// The points of a series, on the rate axis for an open-model one.
  func accumulate(_ samples: [SecondSample]) -> [StepAccumulator] {
    guard let alongRate = Self.onRateAxis(samples) else { return accumulate(samples, vusersAreMeans: false) }
    return accumulate(alongRate, vusersAreMeans: true)
  }

  /// One pass over the series: plateaus merged by level, short runs binned; sorted by vusers.
  /// `vusersAreMeans`: each second's `vusers` is already its mean (the offered rate), not a gauge
  /// read at its end.
  private func accumulate(_ samples: [SecondSample], vusersAreMeans: Bool) -> [StepAccumulator] {
    var byLevel: [Int: StepAccumulator] = [:]
    var bins: [StepAccumulator] = []
    var bin = StepAccumulator()
    var lastShortSecond: Int?
    var previousLength = 0
    var start = 0
    while start < samples.count {
      guard Self.isUsable(samples[start]) else {
        start += 1
        continue
      }
      let level = samples[start].targetVusers
      var end = start
      while end + 1 < samples.count, Self.isUsable(samples[end + 1]), samples[end + 1].targetVusers == level,
        samples[end + 1].t == samples[end].t + 1
      {
        end += 1
      }
      let length = end - start + 1
      let settle = settleCount(length)
      if settle < length {
        // The run still going at the end of the series settles like the one before it: its
        // plateau then only grows second by second instead of dropping seconds it showed before.
        let live = end == samples.count - 1 ? settleCount(max(length, previousLength)) : settle
        if live < length {
          for i in (start + live)...end {
            byLevel[level, default: StepAccumulator()].add(samples[i], vusers: Double(samples[i].vusers))
          }
        }
        lastShortSecond = nil
        bin = StepAccumulator()
      } else {
        // Too short for a plateau: a continuous ramp. A bin only spans seconds that follow each
        // other; anything else starts a new one.
        if lastShortSecond.map({ $0 + 1 != samples[start].t }) ?? true { bin = StepAccumulator() }
        for i in start...end {
          let vusers = vusersAreMeans ? Double(samples[i].vusers) : Self.meanVusers(samples, i)
          bin.add(samples[i], vusers: vusers, rampBin: true)
          if bin.seconds >= rampBinSeconds {
            bins.append(bin)
            bin = StepAccumulator()
          }
        }
        lastShortSecond = samples[end].t
      }
      previousLength = length
      start = end + 1
    }
    return (Array(byLevel.values) + bins)
      .filter { $0.meanVusers >= 0.5 }
      .sorted { ($0.meanVusers, $0.firstSecond) < ($1.meanVusers, $1.firstSecond) }
  }

  /// The vusers gauge is read at the end of a second; in a continuous ramp the second's mean is
  /// nearer the middle of its start and end.
  static func meanVusers(_ samples: [SecondSample], _ i: Int) -> Double {
    let now = Double(samples[i].vusers)
    guard i > 0, samples[i - 1].t + 1 == samples[i].t else { return now }
    return (Double(samples[i - 1].vusers) + now) / 2
  }

  // MARK: - Claim

  private func evaluate(_ fit: SegmentFit, _ points: [StepAccumulator], into analysis: inout KneeAnalysis) {
    let kneeVusers = fit.kneeVusers
    let knee = Int(kneeVusers.rounded())
    let boundary = Double(knee) + 0.5
    let below = points.indices.filter { points[$0].meanVusers < boundary }
    let above = points.indices.filter { points[$0].meanVusers >= boundary }
    analysis.candidateVusers = kneeVusers
    analysis.plateauTps = fit.plateau
    analysis.slope = fit.slope
    analysis.stepsBelow = below.count + 1
    analysis.stepsAbove = above.count

    guard knee >= 1, below.count >= max(1, minimumStepsBelow - 1), above.count >= minimumStepsAbove else {
      return
    }
    analysis.verdict = .noRise
    guard points[below[0]].meanGoodput <= (1 - minimumRise) * fit.plateau else { return }

    let noise = NoiseModel(points, fit)
    let post = fit.postKneeSlope(above.map { points[$0] }, noise: noise)
    let ratio = post.slope / fit.slope
    let dropError = (fit.slopeVariance(noise) + post.variance).squareRoot()
    let significance = (fit.slope - post.slope) / dropError
    analysis.postKneeSlopeRatio = ratio
    analysis.significance = significance
    let response = ResponseGrowth(points, below: below, above: above, kneeVusers: kneeVusers)
    analysis.responseSlopeRatio = response?.ratio
    analysis.responseSignificance = response?.significance

    let maximum = maximumPostKneeSlopeRatio
    let byThroughput = ratio <= maximum && significance >= minimumSignificance
    // Little's law measures the same bend through the response time, often more precisely (think
    // time dilutes it in the throughput); the throughput must then not clearly contradict it.
    let responseShows = response.map { $0.ratio <= maximum && $0.significance >= minimumSignificance }
    let byResponse = (responseShows ?? false) && ratio - 2 * dropError / fit.slope <= maximum
    guard byThroughput || byResponse else {
      analysis.verdict =
        ratio > maximum && (response?.ratio ?? .infinity) > maximum ? .notFlat : .notSignificant
      return
    }

    analysis.verdict = .claimed
    let strongest = max(byThroughput ? significance : 0, byResponse ? response?.significance ?? 0 : 0)
    let flatness = 1 - min(1, abs(byThroughput ? ratio : response?.ratio ?? ratio))
    // Above a target's knee Little's law says R grows by 1 / X per added vuser: the share of that
    // growth seen in the response times. None means the time went elsewhere (the load generator,
    // fast errors); no response times at all leaves it undecided.
    let agreement = response.map { 0.7 + 0.3 * min(1, max(0, 1 - $0.ratio)) } ?? 0.85
    let confidence =
      support(below: below.count + 1, above: above.count) * evidence(strongest) * flatness
      * fitQuality(points, fit) * agreement
    analysis.knee = Knee(
      vusers: knee, tps: fit.plateau, mttMs: Self.interpolatedMtt(points, at: kneeVusers),
      confidence: min(1, max(0, confidence)), second: points.map(\.lastSecond).max() ?? 0)
  }

  /// 0.6 at the minimum number of steps on each side, 1 with twice as many.
  private func support(below: Int, above: Int) -> Double {
    let extraBelow = Double(below - minimumStepsBelow) / Double(max(1, minimumStepsBelow))
    let extraAbove = Double(above - minimumStepsAbove) / Double(max(1, minimumStepsAbove))
    return 0.6 + 0.4 * min(1, (min(1, extraBelow) + min(1, extraAbove)) / 2)
  }

  /// 0.6 at the significance threshold, 1 at twice it.
  private func evidence(_ significance: Double) -> Double {
    let threshold = max(minimumSignificance, 1)
    return 0.6 + 0.4 * min(1, max(0, (significance - threshold) / threshold))
  }

  /// 1 for a perfect fit, 0.5 when steps miss the model by 10% (RMS of relative residuals).
  private func fitQuality(_ points: [StepAccumulator], _ fit: SegmentFit) -> Double {
    var sum = 0.0
    for point in points {
      let model = max(fit.model(point.meanVusers), fit.floor)
      sum += pow((point.meanGoodput - model) / model, 2)
    }
    let rms = (sum / Double(points.count)).squareRoot()
    return 1 / (1 + pow(rms / 0.1, 2))
  }

  /// Mean response time at `vusers`, linear between the steps run on either side.
  static func interpolatedMtt(_ points: [StepAccumulator], at vusers: Double) -> Double {
    guard let upper = points.firstIndex(where: { $0.meanVusers >= vusers }) else {
      return points.last?.meanMttMs ?? 0
    }
    guard upper > 0 else { return points[0].meanMttMs }
    let lo = points[upper - 1]
    let hi = points[upper]
    let span = hi.meanVusers - lo.meanVusers
    guard span > 0 else { return hi.meanMttMs }
    let f = (vusers - lo.meanVusers) / span
    return lo.meanMttMs + (hi.meanMttMs - lo.meanMttMs) * f
  }
}
