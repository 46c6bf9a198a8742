import Foundation
import Metrics
import Testing

@Suite(.timeLimit(.minutes(5))) struct LogErrorCountTests {
  @Test func countsJoinTheNextClosedSecondAndTheTotals() {
    let store = MetricsStore()
    store.enableLogErrors()
    store.recordLogErrors(["BrokenPipeError": 2])
    store.recordLogErrors(["BrokenPipeError": 1, "access_5xx": 4])
    let first = store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    let second = store.ingest(bucket(second: 1, ok: 1), gauges: vusers(1), duration: 1)
    store.recordLogErrors(["error": 1])

    #expect(first.logErrors == ["BrokenPipeError": 3, "access_5xx": 4])
    #expect(first.logErrors("access_5xx") == 4)
    // A second without log errors says so with an empty map: logs are followed, none came.
    #expect(second.logErrors == [:])
    // Counted after the last row closed: still in the totals, so the summary stays exact.
    #expect(store.snapshot().totals.logErrors == ["BrokenPipeError": 3, "access_5xx": 4, "error": 1])
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start, endedAt: start,
      duration: 2, inflightAtStop: 0, runDir: "/tmp/x")
    #expect(summary.logErrors == ["BrokenPipeError": 3, "access_5xx": 4, "error": 1])
  }

  @Test func runsWithoutLogsKeepRowsAndSummaryWithoutTheKey() throws {
    let store = MetricsStore()
    let row = store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    #expect(row.logErrors == nil)
    let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
    #expect(!json.contains("log_errors"))
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start, endedAt: start,
      duration: 1, inflightAtStop: 0, runDir: "/tmp/x")
    #expect(summary.logErrors == nil)
  }

  @Test func rowsWithLogErrorsRoundTrip() throws {
    let store = MetricsStore()
    store.enableLogErrors()
    store.recordLogErrors(["upstream_timed_out": 7])
    let row = store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    let data = try JSONEncoder().encode(row)
    #expect(String(decoding: data, as: UTF8.self).contains("\"log_errors\":{\"upstream_timed_out\":7}"))
    #expect(try JSONDecoder().decode(SecondSample.self, from: data) == row)
  }
}

@Suite(.timeLimit(.minutes(5))) struct SummaryControlTests {
  @Test func tagsAndPausesAreInTheSummary() throws {
    let store = MetricsStore()
    store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    for event in [
      RunEvent(elapsed: 2, kind: .pause), RunEvent(elapsed: 5, kind: .resume),
      RunEvent(elapsed: 6, kind: .tag, label: "db failover"), RunEvent(elapsed: 7, kind: .pause),
      RunEvent(elapsed: 7.5, kind: .tag, label: "knee?"),
    ] {
      store.record(event)
    }
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start, endedAt: start,
      duration: 10, inflightAtStop: 0, runDir: "/tmp/x")
    // 3 s, then an open pause from 7 s to the end at 10 s.
    #expect(summary.pausedS == 6)
    #expect(summary.pauses == 2)
    #expect(summary.tags == [.init(elapsedS: 6, label: "db failover"), .init(elapsedS: 7.5, label: "knee?")])
    let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
    #expect(json.contains("\"paused_s\":6") && json.contains("\"elapsed_s\":6"))
  }

  @Test func summariesWithoutTheNewKeysStillLoad() throws {
    let store = MetricsStore()
    store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start, endedAt: start,
      duration: 1, inflightAtStop: 0, runDir: "/tmp/x")
    var object = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
    for key in ["tags", "paused_s", "pauses", "knee", "log_errors"] { object[key] = nil }
    let old = try JSONDecoder().decode(RunSummary.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(old.tags == nil && old.pausedS == nil && old.knee == nil)
  }
}
