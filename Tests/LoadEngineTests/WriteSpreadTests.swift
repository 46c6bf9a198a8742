import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// A big round's requests are carried into the next round and written one per response read
/// there (`LoopWorker.writeQueued`): every carried request must still go out, on its own vuser's
/// connection, and be booked once.
@Suite("Writes spread over the next round", .timeLimit(.minutes(30)))
struct WriteSpreadTests {
  @Test("a lone vuser's carried request goes out with no response to pace it")
  func carriedWithoutReads() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      // Every round is "big": the one vuser's next request is carried, and no read follows.
      let config = try makeConfig(server.url, vusers: 1, duration: 10, requests: 300) {
        $0.spreadBurst = 1
      }
      let run = try await runEngine(config)
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.totals.ok == 300 && run.totals.errorCount == 0)
      #expect(server.requestCount == 300)
      // Carried requests wait for the next poll, not for the run's end: the budget, not the 10 s
      // plan, ended the run (on the engine's clock; a wall-clock bound on the test failed when a
      // busy machine ran it slowly).
      #expect(run.result.duration < 10, "duration \(run.result.duration) s")
    }
  }

  @Test("carried requests stay on their vusers' connections and none is lost")
  func carriedUnderLoad() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let config = try makeConfig(server.url, vusers: 32, requests: 3000) {
        $0.spreadBurst = 1
        $0.eventLoops = 1
      }
      let run = try await runEngine(config)
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.totals.ok == 3000 && run.totals.errorCount == 0)
      #expect(server.requestCount == 3000)
      #expect(server.connectionCount == 32)
    }
  }

  @Test("with the default threshold, 300 vusers on one loop lose nothing")
  func defaultThreshold() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let config = try makeConfig(server.url, vusers: 300, requests: 6000) { $0.eventLoops = 1 }
      let run = try await runEngine(config)
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.totals.ok == 6000 && run.totals.errorCount == 0)
      #expect(server.requestCount == 6000)
      #expect(server.connectionCount == 300)
    }
  }
}
