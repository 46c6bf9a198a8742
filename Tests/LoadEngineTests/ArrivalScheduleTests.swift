import Testing

@testable import LoadEngine

/// The open model's pacing: when arrival `n` is due for constant rates, step ramps, k6-style
/// stages and live changes, and that the two directions (due by a time, time of a count) agree.
@Suite(.timeLimit(.minutes(1)))
struct ArrivalScheduleTests {
  @Test func aConstantRateSpacesArrivalsEvenly() throws {
    let schedule = ArrivalSchedule(constant: 100)
    #expect(schedule.due(at: 1) == 100)
    #expect(schedule.due(at: 0.005) == 0.5)
    #expect(try #require(schedule.time(whenDue: 50)) == 0.5)
    #expect(try #require(schedule.time(whenDue: 0)) == 0)
    #expect(ArrivalSchedule(constant: 0).time(whenDue: 1) == nil)
  }

  @Test func k6StagesRampLinearly() throws {
    // 0 -> 500/s over 60 s, then 500 -> 5000/s over 240 s.
    let plan = RatePlan.stages(
      start: 0, [.init(duration: 60, target: 500), .init(duration: 240, target: 5000)])
    let schedule = plan.schedule
    #expect(abs(schedule.due(at: 60) - 15_000) < 1e-6)
    #expect(abs(schedule.rate(at: 30) - 250) < 1e-9)
    // 500/60/2 × u² = 3750  =>  u = 30 s.
    #expect(abs(try #require(schedule.time(whenDue: 3750)) - 30) < 1e-9)
    #expect(abs(schedule.due(at: 300) - (15_000 + 240 * (500 + 5000) / 2)) < 1e-6)
    // After the last stage the rate holds.
    #expect(schedule.rate(at: 1000) == 5000)
    #expect(plan.naturalDuration == 300)
    #expect(plan.peakRate == 5000)
    #expect(plan.summary == "rate stages 1m:500 4m:5000")
  }

  @Test func aStepRampClimbsToItsCeiling() throws {
    let plan = RatePlan.steps(start: 100, step: 100, every: 10, max: 300)
    let schedule = plan.schedule
    #expect(schedule.rate(at: 5) == 100)
    #expect(schedule.rate(at: 15) == 200)
    #expect(schedule.rate(at: 25) == 300)
    #expect(schedule.rate(at: 3600) == 300)
    #expect(abs(schedule.due(at: 10) - 1000) < 1e-9)
    #expect(abs(schedule.due(at: 30) - 6000) < 1e-9)
    #expect(plan.summary == "rate 100/s -> 300/s step 100/10s")
    #expect(RatePlan.constant(2000).summary == "rate 2000/s")
    #expect(RatePlan.constant(2000).naturalDuration == nil)
  }

  @Test func aLiveChangeKeepsWhatWasDue() throws {
    var schedule = ArrivalSchedule(constant: 100)
    schedule.setRate(200, from: 10)
    #expect(abs(schedule.due(at: 10) - 1000) < 1e-9)
    #expect(abs(schedule.due(at: 11) - 1200) < 1e-9)
    #expect(abs(try #require(schedule.time(whenDue: 1100)) - 10.5) < 1e-9)
    // A change in the middle of a stage replaces the rest of the plan.
    var staged = RatePlan.stages(start: 0, [.init(duration: 100, target: 1000)]).schedule
    let dueBefore = staged.due(at: 50)
    staged.setRate(10, from: 50)
    #expect(abs(staged.due(at: 60) - (dueBefore + 100)) < 1e-6)
    #expect(staged.rate(at: 90) == 10)
    staged.setRate(0, from: 60)
    #expect(staged.time(whenDue: staged.due(at: 60) + 1) == nil)
  }

