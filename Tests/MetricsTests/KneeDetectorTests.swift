import Foundation
import SeededRandom
import Testing

@testable import Metrics

/// The brief's targets: 100 to 800 requests/s with a 20 ms service time, without and with 80 ms
/// of think time (N* from 2 to 80 vusers).
let closedTargets: [ClosedTarget] = [0, 0.080].flatMap { think in
  [100.0, 200, 400, 800].map { ClosedTarget(capacity: $0, think: think) }
}

/// Knee TPS within 10% of the capacity (times the success share), knee vusers within 15% of N*.
private func isAccurate(_ knee: Knee?, _ target: ClosedTarget, successShare: Double = 1) -> Bool {
  guard let knee else { return false }
  return abs(knee.tps / (target.capacity * successShare) - 1) <= 0.10
    && abs(Double(knee.vusers) / target.kneeVusers - 1) <= 0.15
}

// MARK: - Accuracy

@Suite(.timeLimit(.minutes(5))) struct KneeDetectorAccuracyTests {
  let detector = KneeDetector()

  @Test(arguments: closedTargets)
  func kneeMatchesCapacityAndLittlesLaw(target: ClosedTarget) {
    let knee = detector.detect(RampRun(target).samples())
    #expect(isAccurate(knee, target), "\(target): N* \(target.kneeVusers), got \(String(describing: knee))")
    #expect((knee?.confidence ?? 0) >= 0.7)
  }

  @Test(arguments: closedTargets)
  func fivePercentNoiseStillPasses(target: ClosedTarget) {
    var run = RampRun(target)
    run.noise = 0.05
    run.seed = 11
    let knee = detector.detect(run.samples())
    #expect(isAccurate(knee, target), "\(target): got \(String(describing: knee))")
  }

  @Test(arguments: closedTargets)
  func mttAtTheKneeIsTheServiceTime(target: ClosedTarget) throws {
    let knee = try #require(detector.detect(RampRun(target).samples()))
    #expect(abs(knee.mttMs / (target.service * 1000) - 1) <= 0.15, "\(target): \(knee.mttMs) ms")
  }

  @Test(arguments: closedTargets)
  func errorsBeforeSaturationDoNotMoveTheKnee(target: ClosedTarget) throws {
    var run = RampRun(target)
    let clean = try #require(detector.detect(run.samples()))
    run.errorShare = 0.05
    let withErrors = try #require(detector.detect(run.samples()))
    #expect(withErrors.vusers == clean.vusers)
    // The plateau is goodput: the 5% that failed are not capacity.
    #expect(abs(withErrors.tps / (clean.tps * 0.95) - 1) < 0.01)
    #expect(isAccurate(withErrors, target, successShare: 0.95))
  }

  @Test func stepsOfDifferentLengths() {
    for target in closedTargets {
      var run = RampRun(target)
      run.secondsPerStep = { [3, 7, 4, 12, 5, 9][$0 % 6] }
      #expect(isAccurate(detector.detect(run.samples()), target), "\(target)")
    }
  }

  @Test func aRoundedKneeIsFoundWhereTheAsymptotesMeet() {
    // Random service times round the corner: throughput approaches capacity gradually.
    for target in closedTargets {
      var run = RampRun(target)
      run.throughput = { n in
        let load = n / target.kneeVusers
        return target.capacity * load / pow(1 + pow(load, 6), 1.0 / 6)
      }
      #expect(isAccurate(detector.detect(run.samples()), target), "\(target)")
    }
  }

  @Test func aLargeRampStepInterpolatesBetweenLevels() throws {
    // 8,000 requests/s at 50 ms: N* = 400, ramped by 100 every 10 s from 100 to 1,000.
    let target = ClosedTarget(capacity: 8_000, service: 0.050)
    var run = RampRun(target, levels: Array(stride(from: 100, through: 1_000, by: 100)))
    run.secondsPerStep = { _ in 10 }
    let knee = try #require(detector.detect(run.samples()))
    #expect(isAccurate(knee, target))
  }
}

// MARK: - Live

