import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// Issue 18: a reset while the connection is being set up is `connect_reset`, not a refusal; a
/// reset once the request has left stays `read_reset`.
// The limit covers the wait for HeavyTest: in the full run these start about 5 minutes in.
@Suite("Resets while a connection is set up", .timeLimit(.minutes(30)))
struct ConnectResetTests {
  @Test("a reset during the TLS handshake is connect_reset for every request, never refused or tls")
  func resetDuringTLSHandshake() async throws {
    try await HeavyTest.run {
      // The server reads the ClientHello, then resets: the handshake, and so the connection's
      // setup, is never done, and no request byte can have left.
      let server = try await ResettingServer(resetting: .onFirstBytes)
      let run = try await runEngine(
        try makeConfig("https://127.0.0.1:\(server.port)/", vusers: 4, requests: 12))
      let resets = server.resets
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.scheduled == 12)
      #expect(run.errors(.connectReset) == 12, "\(ErrorKind.countsByName(run.totals.errors))")
      #expect(run.totals.errorCount == 12)
      #expect(run.errors(.connectRefused) == 0)
      #expect(run.errors(.tls) == 0)
      #expect(run.totals.ok == 0)
      #expect(resets == 12)
      #expect(run.totals.connectionsOpened == 12)
    }
  }

  @Test("a reset once the request has arrived stays read_reset: the request left")
  func resetAfterTheRequest() async throws {
    try await HeavyTest.run {
      let server = try await ResettingServer(resetting: .onFirstBytes)
      let run = try await runEngine(
        try makeConfig("http://127.0.0.1:\(server.port)/", vusers: 8, requests: 24))
      let resets = server.resets
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.errors(.readReset) == 24, "\(ErrorKind.countsByName(run.totals.errors))")
      #expect(run.totals.errorCount == 24)
      #expect(run.errors(.connectReset) == 0)
      #expect(resets == 24)
    }
  }

  @Test("a reset at accept is connect_reset or read_reset (did the request leave first?), never refused")
  func resetAtAccept() async throws {
    try await HeavyTest.run {
      // Whether the reset or the request's write comes first is a race between two threads; each
      // side of it has one kind, and a refusal or a write error is neither.
      let server = try await ResettingServer(resetting: .onAccept)
      let run = try await runEngine(
        try makeConfig("http://127.0.0.1:\(server.port)/", vusers: 8, requests: 32))
      let resets = server.resets
      await server.shutdown()
      run.expectNothingLost()
      let counts = ErrorKind.countsByName(run.totals.errors)
      #expect(run.errors(.connectReset) + run.errors(.readReset) == 32, "\(counts)")
      #expect(run.errors(.connectRefused) == 0, "\(counts)")
      #expect(run.errors(.write) == 0, "\(counts)")
      #expect(resets == 32)
    }
  }
}