  @Test func timeAndDueAreInverses() throws {
    let schedules = [
      ArrivalSchedule(constant: 1), ArrivalSchedule(constant: 12_345),
      RatePlan.steps(start: 1, step: 7, every: 3, max: 100).schedule,
      RatePlan.stages(
        start: 5,
        [.init(duration: 10, target: 0), .init(duration: 20, target: 800), .init(duration: 5, target: 800)]
      ).schedule,
    ]
    for schedule in schedules {
      for n in stride(from: 0.0, through: 5000, by: 37.5) {
        guard let t = schedule.time(whenDue: n) else { continue }
        #expect(abs(schedule.due(at: t) - n) < 1e-6 * max(1, n), "n \(n) t \(t)")
      }
    }
  }
}

/// The loops' shares of the arrivals: together, every arrival exactly once and evenly spaced; with
/// Poisson spacing, the right mean and spread.
@Suite(.timeLimit(.minutes(1)))
struct ArrivalPacerTests {
  @Test func evenSharesInterleaveWithoutGapsOrRepeats() {
    var pacers = (0..<3).map { ArrivalPacer(loops: 3, index: $0, spacing: .even, seed: UInt64($0)) }
    var taken: [Double] = []
    for i in pacers.indices {
      for _ in 0..<100 {
        taken.append(pacers[i].nextDue)
        pacers[i].advance()
      }
    }
    #expect(taken.sorted() == (0..<300).map(Double.init))
  }

  @Test func poissonGapsHaveTheRateOfTheLoopsShare() {
    var pacer = ArrivalPacer(loops: 4, index: 1, spacing: .poisson, seed: 42)
    var previous = 0.0
    var gaps: [Double] = []
    for _ in 0..<200_000 {
      gaps.append(pacer.nextDue - previous)
      previous = pacer.nextDue
      pacer.advance()
    }
    let mean = gaps.reduce(0, +) / Double(gaps.count)
    let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
    // Exponential with mean 4: standard deviation 4 too. 200,000 draws put the mean within 1%.
    #expect(abs(mean - 4) < 0.04, "mean gap \(mean)")
    #expect(abs(variance.squareRoot() - 4) < 0.08, "standard deviation \(variance.squareRoot())")
    #expect(gaps.allSatisfy { $0 > 0 && $0.isFinite })
  }
}

/// The open model's pool cap and loops from the plan.
@Suite(.timeLimit(.minutes(1)))
struct OpenPoolSizingTests {
  func config(rate: Double, timeout: Double, maxVusers: Int? = nil) throws -> EngineConfig {
    var config = EngineConfig(
      target: try HTTPTarget(parsing: "http://127.0.0.1:1/"), request: try RequestTemplate(),
      plan: .steps(start: 1, step: 0, every: 1, max: 1))
    config.requestTimeout = timeout
    config.open = OpenModel(plan: .constant(rate), maxVusers: maxVusers)
    return config
  }

  @Test func theDefaultCapIsTheRateTimesTheTimeoutAndLoopsFollowTheRate() throws {
    // No request holds a vuser longer than the timeout: rate x timeout never leaves one waiting.
    #expect(try config(rate: 200, timeout: 30).openPoolCap == 6000)
    #expect(try config(rate: 1, timeout: 2).openPoolCap == 10)
    #expect(try config(rate: 200, timeout: 30, maxVusers: 5).openPoolCap == 5)
    #expect(try config(rate: 200, timeout: 30).peakVusers == 6000)
    // A modest rate needs one loop, however large its pool may grow.
    #expect(try config(rate: 200, timeout: 30).resolvedEventLoops == 1)
    // Never more loops than vusers to put on them.
    var few = try config(rate: 1_000_000, timeout: 1, maxVusers: 1)
    few.eventLoops = nil
    #expect(few.resolvedEventLoops == 1)
    let closed = EngineConfig(
      target: try HTTPTarget(parsing: "http://127.0.0.1:1/"), request: try RequestTemplate(),
      plan: .steps(start: 40, step: 0, every: 1, max: 40))
    #expect(closed.openPoolCap == nil && closed.peakVusers == 40)
  }
}