@Suite(.timeLimit(.minutes(5))) struct KneeDetectorLiveTests {
  let detector = KneeDetector()

  /// Feeds the run second by second. The knee must not be claimed before the ramp has passed the
  /// crossing step (the fitted N* may land half a vuser either side of it), must be claimed by
  /// the end of the second step past the crossing, and once claimed the tracker holds it within
  /// the tolerance. A 1-vuser step moves throughput by 1/N*, so for a claim within two steps each
  /// plateau's mean must be steadier than that: the per-second noise shrinks as N* grows (3% up to
  /// N* = 20, 2% at 40, 1% at 80), with 10-second steps.
  @Test(arguments: closedTargets)
  func claimedWithinTwoStepsOfTheCrossingAndKept(target: ClosedTarget) throws {
    let crossing = Int(target.kneeVusers.rounded(.up))
    for seed: UInt64 in 1...3 {
      var run = RampRun(target, levels: Array(max(1, crossing / 4)...(crossing + 12)))
      run.secondsPerStep = { _ in 10 }
      run.noise = min(0.03, 0.8 / target.kneeVusers)
      run.seed = seed
      let samples = run.samples()
      let crossingEnd = try #require(run.lastSecond(ofLevel: crossing))
      let latest = try #require(run.lastSecond(ofLevel: crossing + 2))
      var tracker = KneeTracker()
      var first: Knee?
      var gaps = 0
      for end in 1...samples.count {
        let t = samples[end - 1].t
        let raw = tracker.detector.detect(Array(samples[..<end]))
        let shown = tracker.update(Array(samples[..<end]))
        if first == nil, let shown {
          first = shown
          #expect(t > crossingEnd, "\(target) seed \(seed): claimed at t=\(t), before the crossing ended")
          #expect(shown.second == t)
        }
        guard let claimed = first else { continue }
        if raw == nil { gaps += 1 }
        #expect(isAccurate(shown, target), "\(target) seed \(seed): at t=\(t) \(String(describing: shown))")
        #expect(shown?.second == claimed.second)
      }
      let claimed = try #require(first, "\(target) seed \(seed): never claimed")
      #expect(
        claimed.second <= latest, "\(target) seed \(seed): claimed at \(claimed.second), latest \(latest)")
      // The detector itself may waver for a few seconds at the threshold, not for long.
      #expect(gaps <= 10, "\(target) seed \(seed): \(gaps) seconds without a claim after the first")
    }
  }

  @Test func aRunThatNeverSaturatesIsNeverClaimed() {
    // 5,000 requests/s capacity, ramped to 40 vusers at 20 ms: 2,000 requests/s at most.
    var run = RampRun(ClosedTarget(capacity: 5_000), levels: Array(1...40))
    run.noise = 0.05
    for seed: UInt64 in 1...5 {
      run.seed = seed
      let samples = run.samples()
      for end in stride(from: 1, through: samples.count, by: 1) {
        #expect(detector.detect(Array(samples[..<end])) == nil, "seed \(seed), second \(end - 1)")
      }
      #expect(detector.analyze(samples).verdict != .claimed)
    }
  }
}

// MARK: - No knee

