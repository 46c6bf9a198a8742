import Foundation
import Metrics
import Testing

/// Thresholds: every metric, comparison and unit parsed; the errors for bad input; each metric
/// checked passing and failing; the live tracker journalling only a change to failing.
@Suite(.timeLimit(.minutes(5))) struct ThresholdParsingTests {
  static let valid: [(String, Threshold.Metric, Threshold.Comparison, Double)] = [
    ("tps>500", .tps, .greater, 500),
    ("tps >= 12.5/s", .tps, .greaterOrEqual, 12.5),
    ("mtt<200", .mtt, .less, 200),
    ("avg<=0.5s", .mtt, .lessOrEqual, 500),
    ("p50<800us", .p50, .less, 0.8),
    ("p90 < 1s", .p90, .less, 1000),
    ("p95<300ms", .p95, .less, 300),
    ("p99 <= 2.5 s", .p99, .lessOrEqual, 2500),
    ("max<5000ms", .max, .less, 5000),
    ("max<5000µs", .max, .less, 5),
    ("errors<1%", .errorRate, .less, 0.01),
    ("errors <= 10", .errorCount, .lessOrEqual, 10),
    ("error_rate<0.05", .errorRate, .less, 0.05),
    ("error_rate<2.5%", .errorRate, .less, 0.025),
    ("errors.timeout<5", .errorKind(.timeout), .less, 5),
    ("errors.http_5xx>=0", .errorKind(.http5xx), .greaterOrEqual, 0),
    ("log_errors<1", .logErrors, .less, 1),
    ("log_errors.BrokenPipeError <= 3", .logErrorClass("BrokenPipeError"), .lessOrEqual, 3),
  ]

  @Test("every metric, comparison and unit", arguments: valid.indices)
  func parses(index: Int) throws {
    let (text, metric, comparison, limit) = Self.valid[index]
    let threshold = try Threshold(parsing: text)
    #expect(threshold.metric == metric, "\(text)")
    #expect(threshold.comparison == comparison, "\(text)")
    #expect(abs(threshold.limit - limit) < 1e-12, "\(text): \(threshold.limit)")
    #expect(threshold.expression == text.filter { !$0.isWhitespace })
  }

  @Test func everyComparisonHolds() {
    #expect(Threshold.Comparison.less.holds(1, 2) && !Threshold.Comparison.less.holds(2, 2))
    #expect(Threshold.Comparison.lessOrEqual.holds(2, 2) && !Threshold.Comparison.lessOrEqual.holds(3, 2))
    #expect(Threshold.Comparison.greater.holds(3, 2) && !Threshold.Comparison.greater.holds(2, 2))
    #expect(
      Threshold.Comparison.greaterOrEqual.holds(2, 2) && !Threshold.Comparison.greaterOrEqual.holds(1, 2))
  }

  @Test func metricNames() throws {
    let names = try ["avg<1", "errors<1%", "errors<1", "errors.read_eof<1", "log_errors.fatal<1", "tps>1"].map
    {
      try Threshold(parsing: $0).metric.name
    }
    #expect(names == ["mtt", "error_rate", "errors", "errors.read_eof", "log_errors.fatal", "tps"])
  }

  @Test func exactMessagesForBadInput() {
    func message(_ text: String) -> String? {
      do {
        _ = try Threshold(parsing: text)
        return nil
      } catch {
        return error.description
      }
    }
    #expect(
      message("  ") == "threshold '': expected METRIC OP VALUE, such as 'p95<300ms', 'errors<1%' or 'tps>500'"
    )
    #expect(
      message("p42<3ms")
        == "threshold 'p42<3ms': unknown metric 'p42' (expected tps, mtt (avg), p50, p90, p95, p99, max, "
        + "errors, error_rate, errors.KIND, log_errors, log_errors.CLASS)")
    #expect(message("p95 300ms") == "threshold 'p95 300ms': expected <, <=, > or >= after 'p95'")
    #expect(message("p95=300ms") == "threshold 'p95=300ms': expected <, <=, > or >= after 'p95'")
    #expect(message("p95<fast") == "threshold 'p95<fast': expected a number after '<'")
    #expect(message("p95<-1") == "threshold 'p95<-1': expected a number after '<'")
    #expect(
      message("p95<3kg")
        == "threshold 'p95<3kg': unknown unit 'kg' for p95 (expected us, ms or s; a plain number is ms)")
    #expect(
      message("errors.teapot<1")
        == "threshold 'errors.teapot<1': unknown error kind 'teapot' (expected one of dns, connect_refused, "
        + "connect_timeout, connect_reset, tls, write, read_reset, read_eof, timeout, protocol, "
        + "too_many_redirects, emfile, addr_not_available, http_4xx, http_5xx)")
    #expect(
      message("error_rate<5")
        == "threshold 'error_rate<5': error_rate takes a fraction from 0 to 1 or a percentage such as 1%")
    #expect(message("errors<150%") == "threshold 'errors<150%': a percentage is at most 100%")
    #expect(
      message("tps>5ms") == "threshold 'tps>5ms': tps takes requests per second as a plain number, not 'ms'")
    #expect(
      message("errors.timeout<5%")
        == "threshold 'errors.timeout<5%': errors.timeout takes a count (a plain number), not '%'")
    #expect(message("<5") == "threshold '<5': expected a metric name first (\(Threshold.metricNames))")
    #expect(message("log_errors.<5")?.contains("needs a class name") == true)
    #expect(
      message(" p95 < 300ms extra ")?.hasPrefix("threshold 'p95 < 300ms extra': unknown unit 'ms extra'")
        == true)
  }
}

