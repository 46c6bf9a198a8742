import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// The open model against a real NIO server (issue 19): arrivals paced from the plan clock, every
/// offered request accounted for, and the latency of a stalling target measured from each
/// request's intended start (FAULTS NET-03). Figures asserted come from the mechanism (the stall's
/// share of the time, the pool's size), never from one quiet run.
@Suite("Open model: arrival rate, backlog, corrected latency", .timeLimit(.minutes(30)))
struct OpenModelTests {
  static func openConfig(
    _ url: String, rate: Double, duration: Double, maxVusers: Int? = nil, maxBacklog: Int? = nil,
    spacing: OpenModel.Spacing = .even
  ) throws -> EngineConfig {
    try makeConfig(url, vusers: 1, duration: duration) {
      $0.open = OpenModel(
        plan: .constant(rate), maxVusers: maxVusers, maxBacklog: maxBacklog, spacing: spacing)
      $0.requestTimeout = 10
    }
  }

  /// Offered arrivals are the requests started plus those dropped: none vanish.
  static func expectEveryArrivalAccounted(_ run: EngineRun, sourceLocation: SourceLocation = #_sourceLocation)
  {
    let arrivals = run.totals.arrivals
    #expect(arrivals != nil, "no arrival tally in an open-model run", sourceLocation: sourceLocation)
    let offered = arrivals?.offered ?? 0
    let dropped = arrivals?.dropped ?? 0
    #expect(
      offered == run.scheduled + dropped,
      "offered \(offered) != started \(run.scheduled) + dropped \(dropped)",
      sourceLocation: sourceLocation)
    run.expectNothingLost(sourceLocation: sourceLocation)
  }

