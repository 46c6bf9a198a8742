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
      // Over the run's own length (a loaded machine may end it late): each of the 5 vusers sends
      // at most its first request and one per think time, and at least one per think time plus a
      // generous 400 ms for connect and response (loopback answers in a millisecond when quiet).
      let duration = run.result.duration
      #expect(run.totals.ok <= Int(5 * (duration / 0.1 + 1)), "ok \(run.totals.ok) in \(duration) s")
      #expect(run.totals.ok >= Int(5 * duration / 0.5), "ok \(run.totals.ok) in \(duration) s")
    }
  }

  @Test("latency is measured: a 50 ms server gives a mean near 50 ms")
  func latencyMeasured() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.05)
      let run = try await runEngine(try makeConfig(server.url, vusers: 4, duration: 1.5))
      await server.shutdown()
      // Every answer waits the server's 50 ms: no latency is below it.
      #expect(run.totals.mttMs >= 50, "mtt \(run.totals.mttMs)")
      #expect(run.totals.percentileMs(50) >= 50, "p50 \(run.totals.percentileMs(50))")
      // Little's law on the engine's own figures (fixed ceilings on the mean or the rate failed
      // on a busy machine, whose late timers add real latency): the 4 vusers hold one request
      // each, so the latencies add up to at most 4 x the run's length, and to most of it, the
      // rest being the connects, the moments between an answer and the next request, and the end.
      let inFlight = Double(run.totals.ok) * run.totals.mttMs / 1000 / run.result.duration
      #expect(
        inFlight <= 4 && inFlight >= 4 * 0.75,
        "\(inFlight) in flight, tps \(Double(run.totals.ok) / run.result.duration)")
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
      let run = try await runEngine(config)
      await server.shutdown()
      // The plan's three seconds ran, and the run ended by itself (the suite's time limit is what
      // catches a run that never ends; a wall-clock bound here failed on a loaded machine).
      #expect(run.result.duration >= 3, "duration \(run.result.duration) s")
      #expect(run.result.outcome == .complete)
      let peak = run.snapshot.samples.map(\.vusers).max() ?? 0
      #expect(peak == 10)
      run.expectNothingLost()
      #expect(run.snapshot.events.contains { $0.kind == .planEnd })
    }
  }
}
