import Foundation
import SeededRandom
import Testing
import Vocabulary

@testable import Metrics

/// The capacity search against simulated targets of known capacity: one closed second at a time,
/// as the run feeds it, with the window's figures read from the simulated target at the rate held.
@Suite(.timeLimit(.minutes(1))) struct CapacitySearchTests {
  /// A target that serves `capacity` requests/s: below it p99 is `floorMs`; above it a queue grows
  /// (p99 climbs by a second per 10% over) and, past `errorsFrom` x capacity, the excess is refused.
  struct Target {
    var capacity: Double
    var floorMs = 20.0
    var errorsFrom = 1.0
    /// Seconds at the start of the run when every response is slow (a cold cache), and a second
    /// whose rows say the client was limited from this rate up.
    var clientLimitFrom = Double.infinity
    /// What the client's lag adds to latency from the intended start once it is limited.
    var lagMs = 1000.0
    /// Refusals answered at once pull a second's median far below a served request's time.
    var fastRefusals = false
    var noise = 0.03
    /// Requests beyond the capacity wait in a queue that drains only at the spare capacity, as a
    /// real server's does: a step after an overload starts with it.
    var keepsQueue = false

    func p99(_ rate: Double, _ rng: inout SplitMix64) -> Double {
      let over = max(0, rate / capacity - 1)
      // A client that falls behind sends late, and latency counts from the intended start.
      let lagMs = rate >= clientLimitFrom ? self.lagMs : 0
      return (floorMs + 10_000 * over + lagMs) * (1 + noise * rng.normal())
    }

    func errorRate(_ rate: Double) -> Double {
      rate > capacity * errorsFrom ? (rate - capacity * errorsFrom) / rate : 0
    }
  }

  struct Run {
    var result: CapacityResult
    var seconds: Int
    var rates: [Double]
  }

  /// Feeds the search one second at a time until it finishes (at most `limit` seconds).
  static func run(
    _ settings: CapacitySearch.Settings, against target: Target, pausedSeconds: Set<Int> = [],
    limit: Int = 2000,
    seed: UInt64 = 7
  ) throws -> Run {
    var search = CapacitySearch(settings)
    var rng = SplitMix64(seed: seed)
    var rate = search.firstRate
    var rates = [rate]
    var window: [(rate: Double, p99: Double, requests: Int, errors: Int)] = []
    var queue = 0.0
    for t in 0..<limit {
      let paused = pausedSeconds.contains(t)
      let requests = paused ? 0 : max(1, Int(rate.rounded()))
      let errors = Int((Double(requests) * target.errorRate(rate)).rounded())
      queue = max(0, queue + (paused ? 0 : rate) - target.capacity)
      let p99 = target.keepsQueue ? target.floorMs + queue / target.capacity * 1000 : target.p99(rate, &rng)
      let limited = rate >= target.clientLimitFrom
      // A queueing target completes no more than its capacity while its queue grows.
      let served = target.keepsQueue && queue > 0 ? min(requests, Int(target.capacity)) : requests
      let sample = SecondSample(
        t: t, duration: 1, vusers: 1, targetVusers: 1, connections: 1, paused: paused, started: requests,
        ok: served - errors, errors: errors, errorsByKind: errors > 0 ? ["http_5xx": errors] : [:],
        statusCodes: [:], tps: Double(served), mttMs: p99 / 2, minMs: 1, maxMs: p99 * 1.2,
        p50Ms: target.fastRefusals && errors * 3 > requests ? 0.2 : p99 / 2,
        p90Ms: p99 * 0.8, p95Ms: p99 * 0.9, p99Ms: p99, bytesIn: 0, bytesOut: 0, connects: 0, staleRetries: 0,
        logErrors: nil, offered: requests, targetRate: rate, late: 0, dropped: 0, generatorLimited: limited)
      window.append((rate, p99, served, errors))
      let action = search.observe(sample) {
        let requests = window.reduce(0) { $0 + $1.requests }
        let worst = window.map(\.p99).max() ?? 0
        return ThresholdFigures(
          durationS: Double(window.count), requests: requests, errors: window.reduce(0) { $0 + $1.errors },
          errorsByKind: [:], mttMs: worst / 2, p50Ms: worst / 2, p90Ms: worst * 0.8, p95Ms: worst * 0.9,
          p99Ms: worst, maxMs: worst * 1.2)
      }
      switch action {
      case .none: break
      case .startWindow: window = []
      case .setRate(let next):
        rate = next
        rates.append(next)
      case .finish(let result): return Run(result: result, seconds: t + 1, rates: rates)
      }
    }
    Issue.record("the search did not finish in \(limit) seconds")
    throw CancellationError()
  }

  static let slos = [try! Threshold(parsing: "p99<300ms"), try! Threshold(parsing: "errors<1%")]

  @Test("the capacity lies in [0.85 C, 1.02 C] for SLOs that only break at saturation, within the budget")
  func findsKnownCapacities() throws {
    for capacity in [3.0, 47, 200, 1234, 9000, 60000] {
      let settings = CapacitySearch.Settings(slos: Self.slos, maxRate: 100_000, stepTime: 10, budget: 300)
      let run = try Self.run(settings, against: Target(capacity: capacity))
      let result = run.result
      #expect(result.verdict == .found, "C=\(capacity): \(result.headline)")
      let found = try #require(result.capacityRps, "C=\(capacity)")
      #expect(found >= 0.85 * capacity && found <= 1.02 * capacity, "C=\(capacity): \(result.headline)")
      let failed = try #require(result.failedRps)
      #expect(failed > found)
      #expect((failed - found) / failed <= 0.05 || capacity < 10, "C=\(capacity): \(result.headline)")
      #expect(result.limitingSLO != nil)
      #expect(Double(run.seconds) <= settings.budget, "C=\(capacity): \(run.seconds) s")
      // Every held step that passed is below every failure.
      for step in result.steps where step.verdict == .pass && step.phase == .hold {
        #expect(step.rate <= capacity * 1.02, "C=\(capacity): passed at \(step.rate)")
      }
    }
  }

  @Test("the SLO that breaks first is named: errors where the target refuses, p99 where it queues")
  func namesTheLimitingSLO() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, stepTime: 6)
    let refusing = try Self.run(settings, against: Target(capacity: 500, errorsFrom: 1.0)).result
    // Refusals start at C and 1% of them break errors<1% within 1% over C, before p99 grows 300 ms.
    #expect(refusing.limitingSLO == "errors<1%", "\(refusing.headline)")
    let queueing = try Self.run(settings, against: Target(capacity: 500, errorsFrom: 10)).result
    #expect(queueing.limitingSLO == "p99<300ms", "\(queueing.headline)")
    #expect(queueing.headline.contains("p99<300ms read"), "\(queueing.headline)")
  }

  @Test("a queue left by a failed step drains at a lower rate before the next step is measured")
  func coolsDownAfterAFailure() throws {
    let target = Target(capacity: 200, errorsFrom: 100, keepsQueue: true)
    let settings = CapacitySearch.Settings(slos: [try Threshold(parsing: "p99<100ms")], stepTime: 5)
    let run = try Self.run(settings, against: target)
    // Without the cool-down the 256/s overload leaves a queue that fails the steps after it.
    let capacity = try #require(run.result.capacityRps, "\(run.result.headline)")
    #expect(capacity >= 0.9 * 200 && capacity <= 200, "\(run.result.headline)")
    // After each failure the rate drops below the last pass before the next step.
    for (i, step) in run.result.steps.enumerated()
    where step.verdict == .fail && i + 1 < run.result.steps.count {
      let after = run.rates.drop { $0 != step.rate }.dropFirst().first
      #expect((after ?? 0) < (run.result.steps[i + 1].rate), "after \(step.rate): \(run.rates)")
    }
  }

  @Test("the cool-down ends once served requests are back near their floor, fast refusals or not")
  func coolDownEndsOnRecovery() throws {
    let target = Target(capacity: 200, fastRefusals: true)
    let settings = CapacitySearch.Settings(slos: Self.slos, minRate: 50, stepTime: 5, precision: 0.05)
    let steps = try Self.run(settings, against: target).result.steps
    let failedHolds = steps.indices.dropLast().filter {
      steps[$0].phase == .hold && steps[$0].verdict == .fail
    }
    #expect(!failedHolds.isEmpty, "\(steps.map(\.rate))")
    for i in failedHolds {
      // One second for the queue's tail, one seen clean: not the 2 x --step-time backstop.
      let cooling = steps[i + 1].startS - steps[i].endS
      #expect(cooling <= 2, "\(cooling) s of cooling after \(steps[i].rate)/s")
    }
  }

  @Test(
    "a rate past the capacity fails even while the queue keeps latency within the SLO: achieved falls behind")
  func aGrowingQueueIsNotSustained() throws {
    // 20 ms floor, queue grows 4% of C per second over: at 1.04 C a 4 s window ends at 160 ms p99.
    let target = Target(capacity: 200, errorsFrom: 100, keepsQueue: true)
    let settings = CapacitySearch.Settings(slos: [try Threshold(parsing: "p99<300ms")], stepTime: 5)
    let result = try Self.run(settings, against: target).result
    let capacity = try #require(result.capacityRps, "\(result.headline)")
    #expect(capacity >= 0.85 * 200 && capacity <= 1.02 * 200, "\(result.headline)")
    let failures = result.steps.filter { $0.verdict == .fail && $0.rate < 1.2 * 200 }
    #expect(failures.contains { step in step.results.contains { $0.expr == "achieved>=98%" && !$0.ok } })
  }

  @Test("a target that passes at --max-rate gets that verdict, not a number")
  func passesAtMaxRate() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, maxRate: 400, stepTime: 5, budget: 120)
    let result = try Self.run(settings, against: Target(capacity: 10_000)).result
    #expect(result.verdict == .passesAtMaxRate)
    #expect(result.capacityRps == 400)
    #expect(result.failedRps == nil)
    #expect(result.headline == "capacity at least 400/s: every SLO held at --max-rate")
    #expect(result.steps.last?.phase == .hold && result.steps.last?.rate == 400)
  }

  @Test("a target that fails at --min-rate gets that verdict")
  func failsAtMinRate() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, minRate: 50, stepTime: 5, budget: 120)
    let result = try Self.run(settings, against: Target(capacity: 20)).result
    #expect(result.verdict == .failsAtMinRate, "\(result.headline)")
    #expect(result.capacityRps == nil)
    #expect(result.failedRps == 50)
    #expect(result.headline.hasPrefix("no capacity: failed at 50/s"), "\(result.headline)")
  }

  @Test("rampart's own limit is not the target's capacity")
  func clientLimitIsNamed() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, stepTime: 5, budget: 200)
    let result = try Self.run(settings, against: Target(capacity: 1e9, clientLimitFrom: 5000)).result
    #expect(result.verdict == .clientLimited, "\(result.headline)")
    let capacity = try #require(result.capacityRps)
    #expect(capacity < 5000 && capacity >= 0.95 * 5000 * 0.95, "\(result.headline)")
    #expect(result.failedRps == nil)
  }

  @Test(
    "errors are the target's answer even when rampart's loops lag: a refusing target is found, not client-limited"
  )
  func errorsOutrankALaggingClient() throws {
    // nginx's limit_req as rampart's debug build met it: the excess refused at once, and the
    // client's seconds flagged from a little past the capacity.
    let settings = CapacitySearch.Settings(
      slos: Self.slos, minRate: 50, stepTime: 3, precision: 0.1, budget: 60)
    let result = try Self.run(settings, against: Target(capacity: 300, clientLimitFrom: 320)).result
    #expect(result.verdict == .found, "\(result.headline)")
    let capacity = try #require(result.capacityRps)
    #expect(capacity >= 0.85 * 300 && capacity <= 1.02 * 300, "\(result.headline)")
    #expect(result.limitingSLO == "errors<1%", "\(result.headline)")
    // Where only latency failed while the loops lagged, the step says nothing about the target.
    let lagging = try Self.run(
      settings, against: Target(capacity: 300, errorsFrom: 10, clientLimitFrom: 320)
    ).result
    #expect(lagging.verdict == .clientLimited, "\(lagging.headline)")
    // Loops flagged from the first step (a debug build opening connections) with latency still
    // well within the SLO: the steps pass, and the search goes on to the target's capacity.
    let early = try Self.run(settings, against: Target(capacity: 300, clientLimitFrom: 50, lagMs: 5)).result
    #expect(early.verdict == .found, "\(early.headline)")
    #expect(try #require(early.capacityRps) >= 0.85 * 300, "\(early.headline)")
  }

  @Test("a budget too short to narrow the interval ends with budget_spent and the best answer so far")
  func budgetSpent() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, stepTime: 10, precision: 0.01, budget: 45)
    let run = try Self.run(settings, against: Target(capacity: 700))
    #expect(run.result.verdict == .budgetSpent, "\(run.result.headline)")
    #expect(run.seconds <= 45)
    #expect(run.result.headline.hasSuffix("budget spent"), "\(run.result.headline)")
  }

  @Test(
    "held steps wait for the percentile's samples: p99 wants 1,000; at 20/s the window grows to three times its length"
  )
  func heldStepsWaitForSamples() throws {
    let settings = CapacitySearch.Settings(
      slos: [try Threshold(parsing: "p99<300ms")], maxRate: 20, stepTime: 10, budget: 600)
    #expect(settings.samplesNeeded == 1000)
    let result = try Self.run(settings, against: Target(capacity: 1e6)).result
    let held = try #require(result.steps.last { $0.phase == .hold })
    // 8 s window minimum, then extended up to three times that (24 s, 480 samples at 20/s).
    #expect(held.endS - held.windowStartS == 24)
    #expect(held.samples == 480 && held.samplesNeeded == 1000)
    let p95 = CapacitySearch.Settings(slos: [try Threshold(parsing: "p95<1s")], maxRate: 100, budget: 600)
    let step = try #require(try Self.run(p95, against: Target(capacity: 1e6)).result.steps.last)
    #expect(step.samples >= 200 && step.endS - step.windowStartS == 8)
  }

  @Test("paused seconds do not count: the step warms up again after a pause")
  func pauseRestartsTheWarmup() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, stepTime: 10, budget: 300)
    let plain = try Self.run(settings, against: Target(capacity: 300))
    let paused = try Self.run(settings, against: Target(capacity: 300), pausedSeconds: Set(20..<30))
    #expect(paused.result.capacityRps == plain.result.capacityRps)
    #expect(paused.seconds >= plain.seconds + 10)
    // No judged window spans the pause.
    for step in paused.result.steps {
      #expect(!(step.windowStartS..<step.endS).overlaps(20..<30), "\(step)")
    }
  }

  @Test("bad settings are refused with one line each")
  func settingsProblems() throws {
    let slos = Self.slos
    #expect(CapacitySearch.Settings(slos: []).problem?.contains("at least one --slo") == true)
    #expect(
      CapacitySearch.Settings(slos: [try Threshold(parsing: "tps>5")]).problem?.contains("tps>5") == true)
    #expect(
      CapacitySearch.Settings(slos: slos, minRate: 100, maxRate: 50).problem
        == "--max-rate (50/s) must be above --min-rate (100/s)")
    #expect(
      CapacitySearch.Settings(slos: slos, stepTime: 20, budget: 30).problem
        == "--budget (30s) must hold at least two steps of --step-time (20s)")
    #expect(CapacitySearch.Settings(slos: slos, precision: 0).problem != nil)
    #expect(CapacitySearch.Settings(slos: slos, stepTime: 1).problem != nil)
    #expect(CapacitySearch.Settings(slos: slos).problem == nil)
  }

  @Test("the result reads as one line and keeps Little's law's vusers")
  func resultText() throws {
    let settings = CapacitySearch.Settings(slos: Self.slos, stepTime: 6)
    let result = try Self.run(settings, against: Target(capacity: 200, floorMs: 50, errorsFrom: 10)).result
    let capacity = try #require(result.capacityRps)
    let step = try #require(result.steps.first { $0.phase == .hold && $0.rate == capacity })
    #expect(result.vusersAtCapacity == Int((capacity * step.mttMs / 1000).rounded(.up)))
    #expect(
      result.headline.hasPrefix("capacity \(RateText.live(capacity)) (failed at "),
      "\(result.headline)")
    let decoded = try JSONDecoder().decode(CapacityResult.self, from: JSONEncoder().encode(result))
    #expect(decoded == result)
  }
}
