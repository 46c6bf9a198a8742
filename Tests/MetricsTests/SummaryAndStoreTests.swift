import Foundation
import Metrics
import Testing

/// A bucket with `ok` successes of `latencyMicros` each and `errors` timeouts.
func bucket(second: Int, ok: Int, errors: Int = 0, latencyMicros: UInt64 = 1_000) -> SecondBucket {
  var recorder = Recorder(second: second)
  for _ in 0..<ok { recorder.record(.response(status: 200), latencyMicros: latencyMicros, second: second) }
  for _ in 0..<errors { recorder.record(.failure(.timeout), latencyMicros: nil, second: second) }
  for _ in 0..<(ok + errors) { recorder.recordStart(second: second) }
  return recorder.drain(through: second)[0]
}

func vusers(_ n: Int) -> EngineGauges {
  EngineGauges(vusers: n, targetVusers: n, connections: n, paused: false)
}

let start = Date(timeIntervalSince1970: 1_800_000_000)

@Suite(.timeLimit(.minutes(5))) struct RunSummaryTests {
  @Test func summaryFromSnapshot() {
    let store = MetricsStore()
    store.ingest(bucket(second: 0, ok: 10, latencyMicros: 2_000), gauges: vusers(5), duration: 1)
    store.ingest(bucket(second: 1, ok: 18, errors: 2, latencyMicros: 4_000), gauges: vusers(9), duration: 1)
    // The final, partial second: 5 requests in 0.1 s would be 50/s, more than any whole second.
    store.ingest(bucket(second: 2, ok: 5, latencyMicros: 8_000), gauges: vusers(7), duration: 0.1)
    let end = start.addingTimeInterval(2.1)
    let s = RunSummary(
      snapshot: store.snapshot(), outcome: .abortedByUser, target: "http://example.com/",
      startedAt: start, endedAt: end, duration: 2.1, inflightAtStop: 3, runDir: "/tmp/runs/x")

    #expect(s.outcome == .abortedByUser)
    #expect(s.target == "http://example.com/")
    #expect(s.startedAt == start)
    #expect(s.endedAt == end)
    #expect(s.durationS == 2.1)
    #expect(s.requests == 35)
    #expect(s.ok == 33)
    #expect(s.errors == 2)
    #expect(s.inflightAtStop == 3)
    #expect(s.scheduled == 38)
    #expect(s.scheduled == s.requests + s.inflightAtStop)
    #expect(abs(s.errorRate - 2.0 / 35) < 1e-12)
    #expect(abs(s.tps - 35 / 2.1) < 1e-9)
    #expect(s.tpsPeak == 20)
    #expect(s.vusersPeak == 9)
    #expect(s.errorsByKind == ["timeout": 2])
    #expect(s.protocolErrors.isEmpty)
    #expect(s.statusCodes == ["200": 33])
    #expect(s.runDir == "/tmp/runs/x")
    let mean = (10 * 2.0 + 18 * 4.0 + 5 * 8.0) / 33
    #expect(abs(s.mttMs - mean) < 1e-9)
    #expect(s.minMs == 2)
    #expect(s.maxMs == 8)
    #expect(withinHistogramPrecision(s.p50Ms, 4))
    #expect(withinHistogramPrecision(s.p90Ms, 8))
    #expect(withinHistogramPrecision(s.p99Ms, 8))
  }

  @Test func shortRunWithOnlyAPartialSecondStillHasAPeak() {
    let store = MetricsStore()
    store.ingest(bucket(second: 0, ok: 5), gauges: vusers(1), duration: 0.5)
    let s = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 0.5, inflightAtStop: 0, runDir: "d")
    #expect(s.tpsPeak == 10)
    #expect(s.tps == 10)
    #expect(s.scheduled == 5)
  }

  @Test func emptyRunIsAllZeros() {
    let s = RunSummary(
      snapshot: MetricsStore().snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 0, inflightAtStop: 0, runDir: "d")
    #expect(s.requests == 0)
    #expect(s.errorRate == 0)
    #expect(s.tps == 0)
    #expect(s.tpsPeak == 0)
    #expect([s.mttMs, s.minMs, s.maxMs, s.p50Ms, s.p99Ms].allSatisfy { $0 == 0 })
    #expect(s.vusersPeak == 0)
  }

  @Test func protocolErrorsAndStatusCodesByName() {
    var recorder = Recorder()
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0, violation: .conflictingLength)
    recorder.record(.response(status: 404), latencyMicros: 100, second: 0)
    recorder.recordIntermediateStatus(301, second: 0)
    let store = MetricsStore()
    store.ingest(recorder.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    let s = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 1, inflightAtStop: 0, runDir: "d")
    #expect(s.protocolErrors == ["conflicting_length": 1])
    #expect(s.errorsByKind == ["protocol": 1, "http_4xx": 1])
    #expect(s.statusCodes == ["301": 1, "404": 1])
    #expect(s.requests == 2)
    #expect(s.errorRate == 1)
  }

  @Test func connectionViolationsShowInProtocolErrorsOnly() {
    var recorder = Recorder()
    recorder.record(.response(status: 200), latencyMicros: 100, second: 0)
    recorder.recordViolation(.unexpectedData, second: 0)
    let store = MetricsStore()
    store.ingest(recorder.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    let s = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 1, inflightAtStop: 0, runDir: "d")
    // The response stands; the connection's violation fails no request.
    #expect(s.protocolErrors == ["unexpected_data": 1])
    #expect(s.errorsByKind.isEmpty)
    #expect(s.ok == 1)
    #expect(s.scheduled == s.ok + s.errors + s.inflightAtStop)
  }
}