@Suite(.timeLimit(.minutes(5))) struct ThresholdEvaluationTests {
  /// 100 requests over 4 s: 90 ok at 10 ms, 2 at 400 ms, 8 errors (5 http_5xx, 3 timeouts),
  /// 4 log errors (3 BrokenPipeError, 1 fatal).
  static let figures = ThresholdFigures(
    durationS: 4, requests: 100, errors: 8, errorsByKind: ["http_5xx": 5, "timeout": 3], mttMs: 20,
    p50Ms: 10, p90Ms: 12, p95Ms: 300, p99Ms: 400, maxMs: 410, logErrors: ["BrokenPipeError": 3, "fatal": 1])

  /// Expression, whether it passes, the observed value.
  static let cases: [(String, Bool, Double)] = [
    ("tps>20", true, 25), ("tps>25", false, 25),
    ("mtt<25ms", true, 20), ("avg<20", false, 20),
    ("p50<=10ms", true, 10), ("p50<10ms", false, 10),
    ("p90<1s", true, 12), ("p90<10ms", false, 12),
    ("p95<301", true, 300), ("p95<300ms", false, 300),
    ("p99<0.5s", true, 400), ("p99<=399.9", false, 400),
    ("max<411ms", true, 410), ("max<410000us", false, 410),
    ("errors<10", true, 8), ("errors<=7", false, 8),
    ("errors<9%", true, 0.08), ("errors<1%", false, 0.08),
    ("error_rate<=0.08", true, 0.08), ("error_rate<0.05", false, 0.08),
    ("errors.timeout<=3", true, 3), ("errors.http_5xx<5", false, 5),
    ("errors.dns<1", true, 0), ("errors.connect_refused>0", false, 0),
    ("log_errors<5", true, 4), ("log_errors<4", false, 4),
    ("log_errors.BrokenPipeError<4", true, 3), ("log_errors.fatal<1", false, 1),
    ("log_errors.upstream_timed_out<1", true, 0),
  ]

  @Test("each metric passing and failing", arguments: cases.indices)
  func evaluates(index: Int) throws {
    let (text, ok, observed) = Self.cases[index]
    let result = try Threshold(parsing: text).check(Self.figures)
    #expect(result.ok == ok, "\(text): observed \(result.observed)")
    #expect(abs(result.observed - observed) < 1e-9, "\(text): observed \(result.observed)")
    #expect(result.expr == text)
  }

  @Test func nothingCompletedYet() throws {
    let empty = ThresholdFigures(durationS: 0, requests: 0, errors: 0)
    #expect(try Threshold(parsing: "errors<1%").check(empty).ok)
    #expect(try Threshold(parsing: "p99<1ms").check(empty).ok)
    #expect(try !Threshold(parsing: "tps>1").check(empty).ok)
  }

  @Test func figuresFromTheStoreAndFromTheSummaryAgree() throws {
    let store = MetricsStore()
    store.ingest(
      thresholdBucket(second: 0, ok: 90, status5xx: 10, latencyMicros: 5_000), gauges: oneVuser, duration: 1)
    store.ingest(thresholdBucket(second: 1, ok: 100, latencyMicros: 5_000), gauges: oneVuser, duration: 1)
    let snapshot = store.snapshot()
    let live = ThresholdFigures(snapshot: snapshot)
    #expect(live.durationS == 2)
    #expect(live.requests == 200)
    #expect(live.errors == 10)
    #expect(live.errorsByKind == ["http_5xx": 10])
    let summary = RunSummary(
      snapshot: snapshot, outcome: .complete, target: "http://x/", startedAt: Date(), endedAt: Date(),
      duration: 2, inflightAtStop: 0, runDir: "/tmp/x")
    let end = ThresholdFigures(summary: summary)
    let thresholds = try ["tps>=100", "errors<5%", "errors.http_5xx<=10", "p95<6ms", "max<5ms"].map {
      try Threshold(parsing: $0)
    }
    #expect(thresholds.check(live).map(\.ok) == thresholds.check(end).map(\.ok))
    #expect(thresholds.check(end).map(\.ok) == [true, false, true, true, false])
  }

  @Test func observedText() {
    #expect(ThresholdResult(expr: "p95<1s", metric: "p95", ok: true, observed: 312.4).observedText == "312ms")
    #expect(ThresholdResult(expr: "p95<1s", metric: "p95", ok: true, observed: 1250).observedText == "1.25s")
    #expect(
      ThresholdResult(expr: "p95<1s", metric: "p95", ok: true, observed: 4.216).observedText == "4.22ms")
    // The summary's latency spelling: a verdict once said "250us" beside a latency line's "0.25ms".
    #expect(ThresholdResult(expr: "p95<1s", metric: "p95", ok: true, observed: 0.25).observedText == "0.25ms")
    #expect(
      ThresholdResult(expr: "errors<1%", metric: "error_rate", ok: false, observed: 0.5).observedText
        == "50.00%")
    #expect(
      ThresholdResult(expr: "tps>5", metric: "tps", ok: true, observed: 512.34).observedText == "512.3/s")
    #expect(ThresholdResult(expr: "errors<5", metric: "errors", ok: false, observed: 17).observedText == "17")
  }
}