@Suite(.timeLimit(.minutes(5))) struct KneeDetectorRefusalTests {
  let detector = KneeDetector()

  @Test func emptyAndSingleStep() {
    #expect(detector.detect([]) == nil)
    #expect(detector.analyze([]).verdict == .noData)
    let run = RampRun(ClosedTarget(capacity: 200), levels: [3])
    #expect(detector.detect(run.samples()) == nil)
    #expect(detector.analyze(run.samples()).verdict == .tooFewSteps)
  }

  @Test func aFlatSeriesSaturatedFromTheFirstStep() {
    // N* = 4; the ramp starts at 10.
    var run = RampRun(ClosedTarget(capacity: 200), levels: Array(10...40))
    for seed: UInt64 in 1...5 {
      run.seed = seed
      run.noise = 0.05
      let samples = run.samples()
      for end in 1...samples.count {
        #expect(detector.detect(Array(samples[..<end])) == nil, "seed \(seed), second \(end - 1)")
      }
    }
  }

  @Test func onlyOneStepAboveIsNotEnough() throws {
    let target = ClosedTarget(capacity: 400)
    let run = RampRun(target, levels: Array(1...9))
    #expect(detector.detect(run.samples()) == nil)
    #expect(detector.analyze(run.samples()).verdict == .tooFewSteps)
    let longer = RampRun(target, levels: Array(1...10))
    #expect(isAccurate(detector.detect(longer.samples()), target))
  }

  @Test func theMinimumsAreHonoured() {
    let target = ClosedTarget(capacity: 400)
    let run = RampRun(target, levels: Array(1...12))
    #expect(KneeDetector(minimumStepsAbove: 5).detect(run.samples()) == nil)
    #expect(KneeDetector(minimumStepsAbove: 4).detect(run.samples()) != nil)
    // 8 vusers at the knee: 7 measured steps and the origin below it.
    #expect(KneeDetector(minimumStepsBelow: 10).detect(run.samples()) == nil)
    #expect(KneeDetector(minimumStepsBelow: 9).detect(run.samples()) != nil)
  }
}

// MARK: - What the steps are made of

@Suite(.timeLimit(.minutes(5))) struct KneeStepTests {
  let detector = KneeDetector()

  @Test func aStepDropsItsSettleTimeAndAveragesTheRest() throws {
    // Six seconds at 4 vusers: the first two (a third) settle, the last four count.
    let rows = [400.0, 600, 100, 110, 90, 100].enumerated().map { second, goodput in
      closedRow(t: second, vusers: 4, goodput: goodput, mttMs: second < 2 ? 90 : 40)
    }
    let step = try #require(detector.steps(rows).first)
    #expect(step.seconds == 4)
    #expect(step.vusers == 4)
    #expect(step.targetVusers == 4)
    #expect(step.tps == 100)
    #expect(step.mttMs == 40)
    #expect(step.firstSecond == 2)
    #expect(step.lastSecond == 5)
    #expect(!step.isRampBin)
  }

  @Test func goodputExcludesErrorsAndMttWeighsEveryCompletion() throws {
    let rows = [
      closedRow(t: 0, vusers: 2, goodput: 0, mttMs: 0),
      closedRow(t: 1, vusers: 2, goodput: 90, errors: 10, mttMs: 10),
      closedRow(t: 2, vusers: 2, goodput: 190, errors: 10, mttMs: 40),
    ]
    let step = try #require(detector.steps(rows).first)
    #expect(step.tps == 140)
    #expect(step.completedTps == 150)
    let expectedMtt: Double = (100 * 10 + 200 * 40) / 300
    #expect(step.mttMs == expectedMtt)
  }

  @Test func pausedAndPartialSecondsAreIgnored() throws {
    let target = ClosedTarget(capacity: 400, think: 0.080)
    var run = RampRun(target)
    run.secondsPerStep = { _ in 8 }
    let steps = run.stepRows()
    // Pause in the middle of every third step for 4 s (nothing completes), resume, and end each
    // fifth step with a short second full of fast errors.
    var rows: [SecondSample] = []
    for (index, step) in steps.enumerated() {
      let level = step[0].targetVusers
      for (second, sample) in step.enumerated() {
        if index % 3 == 1, second == 4 {
          for _ in 0..<4 { rows.append(closedRow(t: 0, vusers: level, goodput: 0, mttMs: 0, paused: true)) }
        }
        rows.append(sample)
      }
      if index % 5 == 2 {
        rows.append(closedRow(t: 0, vusers: level, goodput: 1, errors: 900, mttMs: 1, duration: 0.4))
      }
    }
    for i in rows.indices { rows[i].t = i }
    let plain = try #require(detector.detect(run.samples()))
    let interrupted = try #require(detector.detect(rows))
    #expect(interrupted.vusers == plain.vusers)
    #expect(abs(interrupted.tps / plain.tps - 1) < 0.01)
    #expect(isAccurate(interrupted, target))
    // A paused step is one step: its two plateaus merge.
    #expect(detector.steps(rows).count == run.levels.count)
  }

  @Test func aFinalPartialSecondIsIgnored() {
    let run = RampRun(ClosedTarget(capacity: 200))
    var rows = run.samples()
    let whole = detector.detect(rows)
    let last = rows[rows.count - 1]
    rows.append(closedRow(t: last.t + 1, vusers: last.vusers, goodput: 5_000, mttMs: 1, duration: 0.2))
    #expect(whole != nil)
    #expect(detector.detect(rows) == whole)
    #expect(detector.steps(rows) == detector.steps(Array(rows.dropLast())))
  }

  /// k6-style stages move the target every second: no step has a plateau. Consecutive seconds
  /// are binned into 3-second points (vusers averaged over each second's start and end), which
  /// lie on the same curve, so the knee is still found once three bins lie below it (N* >= 8 at
  /// a vuser a second).
  @Test(arguments: closedTargets.filter { $0.kneeVusers >= 8 })
  func aContinuousRampIsBinned(target: ClosedTarget) throws {
    var rng = SplitMix64(seed: 3)
    let top = Int(target.kneeVusers * 3) + 6
    // Up by about a vuser a second for small knees, faster for large ones; then hold a while.
    let rate = max(1, target.kneeVusers / 20)
    var rows: [SecondSample] = []
    var t = 0
    while rows.last?.vusers ?? 0 < top {
      let level = min(top, Int((Double(t + 1) * rate).rounded()))
      let n = Double(level) - rate / 2
      rows.append(
        closedRow(
          t: t, vusers: level, goodput: target.throughput(n) * (1 + 0.03 * rng.normal()),
          mttMs: target.responseTime(n) * 1000 * (1 + 0.03 * rng.normal())))
      t += 1
    }
    let steps = detector.steps(rows)
    #expect(steps.allSatisfy { $0.isRampBin })
    #expect(steps.count == rows.count / 3)
    let knee = try #require(detector.detect(rows), "\(target)")
    #expect(isAccurate(knee, target), "\(target): \(knee)")
  }

  @Test func aLongRunIsAnalysedInOnePass() throws {
    // An hour of 10-second steps: called once a second by the screen, so it must stay linear.
    let target = ClosedTarget(capacity: 800, think: 0.080)
    var run = RampRun(target, levels: Array(1...360))
    run.secondsPerStep = { _ in 10 }
    let samples = run.samples()
    #expect(samples.count == 3_600)
    let knee = try #require(detector.detect(samples))
    #expect(isAccurate(knee, target))
    #expect(knee.second == 3_599)
  }
}