@Suite(.timeLimit(.minutes(5))) struct MetricsStoreTests {
  @Test func ingestAppendsRowsAndTotals() {
    let store = MetricsStore()
    let b0 = bucket(second: 0, ok: 3)
    let row = store.ingest(b0, gauges: vusers(2), duration: 1)
    #expect(row == SecondSample(bucket: b0, gauges: vusers(2), duration: 1))
    store.ingest(bucket(second: 1, ok: 4, errors: 1), gauges: vusers(4), duration: 1)
    store.record(RunEvent(elapsed: 0.5, time: start, kind: .tag, label: "knee?"))
    store.record(RunEvent(elapsed: 1.5, time: start, kind: .setVusers, value: 4))

    let snap = store.snapshot()
    #expect(snap.samples.map(\.t) == [0, 1])
    #expect(snap.samples.map(\.vusers) == [2, 4])
    #expect(snap.totals.ok == 7)
    #expect(snap.totals.errors(.timeout) == 1)
    #expect(snap.totals.started == 8)
    #expect(snap.events.map(\.kind) == [.tag, .setVusers])
    #expect(snap.events[0].label == "knee?")
    #expect(snap.events[1].value == 4)
  }

  @Test func snapshotIsAValueCopy() {
    let store = MetricsStore()
    store.ingest(bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    let before = store.snapshot()
    store.ingest(bucket(second: 1, ok: 1), gauges: vusers(1), duration: 1)
    #expect(before.samples.count == 1)
    #expect(before.totals.ok == 1)
    #expect(store.snapshot().samples.count == 2)
  }

  @Test func concurrentIngestLosesNothing() async {
    let store = MetricsStore()
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<8 {
        group.addTask {
          for i in 0..<50 {
            store.ingest(bucket(second: worker * 50 + i, ok: 2), gauges: vusers(1), duration: 1)
            store.record(RunEvent(elapsed: Double(i), kind: .tag))
          }
        }
      }
    }
    let snap = store.snapshot()
    #expect(snap.samples.count == 400)
    #expect(snap.totals.ok == 800)
    #expect(snap.events.count == 400)
    #expect(Set(snap.samples.map(\.t)).count == 400)
  }
}