@Suite(.timeLimit(.minutes(5))) struct ThresholdLiveTests {
  @Test func onlyAChangeToFailingIsJournalled() throws {
    let store = MetricsStore()
    store.setThresholds(try [Threshold(parsing: "errors<10%"), Threshold(parsing: "p99<50ms")])
    #expect(store.snapshot().thresholds.isEmpty)
    // Second 0: clean. Second 1: 50% errors (fails). Second 2: more errors (still failing: no event).
    store.ingest(thresholdBucket(second: 0, ok: 100, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    var check = store.checkThresholds()
    #expect(check.results.map(\.ok) == [true, true])
    #expect(check.newlyFailing.isEmpty)
    store.ingest(
      thresholdBucket(second: 1, ok: 0, status5xx: 100, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    check = store.checkThresholds()
    #expect(check.results.map(\.ok) == [false, true])
    let event = try #require(check.newlyFailing.first)
    #expect(check.newlyFailing.count == 1)
    #expect(event.kind == .threshold)
    #expect(event.label == "errors<10%")
    #expect(event.value == 0.5)
    #expect(event.elapsed == 2)
    store.ingest(
      thresholdBucket(second: 2, ok: 0, status5xx: 100, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    #expect(store.checkThresholds().newlyFailing.isEmpty)
    // Passing again, then failing again: a second event.
    store.ingest(thresholdBucket(second: 3, ok: 3000, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    #expect(store.checkThresholds().results.map(\.ok) == [true, true])
    store.ingest(
      thresholdBucket(second: 4, ok: 0, status5xx: 1000, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    #expect(store.checkThresholds().newlyFailing.map(\.label) == ["errors<10%"])
    let snapshot = store.snapshot()
    #expect(snapshot.events.filter { $0.kind == .threshold }.count == 2)
    #expect(snapshot.thresholds.map(\.ok) == [false, true])
  }

  @Test func failingFromTheFirstCheckIsJournalled() throws {
    let store = MetricsStore()
    store.setThresholds([try Threshold(parsing: "tps>1000")])
    store.ingest(thresholdBucket(second: 0, ok: 10, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    #expect(store.checkThresholds().newlyFailing.map(\.label) == ["tps>1000"])
  }

  @Test func withoutThresholdsNothingHappens() {
    let store = MetricsStore()
    store.ingest(thresholdBucket(second: 0, ok: 10, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    let check = store.checkThresholds()
    #expect(check.results.isEmpty && check.newlyFailing.isEmpty)
    #expect(store.snapshot().thresholds.isEmpty)
  }
}

@Suite(.timeLimit(.minutes(5))) struct ThresholdSummaryTests {
  @Test func thresholdKeysAreOptionalAndRoundTrip() throws {
    let store = MetricsStore()
    store.ingest(thresholdBucket(second: 0, ok: 10, latencyMicros: 1_000), gauges: oneVuser, duration: 1)
    var summary = RunSummary(
      snapshot: store.snapshot(), outcome: .abortedByThreshold, target: "http://x/",
      startedAt: Date(timeIntervalSince1970: 1_800_000_000),
      endedAt: Date(timeIntervalSince1970: 1_800_000_001),
      duration: 1, inflightAtStop: 0, runDir: "/tmp/x")
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = .sortedKeys
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    // Without thresholds the keys are absent, and a summary without them decodes.
    let plain = String(decoding: try encoder.encode(summary), as: UTF8.self)
    #expect(!plain.contains("thresholds"))
    #expect(plain.contains(#""outcome":"aborted_by_threshold""#))
    #expect(try decoder.decode(RunSummary.self, from: Data(plain.utf8)) == summary)
    summary.thresholds = [ThresholdResult(expr: "errors<1%", metric: "error_rate", ok: false, observed: 0.5)]
    summary.thresholdsOk = false
    let text = String(decoding: try encoder.encode(summary), as: UTF8.self)
    #expect(
      text.contains(#""thresholds":[{"expr":"errors<1%","metric":"error_rate","observed":0.5,"ok":false}]"#))
    #expect(text.contains(#""thresholds_ok":false"#))
    #expect(try decoder.decode(RunSummary.self, from: Data(text.utf8)) == summary)
  }
}

private let oneVuser = EngineGauges(vusers: 1, targetVusers: 1, connections: 1, paused: false)

/// `ok` successes and `status5xx` 500 responses of `latencyMicros` each.
private func thresholdBucket(second: Int, ok: Int, status5xx: Int = 0, latencyMicros: UInt64) -> SecondBucket
{
  var recorder = Recorder(second: second)
  for _ in 0..<ok { recorder.record(.response(status: 200), latencyMicros: latencyMicros, second: second) }
  for _ in 0..<status5xx {
    recorder.record(.response(status: 500), latencyMicros: latencyMicros, second: second)
  }
  for _ in 0..<(ok + status5xx) { recorder.recordStart(second: second) }
  return recorder.drain(through: second)[0]
}
