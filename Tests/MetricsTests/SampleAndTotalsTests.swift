import Metrics
import Testing

/// The value HdrHistogram's `valueAtPercentile` approximates: the smallest recorded value with at
/// least `p` percent of all values at or below it.
func exactPercentile(_ sorted: [UInt64], _ p: Double) -> Double {
  let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
  return Double(sorted[rank - 1])
}

/// Three significant digits: every percentile within 0.1% of the exact value (plus one microsecond).
func withinHistogramPrecision(_ got: Double, _ exact: Double) -> Bool {
  abs(got - exact) <= exact * 0.001 + 0.001
}

let gauges = EngineGauges(vusers: 40, targetVusers: 50, connections: 38, paused: false)

@Suite(.timeLimit(.minutes(5))) struct SecondBucketMergeTests {
  @Test func mergeAddsEveryCounterAndCombinesLatency() {
    var a = SecondBucket(second: 4)
    a.started = 3
    a.ok = 2
    a.errors[ErrorKind.timeout.index] = 1
    a.protocolViolations[ProtocolViolation.badChunk.index] = 1
    a.statusCodes = [200: 2]
    a.recordLatency(micros: 500)
    a.recordLatency(micros: 1_500)
    a.bytesIn = 10
    a.bytesOut = 20
    a.connectionsOpened = 1
    a.staleRetries = 1

    var b = SecondBucket(second: 4)
    b.started = 5
    b.ok = 4
    b.errors[ErrorKind.timeout.index] = 2
    b.errors[ErrorKind.http5xx.index] = 1
    b.protocolViolations[ProtocolViolation.badChunk.index] = 3
    b.statusCodes = [200: 4, 503: 1]
    b.recordLatency(micros: 100)
    b.recordLatency(micros: 9_000)
    b.bytesIn = 1
    b.bytesOut = 2
    b.connectionsOpened = 3
    b.staleRetries = 4

    a.merge(b)
    #expect(a.second == 4)
    #expect(a.started == 8)
    #expect(a.ok == 6)
    #expect(a.errors[ErrorKind.timeout.index] == 3)
    #expect(a.errors[ErrorKind.http5xx.index] == 1)
    #expect(a.errorCount == 4)
    #expect(a.completed == 10)
    #expect(a.protocolViolations[ProtocolViolation.badChunk.index] == 4)
    #expect(a.statusCodes == [200: 6, 503: 1])
    #expect(a.latencyCount == 4)
    #expect(a.latencySumMicros == 11_100)
    #expect(a.latencyMinMicros == 100)
    #expect(a.latencyMaxMicros == 9_000)
    #expect(a.bytesIn == 11)
    #expect(a.bytesOut == 22)
    #expect(a.connectionsOpened == 4)
    #expect(a.staleRetries == 5)
  }

  @Test func mergingAnEmptyBucketChangesNothing() {
    var a = SecondBucket(second: 1)
    a.ok = 1
    a.recordLatency(micros: 700)
    a.merge(SecondBucket(second: 1))
    #expect(a.ok == 1)
    #expect(a.latencyCount == 1)
    #expect(a.latencyMinMicros == 700)
    #expect(a.latencyMaxMicros == 700)

    var empty = SecondBucket(second: 1)
    empty.merge(a)
    #expect(empty.latencyMinMicros == 700)
    #expect(empty.latencyMaxMicros == 700)
    #expect(empty.latencySumMicros == 700)
  }

  @Test func mergedHistogramGivesTheSamePercentilesAsOneBucket() {
    var whole = SecondBucket(second: 0)
    var parts = [SecondBucket(second: 0), SecondBucket(second: 0), SecondBucket(second: 0)]
    for i in 1...3_000 {
      let micros = UInt64(i * 37 % 5_000 + 1)
      whole.recordLatency(micros: micros)
      parts[i % 3].recordLatency(micros: micros)
    }
    var merged = SecondBucket(second: 0)
    for p in parts { merged.merge(p) }
    let w = SecondSample(bucket: whole, gauges: gauges, duration: 1)
    let m = SecondSample(bucket: merged, gauges: gauges, duration: 1)
    #expect(w == m)
  }
}

