import Foundation
import Metrics
import RunStore
import Testing

@testable import RampartCommands

/// The plain lines of a headless run, pinned: a whole second shows its rate, the run's last,
/// partial second what happened in it.
@Suite(.timeLimit(.minutes(5))) struct HeadlessReportTests {
  /// A row of `ok` responses of 1 ms each (and `errors` timeouts) that lasted `duration` seconds.
  static func row(t: Int, ok: Int, errors: Int = 0, duration: Double) -> SecondSample {
    var recorder = Recorder(second: t)
    for _ in 0..<ok { recorder.record(.response(status: 200), latencyMicros: 1_000, second: t) }
    for _ in 0..<errors { recorder.record(.failure(.timeout), latencyMicros: nil, second: t) }
    let gauges = EngineGauges(vusers: 10, targetVusers: 10, connections: 10, paused: false)
    return SecondSample(bucket: recorder.drain(through: t)[0], gauges: gauges, duration: duration)
  }

  @Test func aWholeSecondShowsItsRate() {
    let line = HeadlessReport.progressLine(Self.row(t: 11, ok: 295, duration: 1))
    #expect(
      line == "   12s  vusers    10  tps    295.0  mtt   1.00ms  p95   1.00ms  p99   1.00ms  err/s 0")
  }

  @Test func thePartialLastSecondShowsWhatHappenedInIt() {
    // 12 requests in 34 ms: a rate would read 352.9/s, a throughput that never was.
    let row = Self.row(t: 12, ok: 10, errors: 2, duration: 0.034)
    let line = HeadlessReport.progressLine(row)
    #expect(
      line
        == " +34ms  vusers    10  done      12  mtt   1.00ms  p95   1.00ms  p99   1.00ms  errors 2 (timeout 2)"
    )
    #expect(!line.contains("tps") && !line.contains("352"))
    // The columns line up with the whole seconds' lines above it.
    let whole = HeadlessReport.progressLine(Self.row(t: 11, ok: 295, duration: 1))
    #expect(
      line.firstRange(of: "  mtt")?.lowerBound.utf16Offset(in: line)
        == whole.firstRange(of: "  mtt")?.lowerBound.utf16Offset(in: whole))
  }

  @Test func anOpenRunSaysWhatTheHeldPoolKeptWaiting() throws {
    let store = MetricsStore()
    store.ingest(
      recorderBucket(), gauges: EngineGauges(vusers: 4, targetVusers: 4, connections: 4, paused: false),
      duration: 1)
    var summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "http://127.0.0.1:1/", startedAt: .now,
      endedAt: .now, duration: 1, inflightAtStop: 0, runDir: "runs/x")
    #expect(summary.droppedHeld == 3)
    summary.droppedHeld = 0
    let plain = HeadlessReport.summary(summary, plan: "rate 10/s")
    let arrivals = try #require(plain.split(separator: "\n").first { $0.contains("arrivals") })
    #expect(arrivals.hasSuffix("client-limited 0 s"), "\(arrivals)")
    summary.heldBack = 7
    summary.droppedHeld = 3
    let held = HeadlessReport.summary(summary, plan: "rate 10/s")
    #expect(held.contains("; pool held: 7 waited, 3 of the dropped (more vusers stopped adding throughput"))
  }

  @Test func theKneeLineSaysItsConfidenceAsTheScreenDoes() throws {
    var summary = RunSummary(
      snapshot: MetricsStore().snapshot(), outcome: .complete, target: "http://127.0.0.1:1/",
      startedAt: .now, endedAt: .now, duration: 60, inflightAtStop: 0, runDir: "runs/x")
    summary.knee = Knee(vusers: 42, tps: 1950, mttMs: 21.5, confidence: 0.854, second: 40)
    let plain = HeadlessReport.summary(summary, plan: "vusers 10 +10 every 10s up to 100")
    let line = try #require(plain.split(separator: "\n").first { $0.hasPrefix("  knee ") })
    #expect(line.hasSuffix("42 vusers, 1950/s at 21.5 ms (confidence 85%)"), "\(line)")
  }

  @Test func withoutAKneeTheKneeLineSaysWhy() throws {
    var summary = RunSummary(
      snapshot: MetricsStore().snapshot(), outcome: .complete, target: "http://127.0.0.1:1/",
      startedAt: .now, endedAt: .now, duration: 60, inflightAtStop: 0, runDir: "runs/x")
    #expect(summary.kneeVerdict == .tooShort)
    let judgement = KneeJudgement(verdict: .saturatedFromStart, level: 9, isRate: false)
    summary.kneeVerdict = judgement.verdict
    summary.kneeNote = judgement.sentence
    let plain = HeadlessReport.summary(summary, plan: "vusers 9 +10 every 10s up to 99")
    #expect(
      plain.contains(
        "\n  knee           saturated from the start: the knee is at or below 9 vusers; start lower\n"))
  }

  /// One second of an open-model run: ten arrivals offered, three dropped, one response.
  private func recorderBucket() -> SecondBucket {
    var recorder = Recorder(openModel: true)
    for _ in 0..<10 { recorder.recordOffered(second: 0) }
    for _ in 0..<3 { recorder.recordDropped(second: 0, held: true) }
    recorder.record(.response(status: 200), latencyMicros: 1_000, second: 0, uncorrectedMicros: 1_000)
    return recorder.drain(through: 0)[0]
  }

  @Test func aStoppedJournalIsSaidWithWhenWhyAndWhatGoesOn() {
    let stop = JournalStop(elapsedS: 12.3, reason: "disk full")
    let cause = StoreError.io(path: "runs/r/series.jsonl", errno: 28)
    #expect(
      HeadlessReport.journalStoppedLine(stop, cause: cause)
        == "  journalling stopped at 0:12 (disk full): runs/r/series.jsonl: No space left on device; "
        + "the load goes on and the summary will cover the whole run")
  }
}