  @Test("a constant rate is offered exactly, second by second, and the target keeps up")
  func constantRateIsOfferedExactly() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      for spacing in [OpenModel.Spacing.even, .poisson] {
        let run = try await runEngine(
          try Self.openConfig(server.url, rate: 300, duration: 4, spacing: spacing))
        Self.expectEveryArrivalAccounted(run)
        let whole = run.snapshot.samples.filter(\.isWhole)
        #expect(whole.count >= 4, "\(run.snapshot.samples.map(\.t))")
        let offered = run.totals.arrivals?.offered ?? 0
        if spacing == .even {
          // Arrival n is due at n/300 s and nothing at or after 4 s is offered: exactly 1,200.
          #expect(offered == 1200, "offered \(offered)")
          // Each second holds 300 of them. One sent late across a boundary counts in the next
          // second, and was sent more than 1 ms late (the tally's `late`, booked in the second it
          // went) unless it was due in the boundary's last millisecond: a second can gain at most
          // its own late ones and lose at most the next one's, a few more on a quiet machine.
          let rows = run.snapshot.samples
          for row in whole.prefix(4) {
            let lateIn = row.late ?? 0
            let lateNext = rows.first { $0.t == row.t + 1 }?.late ?? 0
            let offeredInRow = row.offered ?? 0
            #expect(
              offeredInRow <= 300 + 3 + lateIn && offeredInRow >= 300 - 3 - lateNext,
              "second \(row.t) offered \(offeredInRow), late \(lateIn) here and \(lateNext) next")
          }
        } else {
          // Poisson: 1,200 expected over 4 s, standard deviation about 35.
          #expect(abs(offered - 1200) < 200, "poisson offered \(offered) in 4 s")
        }
        #expect(run.totals.arrivals?.dropped == 0)
        #expect(run.totals.errorCount == 0)
        #expect(run.result.inflightAtStop == 0)
      }
      await server.shutdown()
    }
  }

  @Test("NET-03: a target that holds every response 1 s out of 5, with vusers enough, has p99 >= 0.8 s")
  func stallIsMeasuredFromTheIntendedStart() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      server.stall(for: 1, every: 5)
      // 200/s: a stall holds up to 200 requests at once; 400 vusers leave room for them all.
      let run = try await runEngine(try Self.openConfig(server.url, rate: 200, duration: 10, maxVusers: 400))
      await server.shutdown()
      Self.expectEveryArrivalAccounted(run)
      let totals = run.totals
      // 20% of arrivals land in a stall and wait 0-1 s: p99 is about 0.95 s, p50 unstalled.
      #expect(totals.percentileMs(99) >= 800, "corrected p99 \(totals.percentileMs(99)) ms")
      #expect(totals.percentileMs(50) < 100, "corrected p50 \(totals.percentileMs(50)) ms")
      // Sent on time (a free vuser for every arrival), so both views see the wait.
      let uncorrected = try #require(totals.arrivals?.uncorrectedFigures)
      #expect(uncorrected.p99Ms >= 800, "uncorrected p99 \(uncorrected.p99Ms) ms")
      #expect(totals.arrivals?.dropped == 0)
    }
  }

  @Test("NET-03 with a pool far too small: late and dropped are counted, corrected p99 stays >= 0.8 s")
  func aSmallPoolShowsLateArrivalsNotBetterLatency() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      server.stall(for: 1, every: 5)
      let run = try await runEngine(try Self.openConfig(server.url, rate: 200, duration: 10, maxVusers: 5))
      await server.shutdown()
      Self.expectEveryArrivalAccounted(run)
      let arrivals = try #require(run.totals.arrivals)
      // Five vusers stuck in a stall hold every arrival of that second back.
      #expect(arrivals.late + arrivals.dropped > 100, "late \(arrivals.late) dropped \(arrivals.dropped)")
      #expect(arrivals.waitedForVuser > 0)
      #expect(run.snapshot.samples.contains { $0.generatorLimited == true })
      #expect(run.totals.percentileMs(99) >= 800, "corrected p99 \(run.totals.percentileMs(99)) ms")
      // From the actual send, only the five requests in flight per stall are slow: what a closed
      // model would have reported.
      #expect(
        arrivals.uncorrectedFigures.p99Ms < 500, "uncorrected p99 \(arrivals.uncorrectedFigures.p99Ms) ms")
      #expect(run.totals.errorCount == 0)
    }
  }

  @Test("NET-03 in the closed model: five vusers report the same stall as fast (coordinated omission)")
  func theClosedModelUnderSamplesTheStall() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      server.stall(for: 1, every: 5)
      let run = try await runEngine(try makeConfig(server.url, vusers: 5, duration: 10))
      await server.shutdown()
      run.expectNothingLost()
      #expect(run.totals.arrivals == nil)
      // Each vuser waits out each stall once: about 10 slow samples among thousands.
      #expect(run.totals.percentileMs(99) < 500, "closed p99 \(run.totals.percentileMs(99)) ms")
    }
  }

  @Test("a live rate change and a pause: arrivals follow the new rate, none are owed after the pause")
  func liveRateAndPause() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let run = try await runEngine(try Self.openConfig(server.url, rate: 100, duration: 6)) { engine in
        await untilPlanTime(engine, 2)
        try engine.setRate(300)
        await untilPlanTime(engine, 4)
        engine.pause()
        try? await Task.sleep(for: .seconds(2.5))
        engine.resume()
      }
      await server.shutdown()
      Self.expectEveryArrivalAccounted(run)
      let changes = run.snapshot.events.filter { $0.kind == .setRate }
      #expect(changes.map(\.value) == [300])
      // 100/s until the change, 300/s after it, to plan time 6, the paused 2.5 s owing none: 1,400
      // when the change lands at plan time 2. It lands when this test's task runs, which a loaded
      // machine may delay; the engine journals when (before the pause, elapsed is plan time).
      let changedAt = try #require(changes.first?.elapsed)
      let expected = 100 * changedAt + 300 * (6 - changedAt)
      let offered = run.totals.arrivals?.offered ?? 0
      #expect(abs(Double(offered) - expected) <= 3, "offered \(offered), expected \(expected)")
      // A whole second inside the pause offered nothing.
      let pauseAt = try #require(run.snapshot.events.first { $0.kind == .pause }?.elapsed)
      let resumeAt = try #require(run.snapshot.events.first { $0.kind == .resume }?.elapsed)
      let inside = run.snapshot.samples.filter {
        Double($0.t) >= pauseAt.rounded(.up) && Double($0.t + 1) <= resumeAt
      }
      #expect(!inside.isEmpty, "no whole second inside the pause \(pauseAt)-\(resumeAt)")
      for row in inside {
        #expect(row.offered == 0, "second \(row.t) offered \(row.offered ?? -1) while paused")
      }
      #expect(throws: ControlError.self) { try LoadEngineRefusal.closedRate(server.url) }
    }
  }
}

/// A closed-model engine refuses a rate.
enum LoadEngineRefusal {
  static func closedRate(_ url: String) throws {
    let engine = try LoadEngine(config: try makeConfig(url, vusers: 1, duration: 1), store: MetricsStore())
    try engine.setRate(10)
  }
}

/// Waits until the engine's plan clock reads `seconds` (checked every 5 ms).
func untilPlanTime(_ engine: LoadEngine, _ seconds: Double) async {
  while engine.status().planElapsed < seconds, engine.status().phase != .done {
    try? await Task.sleep(for: .milliseconds(5))
  }
}