@Suite(.timeLimit(.minutes(5))) struct SecondSampleTests {
  /// 1000 responses of 1, 2, ... 1000 ms (200 OK), plus errors.
  func loadedBucket() -> (SecondBucket, [UInt64]) {
    var recorder = Recorder(second: 12)
    var latencies: [UInt64] = []
    for i in 1...1_000 {
      let micros = UInt64(i * 1_000)
      latencies.append(micros)
      recorder.record(.response(status: 200), latencyMicros: micros, second: 12)
    }
    recorder.record(.response(status: 503), latencyMicros: 2_000, second: 12)
    latencies.append(2_000)
    recorder.record(.failure(.timeout), latencyMicros: nil, second: 12)
    recorder.record(.failure(.timeout), latencyMicros: nil, second: 12)
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 12, violation: .badHeader)
    for _ in 0..<1_010 { recorder.recordStart(second: 12) }
    recorder.recordBytes(second: 12, inbound: 123_456, outbound: 7_890)
    recorder.recordConnectionOpened(second: 12)
    recorder.recordStaleRetry(second: 12)
    return (recorder.drain(through: 12)[0], latencies.sorted())
  }

  @Test func rowFromAFullSecond() {
    let (bucket, latencies) = loadedBucket()
    let s = SecondSample(bucket: bucket, gauges: gauges, duration: 1)
    #expect(s.t == 12)
    #expect(s.duration == 1)
    #expect(s.vusers == 40)
    #expect(s.targetVusers == 50)
    #expect(s.connections == 38)
    #expect(s.paused == false)
    #expect(s.started == 1_010)
    #expect(s.ok == 1_000)
    #expect(s.errors == 4)
    #expect(s.completed == 1_004)
    #expect(s.tps == 1_004)
    #expect(s.errorsByKind == ["http_5xx": 1, "timeout": 2, "protocol": 1])
    #expect(s.errors(.timeout) == 2)
    #expect(s.errors(.dns) == 0)
    #expect(s.statusCodes == ["200": 1_000, "503": 1])
    #expect(s.bytesIn == 123_456)
    #expect(s.bytesOut == 7_890)
    #expect(s.connects == 1)
    #expect(s.staleRetries == 1)

    let mean = Double(latencies.reduce(0, +)) / Double(latencies.count) / 1_000
    #expect(abs(s.mttMs - mean) < 1e-9)
    #expect(s.minMs == 1)
    #expect(s.maxMs == 1_000)
    for (got, p) in [(s.p50Ms, 50.0), (s.p90Ms, 90), (s.p95Ms, 95), (s.p99Ms, 99)] {
      let exact = exactPercentile(latencies, p) / 1_000
      #expect(withinHistogramPrecision(got, exact), "p\(p): \(got) vs \(exact)")
    }
    #expect(s.p50Ms < s.p90Ms && s.p90Ms < s.p95Ms && s.p95Ms < s.p99Ms && s.p99Ms <= s.maxMs)
  }

  @Test func partialSecondScalesTps() {
    let (bucket, _) = loadedBucket()
    let s = SecondSample(bucket: bucket, gauges: gauges, duration: 0.25)
    #expect(s.tps == 4_016)
    #expect(s.duration == 0.25)
    #expect(SecondSample(bucket: bucket, gauges: gauges, duration: 0).tps == 0)
  }

  @Test func emptySecondHasZeroLatencies() {
    var bucket = SecondBucket(second: 3)
    bucket.errors[ErrorKind.connectRefused.index] = 5
    let paused = EngineGauges(vusers: 0, targetVusers: 10, connections: 0, paused: true)
    let s = SecondSample(bucket: bucket, gauges: paused, duration: 1)
    #expect(s.paused)
    #expect(s.tps == 5)
    #expect(s.errorsByKind == ["connect_refused": 5])
    #expect(s.statusCodes.isEmpty)
    #expect([s.mttMs, s.minMs, s.maxMs, s.p50Ms, s.p90Ms, s.p95Ms, s.p99Ms].allSatisfy { $0 == 0 })
  }

  @Test func singleLatencyIsEveryPercentile() {
    var recorder = Recorder()
    recorder.record(.response(status: 200), latencyMicros: 42_000, second: 0)
    let s = SecondSample(bucket: recorder.drain(through: 0)[0], gauges: gauges, duration: 1)
    for v in [s.mttMs, s.minMs, s.maxMs, s.p50Ms, s.p90Ms, s.p95Ms, s.p99Ms] {
      #expect(withinHistogramPrecision(v, 42))
    }
  }
}

@Suite(.timeLimit(.minutes(5))) struct RunTotalsTests {
  @Test func totalsAccumulateBuckets() {
    var recorder = Recorder()
    for second in 0..<5 {
      for i in 0..<10 {
        recorder.recordStart(second: second)
        recorder.record(
          .response(status: i == 0 ? 500 : 200), latencyMicros: UInt64((second + 1) * 1_000), second: second)
      }
      recorder.record(.failure(.readEOF), latencyMicros: nil, second: second, violation: nil)
      recorder.record(.failure(.protocol), latencyMicros: nil, second: second, violation: .badStatusLine)
      recorder.recordBytes(second: second, inbound: 10, outbound: 1)
      recorder.recordConnectionOpened(second: second)
    }
    recorder.recordStaleRetry(second: 4)
    var totals = RunTotals()
    for b in recorder.drain(through: 4) { totals.add(b) }

    #expect(totals.started == 50)
    #expect(totals.ok == 45)
    #expect(totals.errors(.http5xx) == 5)
    #expect(totals.errors(.readEOF) == 5)
    #expect(totals.errors(.protocol) == 5)
    #expect(totals.errorCount == 15)
    #expect(totals.completed == 60)
    #expect(totals.protocolViolations[ProtocolViolation.badStatusLine.index] == 5)
    #expect(totals.statusCodes == [200: 45, 500: 5])
    #expect(totals.bytesIn == 50)
    #expect(totals.bytesOut == 5)
    #expect(totals.connectionsOpened == 5)
    #expect(totals.staleRetries == 1)
    #expect(totals.latencyMinMicros == 1_000)
    #expect(totals.latencyMaxMicros == 5_000)
    // 10 latencies each of 1, 2, 3, 4, 5 ms.
    #expect(abs(totals.mttMs - 3) < 1e-9)
    #expect(withinHistogramPrecision(totals.percentileMs(50), 3))
    #expect(withinHistogramPrecision(totals.percentileMs(90), 5))
    #expect(withinHistogramPrecision(totals.percentileMs(99), 5))
  }

  @Test func emptyTotalsAreZeroNotGarbage() {
    let totals = RunTotals()
    #expect(totals.completed == 0)
    #expect(totals.mttMs == 0)
    #expect(totals.percentileMs(99) == 0)
    #expect(totals.errors.count == ErrorKind.count)
  }
}