@Suite(.timeLimit(.minutes(5))) struct ErrorKindTests {
  @Test func indexIsADenseBijection() {
    let indices = ErrorKind.allCases.map(\.index)
    #expect(ErrorKind.count == ErrorKind.allCases.count)
    #expect(Set(indices) == Set(0..<ErrorKind.count))
    #expect(indices.count == Set(indices).count)
    // Declaration order is index order, so `<` sorts like the screen lists them.
    #expect(indices == Array(0..<ErrorKind.count))
    #expect(ErrorKind.allCases.sorted() == ErrorKind.allCases)
  }

  @Test func violationIndexIsADenseBijection() {
    let indices = ProtocolViolation.allCases.map(\.index)
    #expect(indices == Array(0..<ProtocolViolation.allCases.count))
  }

  @Test func stableNames() {
    #expect(
      ErrorKind.allCases.map(\.rawValue) == [
        "dns", "connect_refused", "connect_timeout", "connect_reset", "tls", "write", "read_reset",
        "read_eof", "timeout", "protocol", "too_many_redirects", "emfile", "addr_not_available",
        "http_4xx", "http_5xx",
      ])
    #expect(
      ProtocolViolation.allCases.map(\.rawValue) == [
        "bad_status_line", "unsupported_version", "bare_lf", "bad_header", "header_too_large",
        "bad_content_length", "conflicting_length", "bad_chunk", "unexpected_data", "bad_redirect",
      ])
  }

  @Test func countsByNameSkipsZeros() {
    var counts = [Int](repeating: 0, count: ErrorKind.count)
    counts[ErrorKind.dns.index] = 2
    counts[ErrorKind.http5xx.index] = 7
    #expect(ErrorKind.countsByName(counts) == ["dns": 2, "http_5xx": 7])
    #expect(ErrorKind.countsByName([Int](repeating: 0, count: ErrorKind.count)).isEmpty)
  }
}

