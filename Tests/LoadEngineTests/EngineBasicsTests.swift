import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

@Suite("Engine against a real NIO server", .timeLimit(.minutes(30)))
struct EngineBasicsTests {
  @Test("keep-alive load: counts agree with the server, one connection per vuser")
  func keepAliveCountsAgree() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let run = try await runEngine(try makeConfig(server.url, vusers: 8, duration: 2))
      await server.shutdown()
      run.expectNothingLost()
      run.expectContiguousSeries()
      #expect(run.totals.ok > 500)
      #expect(run.totals.errorCount == 0)
      #expect(server.requestCount == run.totals.ok + run.result.inflightAtStop)
      #expect(server.connectionCount == 8)
      #expect(run.totals.connectionsOpened == 8)
      #expect(run.snapshot.samples.first?.vusers == 8)
    }
  }

  @Test("a request cap stops the run after exactly that many requests")
  func requestCap() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let run = try await runEngine(try makeConfig(server.url, vusers: 4, requests: 777))
      await server.shutdown()
      #expect(run.scheduled == 777)
      #expect(run.totals.ok == 777)
      #expect(server.requestCount == 777)
      #expect(run.result.outcome == .complete)
    }
  }

  @Test("think time paces each vuser")
  func thinkTime() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let run = try await runEngine(
        try makeConfig(server.url, vusers: 5, duration: 2) { $0.think = 0.1 })
      await server.shutdown()
      // 5 vusers x ~10 requests/s x 2 s, minus the connect and response time.
      #expect((70...110).contains(run.totals.ok), "ok \(run.totals.ok)")
    }
  }

  @Test("latency is measured: a 50 ms server gives a mean near 50 ms")
  func latencyMeasured() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.05)
      let run = try await runEngine(try makeConfig(server.url, vusers: 4, duration: 1.5))
      await server.shutdown()
      #expect(run.totals.mttMs >= 50 && run.totals.mttMs < 65, "mtt \(run.totals.mttMs)")
      #expect(run.totals.percentileMs(99) < 80)
      // Little's law: throughput ~ vusers / latency.
      let tps = Double(run.totals.ok) / run.result.duration
      #expect(tps > 4 / 0.065 && tps < 4 / 0.05 * 1.05, "tps \(tps)")
    }
  }

  @Test("stages ramp up and down and end the run by themselves")
  func stagesEnd() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.01)
      var config = try makeConfig(server.url, vusers: 1)
      config.plan = .stages([
        .init(duration: 1, target: 10), .init(duration: 1, target: 10), .init(duration: 1, target: 0),
      ])
      let started = Date()
      let run = try await runEngine(config)
      await server.shutdown()
      #expect(Date().timeIntervalSince(started) < 5)
      #expect(run.result.outcome == .complete)
      let peak = run.snapshot.samples.map(\.vusers).max() ?? 0
      #expect(peak == 10)
      run.expectNothingLost()
      #expect(run.snapshot.events.contains { $0.kind == .planEnd })
    }
  }
}
