import Foundation
import Testing
import Vocabulary

@testable import Metrics

/// The target's watched CPU and memory in the rows and the summary (issue 22's contract for
/// scripts): `watch` keyed by source name with `cpu_cores` and `rss_bytes`, absent when nothing is
/// watched, a gap when a source was not read.
@Suite(.timeLimit(.minutes(1))) struct TargetFigureTests {
  func close(_ store: MetricsStore, second: Int) -> SecondSample {
    store.ingest(bucket(second: second, ok: 10), gauges: vusers(2), duration: 1)
  }

  @Test func rowsCarryTheLatestFreshReading() {
    let store = MetricsStore()
    #expect(close(store, second: 0).watch == nil)
    store.enableWatch()
    #expect(close(store, second: 1).watch == [:])
    let figures = [
      "uvicorn": TargetFigure(cpuCores: 0.4, rssBytes: 80e6),
      "nginx": TargetFigure(cpuCores: nil, rssBytes: 9e6),
    ]
    store.recordWatch(figures)
    #expect(close(store, second: 2).watch == figures)
    // A reading older than the freshness bound is a gap, not old figures repeated.
    store.recordWatch(figures, readAt: MetricsStore.monotonicSeconds() - MetricsStore.watchFreshness - 1)
    #expect(close(store, second: 3).watch == [:])
  }

  @Test func theRowSaysEachSourceWithItsFigures() throws {
    var sample = SecondSample(bucket: bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    let plain = String(decoding: try JSONEncoder().encode(sample), as: UTF8.self)
    #expect(!plain.contains("watch"))
    sample.watch = ["uvicorn": TargetFigure(cpuCores: 0.5, rssBytes: 1024)]
    let data = try JSONEncoder().encode(sample)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let watch = try #require(object["watch"] as? [String: [String: Double]])
    #expect(watch == ["uvicorn": ["cpu_cores": 0.5, "rss_bytes": 1024]])
    #expect(try JSONDecoder().decode(SecondSample.self, from: data) == sample)
  }

  @Test func theSummaryHasPeakAndMeanOverTheSecondsRead() throws {
    let store = MetricsStore()
    store.enableWatch()
    for (second, cpu) in [0.2, 0.4, nil, 0.6].enumerated() {
      store.recordWatch(["app": TargetFigure(cpuCores: cpu, rssBytes: Double(second + 1) * 1e6)])
      _ = close(store, second: second)
    }
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start, endedAt: start,
      duration: 4, inflightAtStop: 0, runDir: "runs/x")
    let app = try #require(summary.watch?["app"])
    #expect(app.cpuCoresPeak == 0.6)
    #expect(abs((app.cpuCoresMean ?? 0) - 0.4) < 1e-9)
    #expect(app.rssBytesPeak == 4e6 && app.rssBytesMean == 2.5e6)
    #expect(app.seconds == 4)
    let object = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
    let written = try #require((object["watch"] as? [String: [String: Double]])?["app"])
    #expect(
      Set(written.keys) == [
        "cpu_cores_peak", "cpu_cores_mean", "rss_bytes_peak", "rss_bytes_mean", "seconds",
      ])
    // A source named but never read is in the summary with no figures.
    let waiting = MetricsStore()
    waiting.enableWatch(sources: ["later"])
    _ = close(waiting, second: 0)
    #expect(
      TargetSummary.of(waiting.snapshot().samples, sources: waiting.snapshot().watchedSources)
        == [
          "later": TargetSummary(
            cpuCoresPeak: nil, cpuCoresMean: nil, rssBytesPeak: nil, rssBytesMean: nil, seconds: 0)
        ])
    // Nothing watched: no key at all.
    let unwatched = MetricsStore()
    _ = close(unwatched, second: 0)
    #expect(TargetSummary.of(unwatched.snapshot().samples) == nil)
  }
}

/// The saturation note: which watched source's CPU sat flat from the knee on.
@Suite(.timeLimit(.minutes(1))) struct SaturationNoteTests {
  /// 60 seconds; `cpu(t)` for each source.
  static func run(_ cpu: [String: (Int) -> Double]) -> [SecondSample] {
    (0..<60).map { t in
      var sample = SecondSample(bucket: bucket(second: t, ok: 10), gauges: vusers(2), duration: 1)
      sample.watch = cpu.mapValues { TargetFigure(cpuCores: $0(t), rssBytes: 1e6) }
      return sample
    }
  }

  @Test func theSourceHeldAtItsLimitFromTheKneeIsNamed() throws {
    // uvicorn rises to a 0.40-core limit at 0:30 and stays there (a 3% wobble); nginx keeps
    // rising slowly; an idle sidecar reads 0.01.
    let samples = Self.run([
      "uvicorn": { t in t < 30 ? 0.4 * Double(t) / 30 : 0.4 * (1 + 0.03 * (t % 2 == 0 ? 1 : -1)) },
      "nginx": { t in 0.002 * Double(t) },
      "sidecar": { _ in 0.01 },
    ])
    let notes = SaturationNote.find(samples, kneeSecond: 30)
    let note = try #require(notes.first)
    #expect(notes.count == 1)
    #expect(note.source == "uvicorn")
    #expect(abs(note.cpuCores - 0.4) < 0.02)
    // Within the band (15%) from 0.34 cores on: 0:26 at the earliest.
    #expect((26...30).contains(note.fromSecond), "\(note)")
    #expect(note.text == "uvicorn CPU flat at \(CoresText.withUnit(note.cpuCores)) from 0:\(note.fromSecond)")
  }

  @Test func aSourceThatKeepsRisingOrWasAlreadyThereIsNot() {
    let rising = Self.run(["app": { t in 0.01 * Double(t) }])
    #expect(SaturationNote.find(rising, kneeSecond: 30).isEmpty)
    // Flat all along, knee at 0:30: nothing changed at the knee (unless the run was saturated
    // from its first second, when the knee is there).
    let flat = Self.run(["app": { _ in 0.5 }])
    #expect(SaturationNote.find(flat, kneeSecond: 30).isEmpty)
    #expect(SaturationNote.find(flat, kneeSecond: 0).map(\.fromSecond) == [0])
  }
}
