import Foundation
import Testing

@testable import Metrics

/// Every run gets a knee verdict: found, saturated from the start, not reached, or too short, on
/// recorded series of closed targets whose knee is known (N* = C x S), live (every prefix) and
/// at the end.
@Suite(.timeLimit(.minutes(2))) struct KneeVerdictTests {
  let detector = KneeDetector()

  /// The verdict of every prefix of `samples` from its first second on, and of the whole.
  func verdicts(_ samples: [SecondSample]) -> Set<KneeJudgement.Verdict> {
    Set((1...samples.count).map { detector.judge(Array(samples[..<$0])).verdict })
  }

  @Test func aClaimedKneeIsFoundAtItsLevel() throws {
    let target = ClosedTarget(capacity: 400)
    let judgement = detector.judge(RampRun(target).samples())
    #expect(judgement.verdict == .found)
    let level = try #require(judgement.level)
    #expect(abs(level / target.kneeVusers - 1) <= 0.15, "\(level)")
    #expect(judgement.sentence == "knee found at \(Int(level)) vusers")
  }

  @Test func aRampStartingAboveTheKneeIsSaturatedFromTheStart() throws {
    // The seed run: FastAPI saturated from the first step, 9 -> 99 vusers in steps of 10, flat at
    // ~175/s (N* = 175 x 20 ms = 3.5 vusers).
    var run = RampRun(ClosedTarget(capacity: 175), levels: Array(stride(from: 9, through: 99, by: 10)))
    run.noise = 0.05
    for seed: UInt64 in 1...5 {
      run.seed = seed
      let judgement = detector.judge(run.samples())
      #expect(judgement.verdict == .saturatedFromStart, "seed \(seed)")
      // The bound is the lowest level scaled by how far below the plateau it was: 9 here, give
      // or take the noise.
      let level = try #require(judgement.level)
      #expect((9...11).contains(Int(level)), "seed \(seed): \(level)")
      #expect(
        judgement.sentence
          == "saturated from the start: the knee is at or below \(Int(level)) vusers; start lower")
      // Never a knee, never "not reached", at any second.
      #expect(verdicts(run.samples()).isSubset(of: [.tooShort, .saturatedFromStart]), "seed \(seed)")
    }
  }

  @Test func aKneeJustAboveTheFirstStepIsBoundedByTheLineThroughIt() throws {
    // N* = 225 x 20 ms = 4.5 vusers; the ramp starts at 4, which serves 200/s of the 225: too
    // few steps below for a claim, and the line through the origin and the first step meets the
    // plateau at 4 x 225 / 200 = 4.5.
    let run = RampRun(ClosedTarget(capacity: 225), levels: Array(4...40))
    let judgement = detector.judge(run.samples())
    #expect(judgement.verdict == .saturatedFromStart)
    #expect((5...6).contains(Int(try #require(judgement.level))), "\(judgement)")
  }

  @Test func aRampEndingBelowTheKneeIsNotReached() throws {
    // 5,000/s capacity (N* = 100) ramped to 40, and 400/s (N* = 8) ramped to 6.
    for (capacity, top) in [(5_000.0, 40), (400, 6)] {
      var run = RampRun(ClosedTarget(capacity: capacity), levels: Array(1...top))
      run.noise = 0.05
      for seed: UInt64 in 1...5 {
        run.seed = seed
        let judgement = detector.judge(run.samples())
        #expect(judgement.verdict == .notReached, "C=\(capacity) seed \(seed)")
        #expect(judgement.level == Double(top))
        #expect(judgement.sentence == "no knee up to \(top) vusers: still scaling; ramp higher")
        #expect(verdicts(run.samples()).isSubset(of: [.tooShort, .notReached]), "C=\(capacity) seed \(seed)")
      }
    }
  }

  @Test func tooFewStepsOrTooNarrowARangeIsTooShort() {
    let target = ClosedTarget(capacity: 5_000)
    for levels in [[10], [10, 20], [20, 21, 22, 23, 24, 25]] {
      let judgement = detector.judge(RampRun(target, levels: levels).samples())
      #expect(judgement.verdict == .tooShort, "\(levels)")
      #expect(judgement.level == nil)
      #expect(judgement.sentence == "too few steps to tell; ramp longer or in more steps")
    }
    #expect(detector.judge([]).verdict == .tooShort)
  }

  @Test func theOpenModelSaysItsLevelsAsOfferedRates() {
    // Rate steps of 5 s from 50/s to 300/s against 1,000/s: still following the offered rate.
    let target = OpenKneeTests.OpenTarget(capacity: 1_000)
    let rising = OpenKneeTests.series(target, seconds: 30) { t in 50 * Double(t / 5 + 1) }
    let judgement = detector.judge(rising)
    #expect(judgement.verdict == .notReached)
    #expect(judgement.isRate)
    #expect(judgement.sentence == "no knee up to 300/s offered: still scaling; ramp higher")
    // From 2,000/s up: past the capacity from the first step.
    let over = OpenKneeTests.series(target, seconds: 30) { t in 2_000 + 200 * Double(t / 5) }
    #expect(detector.judge(over).verdict == .saturatedFromStart)
  }

  @Test func theVerdictIsWrittenForScripts() throws {
    let judgement = KneeJudgement(verdict: .saturatedFromStart, level: 9, isRate: false)
    let json = String(decoding: try JSONEncoder().encode(judgement.verdict), as: UTF8.self)
    #expect(json == "\"saturated_from_start\"")
    #expect(
      KneeJudgement.Verdict.allCases.map(\.rawValue) == [
        "found", "saturated_from_start", "not_reached", "too_short",
      ])
  }
}
