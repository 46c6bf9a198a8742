import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// Issue 18: bytes beyond a complete response. The response is booked as it came (ok, status,
/// latency); its connection is dropped and counted as `unexpected_data` in the protocol breakdown,
/// which fails no request; the next request never takes the excess for its answer.
// The limit covers the wait for HeavyTest: in the full run these start about 5 minutes in.
@Suite("Bytes after a complete response", .timeLimit(.minutes(30)))
struct ExcessBytesTests {
  @Test("excess in the same read as the response's end: every response booked, each connection dropped")
  func excessInTheSameRead() async throws {
    try await HeavyTest.run {
      let server = try Faultd("excess")
      let run = try await runEngine(try makeConfig(server.url, vusers: 2, requests: 20))
      let counts = try server.counts()
      server.stop()
      run.expectResponsesBooked(20, excess: 20)
      #expect(run.totals.connectionsOpened == 20)
      #expect(counts.requests == 20)
    }
  }

  @Test("excess arriving while the connection is idle: counted, and the next request goes on a fresh one")
  func excessWhileIdle() async throws {
    try await HeavyTest.run {
      // The excess comes 10 ms after each response; the vusers think 500 ms before the next
      // request, so it always finds the connection idle.
      let server = try Faultd("excess_after=10")
      let run = try await runEngine(try makeConfig(server.url, vusers: 4, requests: 12) { $0.think = 0.5 })
      let counts = try server.counts()
      server.stop()
      run.expectResponsesBooked(12, excess: 12)
      #expect(run.totals.connectionsOpened == 12)
      #expect(counts.requests == 12)
    }
  }

  @Test(
    "excess arriving after the next request was written: that GET is resent, not failed or answered by it")
  func excessAfterTheNextRequest() async throws {
    try await HeavyTest.run {
      // Every request but each vuser's first goes on a reused connection and meets the previous
      // answer's excess; it is resent once on a fresh connection, where its answer is clean.
      let server = try Faultd("excess_on_next")
      let run = try await runEngine(try makeConfig(server.url, vusers: 2, requests: 20))
      let counts = try server.counts()
      server.stop()
      run.expectResponsesBooked(20, excess: 18)
      #expect(run.totals.connectionsOpened == 20)
      #expect(run.totals.staleRetries == 0)
      // The target answered each of the 18 twice: once into the dropped connection.
      #expect(counts.requests == 20 + 18)
    }
  }

  @Test("a POST that meets the excess after it was written is not resent: it fails as protocol")
  func excessAfterAPost() async throws {
    try await HeavyTest.run {
      // One vuser: a clean answer on a fresh connection, then the excess in place of the next
      // answer, a fresh connection again, and so on.
      let server = try Faultd("excess_on_next")
      let run = try await runEngine(
        try makeConfig(server.url, vusers: 1, requests: 5) {
          $0.request = try! RequestTemplate(method: "POST", body: Array("x=1".utf8))
        })
      let counts = try server.counts()
      server.stop()
      run.expectNothingLost()
      #expect(run.totals.ok == 3)
      #expect(run.errors(.protocol) == 2, "\(ErrorKind.countsByName(run.totals.errors))")
      #expect(run.totals.errorCount == 2)
      #expect(ProtocolViolation.countsByName(run.totals.protocolViolations) == ["unexpected_data": 2])
      #expect(counts.byMethod["POST"] == 5)
    }
  }
}

extension EngineRun {
  /// Every request answered 200 and booked as ok with its latency; no request error; `excess`
  /// connections counted as `unexpected_data`, the only protocol violation.
  func expectResponsesBooked(_ requests: Int, excess: Int, sourceLocation: SourceLocation = #_sourceLocation)
  {
    expectNothingLost(sourceLocation: sourceLocation)
    #expect(scheduled == requests, sourceLocation: sourceLocation)
    #expect(totals.ok == requests, "\(ErrorKind.countsByName(totals.errors))", sourceLocation: sourceLocation)
    #expect(status(200) == requests, "\(totals.statusCodes)", sourceLocation: sourceLocation)
    #expect(totals.histogram.totalCount == UInt64(requests), sourceLocation: sourceLocation)
    #expect(totals.errorCount == 0, sourceLocation: sourceLocation)
    #expect(
      ProtocolViolation.countsByName(totals.protocolViolations) == ["unexpected_data": excess],
      sourceLocation: sourceLocation)
  }
}
