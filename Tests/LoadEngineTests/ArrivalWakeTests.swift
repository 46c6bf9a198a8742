import Testing

@testable import LoadEngine

/// The open model's timer coalescing (`ArrivalWake`) and where an arrival goes
/// (`ArrivalPlacement`), as pure rules: the event loop only applies them.
@Suite(.timeLimit(.minutes(1)))
struct ArrivalWakeTests {
  let slack = ArrivalWake.slackNanos

  @Test func aDueTimePastTheSlackIsKeptExactly() {
    #expect(ArrivalWake.deadline(nextDue: 5_000_000, lastWake: 4_000_000) == 5_000_000)
    #expect(ArrivalWake.deadline(nextDue: 4_000_000 + slack, lastWake: 4_000_000) == 4_000_000 + slack)
    // The first timer of a run, or one armed long after the last wake (a pause, a rate change).
    #expect(ArrivalWake.deadline(nextDue: 7, lastWake: 0, slack: 10) == 10)
    #expect(ArrivalWake.deadline(nextDue: 9_000_000_000, lastWake: 0) == 9_000_000_000)
  }

  @Test func aDueTimeInsideTheSlackWaitsForIt() {
    #expect(ArrivalWake.deadline(nextDue: 4_000_001, lastWake: 4_000_000) == 4_000_000 + slack)
    // Already overdue (the loop was busy): still no sooner than the slack after the last wake.
    #expect(ArrivalWake.deadline(nextDue: 3_000_000, lastWake: 4_000_000) == 4_000_000 + slack)
    #expect(ArrivalWake.deadline(nextDue: 150, lastWake: 100, slack: 250) == 350)
  }

  /// One loop's wakes over a second of evenly spaced arrivals, each wake taking the timer's
  /// deadline as its time and sending every arrival due by then (none before it is due): the
  /// wakes, and the latest an arrival went after it was due.
  func simulate(rate: Double) -> (wakes: Int, maxLate: UInt64) {
    // Monotonic time as the engine sees it: the run starts long after the clock's zero.
    let start: UInt64 = 1_000_000_000
    let due = { (n: Int) in start + UInt64(Double(n) * 1e9 / rate) }
    let count = Int(rate)
    var next = 0
    var lastWake: UInt64 = 0
    var wakes = 0
    var maxLate: UInt64 = 0
    while next < count {
      let wake = ArrivalWake.deadline(nextDue: due(next), lastWake: lastWake)
      wakes += 1
      lastWake = wake
      while next < count, due(next) <= wake {
        maxLate = max(maxLate, wake - due(next))
        next += 1
      }
    }
    return (wakes, maxLate)
  }

  @Test func aHighRateWakesAtMostOncePerSlack() {
    for rate in [20_000.0, 75_000, 150_000, 1_000_000] {
      let (wakes, maxLate) = simulate(rate: rate)
      #expect(wakes <= Int(1e9 / Double(slack)) + 1, "\(rate)/s: \(wakes) wakes")
      #expect(maxLate <= slack, "\(rate)/s: an arrival went \(maxLate) ns late")
    }
  }

  @Test func aLowRateGetsATimerPerArrivalAtItsExactTime() {
    for rate in [1.0, 100, 2000, 10_000] {
      let (wakes, maxLate) = simulate(rate: rate)
      #expect(wakes == Int(rate), "\(rate)/s: \(wakes) wakes")
      #expect(maxLate == 0, "\(rate)/s: an arrival went \(maxLate) ns late")
    }
  }

  func place(
    free: Int = 0, pool: Int = 0, maxVusers: Int = 1000, allowance: Int = .max, held: Bool = false,
    connecting: Int = 0, backlog: Int = 0, maxBacklog: Int = 100
  ) -> ArrivalPlacement {
    ArrivalPlacement.of(
      free: free, pool: pool, maxVusers: maxVusers, allowance: allowance, held: held,
      connecting: connecting, backlog: backlog, maxBacklog: maxBacklog)
  }

  @Test func anArrivalTakesAFreeVuserFirstThenANewOne() {
    #expect(place(free: 1, pool: 1000, connecting: 50, backlog: 100) == .freeVuser)
    #expect(place(pool: 10) == .newVuser)
    #expect(place(pool: 999, connecting: ArrivalPlacement.connectsAtOnce - 1) == .newVuser)
  }

  @Test func manyConnectsUnderWayMakeArrivalsWaitInsteadOfOpeningMore() {
    let cap = ArrivalPlacement.connectsAtOnce
    #expect(place(pool: cap, connecting: cap) == .backlog)
    #expect(place(pool: 500, connecting: cap + 3, backlog: 99) == .backlog)
    // A full backlog opens a vuser rather than drop the arrival; none left to open, it drops.
    #expect(place(pool: 500, connecting: cap, backlog: 100) == .newVuser)
    #expect(place(pool: 500, connecting: cap, maxBacklog: 0) == .newVuser)
    #expect(place(pool: 1000, backlog: 99) == .backlog)
    #expect(place(pool: 1000, backlog: 100) == .dropped)
  }

  @Test func theGrowthAllowanceMakesArrivalsWaitAndAHeldPoolDropsRatherThanGrow() {
    #expect(place(pool: 31, allowance: 32) == .newVuser)
    #expect(place(pool: 32, allowance: 32) == .backlog)
    // Growing on demand, a full backlog still opens a vuser past the allowance.
    #expect(place(pool: 32, allowance: 32, backlog: 100) == .newVuser)
    // Held: more vusers were measured to add nothing, so a full backlog drops.
    #expect(place(pool: 32, allowance: 32, held: true, backlog: 99) == .backlog)
    #expect(place(pool: 32, allowance: 32, held: true, backlog: 100) == .dropped)
    // A held pool probing a quarter more grows into the probe as usual.
    #expect(place(pool: 32, allowance: 40, held: true) == .newVuser)
    #expect(
      place(pool: 32, allowance: 40, held: true, connecting: ArrivalPlacement.connectsAtOnce, backlog: 100)
        == .newVuser)
  }
}