// MARK: - Confidence and encoding

@Suite(.timeLimit(.minutes(5))) struct KneeConfidenceTests {
  let detector = KneeDetector()

  @Test func moreStepsAboveRaiseConfidence() throws {
    let target = ClosedTarget(capacity: 200, think: 0.080)
    let early = try #require(detector.detect(RampRun(target, levels: Array(4...22)).samples()))
    let late = try #require(detector.detect(RampRun(target, levels: Array(4...40)).samples()))
    #expect(early.confidence < late.confidence)
    #expect(late.confidence > 0.8)
  }

  @Test func aPlateauWithoutSlowerResponsesIsLessCertain() throws {
    // The load generator, not the target, runs out: throughput flattens but response times stay
    // at the service time, so Little's law puts the missing time outside the target.
    let target = ClosedTarget(capacity: 400, think: 0.080)
    let server = try #require(detector.detect(RampRun(target).samples()))
    var run = RampRun(target)
    run.responseTime = { _ in target.service }
    let client = try #require(detector.detect(run.samples()))
    #expect(client.vusers == server.vusers)
    #expect(client.confidence < server.confidence)
  }

  @Test func kneeEncodesWithSnakeCaseKeys() throws {
    let knee = Knee(vusers: 40, tps: 398.5, mttMs: 20.25, confidence: 0.9, second: 321)
    let data = try JSONEncoder().encode(knee)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(object.keys) == ["vusers", "tps", "mtt_ms", "confidence", "second"])
    #expect(try JSONDecoder().decode(Knee.self, from: data) == knee)
  }
}