@Suite(.timeLimit(.minutes(5))) struct JSONKeyTests {
  func keys<T: Encodable>(_ value: T) throws -> Set<String> {
    let encoder = JSONEncoder()
    let data = try encoder.encode(value)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Set(object.keys)
  }

  func summary() -> RunSummary {
    var recorder = Recorder()
    recorder.record(.response(status: 502), latencyMicros: 10, second: 0)
    let store = MetricsStore()
    store.ingest(recorder.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    return RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 1, inflightAtStop: 0, runDir: "runs/x")
  }

  @Test func summaryHasTheDocumentedJSONKeys() throws {
    let keys = try keys(summary())
    let documented: Set = [
      "requests", "duration_s", "tps", "tps_peak", "mtt_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms",
      "max_ms", "errors", "errors_by_kind", "status_codes", "run_dir",
    ]
    #expect(documented.isSubset(of: keys), "missing: \(documented.subtracting(keys))")
    #expect(
      keys
        == documented.union([
          "outcome", "target", "started_at", "ended_at", "scheduled", "ok", "inflight_at_stop",
          "error_rate", "min_ms", "protocol_errors", "bytes_in", "bytes_out", "connections_opened",
          "stale_retries", "vusers_peak", "tags", "paused_s", "pauses", "model", "knee_verdict", "knee_note",
        ]))
  }

  @Test func anOpenModelSummaryAddsItsArrivalKeys() throws {
    var recorder = Recorder(openModel: true)
    recorder.recordOffered(second: 0)
    recorder.recordOffered(second: 0)
    recorder.recordLate(second: 0)
    recorder.recordWaitedForVuser(second: 0)
    recorder.recordDropped(second: 0)
    recorder.record(.response(status: 200), latencyMicros: 900_000, second: 0, uncorrectedMicros: 2000)
    let store = MetricsStore()
    let row = store.ingest(recorder.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    #expect(row.offered == 2 && row.late == 1 && row.dropped == 1 && row.generatorLimited == true)
    #expect(try keys(row).isSuperset(of: ["offered", "late", "dropped", "generator_limited", "uncorrected"]))
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 1, inflightAtStop: 0, runDir: "runs/x")
    let open = try keys(summary)
    #expect(
      open.isSuperset(of: ["model", "offered_rps", "late", "dropped", "generator_limited_s", "uncorrected"]))
    #expect(summary.model == .open && summary.offeredRps == 2 && summary.generatorLimitedS == 1)
    // The top-level figures run from the intended start, `uncorrected` from the send.
    #expect(abs(summary.p99Ms - 900) < 1)
    #expect(abs((summary.uncorrected?.p99Ms ?? 0) - 2) < 0.01)
    // A closed-model row carries none of these.
    var closed = Recorder()
    closed.record(.response(status: 200), latencyMicros: 10, second: 0)
    let closedRow = MetricsStore().ingest(closed.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    #expect(
      try keys(closedRow).isDisjoint(with: ["offered", "late", "dropped", "generator_limited", "uncorrected"])
    )
  }

  @Test func aHeldPoolIsTheTargetsLimitNotTheClients() throws {
    var recorder = Recorder(openModel: true)
    for _ in 0..<4 { recorder.recordOffered(second: 0) }
    recorder.recordHeldBack(second: 0)
    recorder.recordHeldBack(second: 0)
    recorder.recordDropped(second: 0, held: true)
    recorder.record(.response(status: 200), latencyMicros: 5_000, second: 0, uncorrectedMicros: 1_000)
    let store = MetricsStore()
    let row = store.ingest(recorder.drain(through: 0)[0], gauges: vusers(1), duration: 1)
    #expect(row.heldBack == 2 && row.droppedHeld == 1 && row.dropped == 1)
    #expect(row.generatorLimited != true)
    #expect(try keys(row).isSuperset(of: ["held_back", "dropped_held"]))
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: "t", startedAt: start,
      endedAt: start, duration: 1, inflightAtStop: 0, runDir: "runs/x")
    #expect(summary.heldBack == 2 && summary.droppedHeld == 1 && summary.generatorLimitedS == 0)
    // A drop at the pool's cap is the client's limit, whatever else the second holds.
    recorder.recordDropped(second: 1)
    let capped = store.ingest(recorder.drain(through: 1)[0], gauges: vusers(1), duration: 1)
    #expect(capped.generatorLimited == true)
    #expect(try !keys(capped).contains("held_back"))
  }

  @Test func summaryNestedValuesUseStableNames() throws {
    let data = try JSONEncoder().encode(summary())
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["errors_by_kind"] as? [String: Int] == ["http_5xx": 1])
    #expect(object["status_codes"] as? [String: Int] == ["502": 1])
    #expect(object["outcome"] as? String == "complete")
    #expect(object["run_dir"] as? String == "runs/x")
    #expect(object["requests"] as? Int == 1)
  }

  @Test func sampleHasSnakeCaseKeys() throws {
    let sample = SecondSample(bucket: bucket(second: 0, ok: 1), gauges: vusers(1), duration: 1)
    #expect(
      try keys(sample) == [
        "t", "duration_s", "vusers", "target_vusers", "connections", "paused", "started", "ok",
        "errors", "errors_by_kind", "status_codes", "tps", "mtt_ms", "min_ms", "max_ms", "p50_ms",
        "p90_ms", "p95_ms", "p99_ms", "bytes_in", "bytes_out", "connects", "stale_retries",
      ])
  }

  @Test func sampleAndSummaryRoundTrip() throws {
    var recorder = Recorder(second: 3)
    recorder.record(.response(status: 200), latencyMicros: 1_234, second: 3)
    recorder.record(.failure(.dns), latencyMicros: nil, second: 3)
    let sample = SecondSample(bucket: recorder.drain(through: 3)[0], gauges: vusers(2), duration: 0.75)
    let decoded = try JSONDecoder().decode(SecondSample.self, from: JSONEncoder().encode(sample))
    #expect(decoded == sample)
    let s = summary()
    #expect(try JSONDecoder().decode(RunSummary.self, from: JSONEncoder().encode(s)) == s)
  }

  @Test func eventKindNames() throws {
    let event = RunEvent(elapsed: 1.5, time: start, kind: .setVusers, value: 10, label: "x")
    let data = try JSONEncoder().encode(event)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["kind"] as? String == "set_vusers")
    #expect(try JSONDecoder().decode(RunEvent.self, from: data) == event)
  }
}
