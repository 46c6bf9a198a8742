import Metrics
import Testing

@Suite(.timeLimit(.minutes(5))) struct RecorderTests {
  @Test func outcomesAreBucketedByTheSecondTheyFinishIn() {
    var recorder = Recorder()
    recorder.recordStart(second: 0)
    recorder.recordStart(second: 0)
    recorder.recordStart(second: 0)
    recorder.record(.response(status: 200), latencyMicros: 1_000, second: 0)
    recorder.record(.response(status: 200), latencyMicros: 2_000, second: 0)
    recorder.record(.response(status: 404), latencyMicros: 3_000, second: 0)
    recorder.record(.failure(.connectRefused), latencyMicros: nil, second: 0)
    recorder.record(.response(status: 201), latencyMicros: 4_000, second: 1)

    let first = recorder.drain(through: 0)
    #expect(first.map(\.second) == [0])
    let b = first[0]
    #expect(b.started == 3)
    #expect(b.ok == 2)
    #expect(b.errors[ErrorKind.http4xx.index] == 1)
    #expect(b.errors[ErrorKind.connectRefused.index] == 1)
    #expect(b.errorCount == 2)
    #expect(b.completed == 4)
    #expect(b.statusCodes == [200: 2, 404: 1])
    // A transport failure has no latency; the 404 does.
    #expect(b.latencyCount == 3)
    #expect(b.latencySumMicros == 6_000)
    #expect(b.latencyMinMicros == 1_000)
    #expect(b.latencyMaxMicros == 3_000)

    // Draining the same second again yields nothing; the next second is still there.
    #expect(recorder.drain(through: 0).isEmpty)
    let second = recorder.drain(through: 1)
    #expect(second.map(\.second) == [1])
    #expect(second[0].ok == 1)
    #expect(second[0].statusCodes == [201: 1])
  }

  @Test func drainReturnsOnlySecondsUpToTheLimitInOrder() {
    var recorder = Recorder()
    recorder.record(.response(status: 200), latencyMicros: 10, second: 0)
    recorder.record(.response(status: 200), latencyMicros: 10, second: 2)
    recorder.record(.response(status: 200), latencyMicros: 10, second: 5)

    let early = recorder.drain(through: 3)
    #expect(early.map(\.second) == [0, 2])
    #expect(early.map(\.ok) == [1, 1])

    // Second 5 is still the open bucket: it is drained only once asked for.
    #expect(recorder.drain(through: 4).isEmpty)
    let late = recorder.drain(through: 5)
    #expect(late.map(\.second) == [5])
    #expect(late[0].ok == 1)
  }

  @Test func drainClosesTheOpenSecondEvenWhenNothingHappened() {
    var recorder = Recorder(second: 7)
    let drained = recorder.drain(through: 7)
    #expect(drained.map(\.second) == [7])
    #expect(drained[0].completed == 0)
    #expect(drained[0].latencyCount == 0)
    // The next bucket opened after the drained second.
    recorder.record(.response(status: 200), latencyMicros: 5, second: 8)
    #expect(recorder.drain(through: 8).map(\.ok) == [1])
  }

  @Test func lateOutcomesAreBookedIntoTheCurrentSecondAndNeverLost() {
    var recorder = Recorder()
    recorder.record(.response(status: 200), latencyMicros: 10, second: 2)
    // Late for second 1, which is already behind the open bucket (2).
    recorder.record(.response(status: 200), latencyMicros: 10, second: 1)
    let drained = recorder.drain(through: 2)
    #expect(drained.map(\.second) == [0, 2])
    #expect(drained[0].completed == 0)
    #expect(drained[1].ok == 2)

    // Second 2 is drained; an outcome still stamped with it goes into the open bucket (3).
    recorder.record(.failure(.timeout), latencyMicros: nil, second: 2)
    recorder.recordStart(second: 0)
    let next = recorder.drain(through: 3)
    #expect(next.map(\.second) == [3])
    #expect(next[0].errors[ErrorKind.timeout.index] == 1)
    #expect(next[0].started == 1)
    #expect(recorder.drain(through: 100).allSatisfy { $0.completed == 0 && $0.started == 0 })
  }

  @Test func countersBesideOutcomesAreKept() {
    var recorder = Recorder()
    recorder.recordBytes(second: 0, inbound: 100, outbound: 40)
    recorder.recordBytes(second: 0, inbound: 5)
    recorder.recordBytes(second: 0, outbound: 2)
    recorder.recordConnectionOpened(second: 0)
    recorder.recordConnectionOpened(second: 0)
    recorder.recordStaleRetry(second: 0)
    recorder.recordIntermediateStatus(302, second: 0)
    recorder.record(.response(status: 200), latencyMicros: 9, second: 0)
    let b = recorder.drain(through: 0)[0]
    #expect(b.bytesIn == 105)
    #expect(b.bytesOut == 42)
    #expect(b.connectionsOpened == 2)
    #expect(b.staleRetries == 1)
    // The redirect hop is a status seen, not a request completed.
    #expect(b.statusCodes == [302: 1, 200: 1])
    #expect(b.completed == 1)
  }

  @Test func protocolViolationsAreCountedOnlyForFailures() {
    var recorder = Recorder()
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0, violation: .badChunk)
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0, violation: .badChunk)
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0, violation: .bareLineFeed)
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0)
    recorder.record(.response(status: 200), latencyMicros: 1, second: 0, violation: .badHeader)
    let b = recorder.drain(through: 0)[0]
    #expect(b.errors[ErrorKind.protocol.index] == 4)
    #expect(b.protocolViolations[ProtocolViolation.badChunk.index] == 2)
    #expect(b.protocolViolations[ProtocolViolation.bareLineFeed.index] == 1)
    #expect(b.protocolViolations[ProtocolViolation.badHeader.index] == 0)
    #expect(b.protocolViolations.reduce(0, +) == 3)
  }

  @Test func connectionViolationsAreCountedWithoutAnError() {
    var recorder = Recorder()
    recorder.record(.response(status: 200), latencyMicros: 5, second: 0)
    recorder.recordViolation(.unexpectedData, second: 0)
    recorder.record(.failure(.protocol), latencyMicros: nil, second: 0, violation: .unexpectedData)
    let b = recorder.drain(through: 0)[0]
    #expect(b.ok == 1)
    #expect(b.errorCount == 1)
    #expect(b.completed == 2)
    #expect(b.protocolViolations[ProtocolViolation.unexpectedData.index] == 2)
  }

  @Test(
    arguments: [
      (100, nil), (200, nil), (204, nil), (301, nil), (399, nil), (400, ErrorKind.http4xx),
      (404, .http4xx), (499, .http4xx), (500, .http5xx), (503, .http5xx), (599, .http5xx), (600, nil),
    ] as [(Int, ErrorKind?)])
  func statusClassification(status: Int, kind: ErrorKind?) {
    #expect(ErrorKind(status: status) == kind)
    var recorder = Recorder()
    recorder.record(.response(status: status), latencyMicros: 1, second: 0)
    let b = recorder.drain(through: 0)[0]
    #expect(b.ok == (kind == nil ? 1 : 0))
    #expect(b.errorCount == (kind == nil ? 0 : 1))
    if let kind { #expect(b.errors[kind.index] == 1) }
  }

  @Test func latencyIsClampedIntoTheHistogramRange() {
    var bucket = SecondBucket(second: 0)
    bucket.recordLatency(micros: 0)
    bucket.recordLatency(micros: LatencyHistogram.highestTrackableMicros * 2)
    #expect(bucket.latencyCount == 2)
    #expect(bucket.latencyMinMicros == 1)
    #expect(bucket.latencyMaxMicros == LatencyHistogram.highestTrackableMicros)
  }
}
