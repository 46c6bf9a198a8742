import Testing

@testable import LoadEngine

/// The open model's pool growth (`PoolGrowth`) as a pure rule: grow while added vusers add
/// completions, hold where they stop, never hold through a stall.
@Suite(.timeLimit(.minutes(1)))
struct PoolGrowthTests {
  let window = PoolGrowth.windowNanos

  /// Ends one window: `pool` vusers open at its end, `completions` in it, arrivals waiting or not.
  func close(_ growth: inout PoolGrowth, at index: Int, pool: Int, completions: Int, waited: Bool = true) {
    for _ in 0..<completions { growth.completed() }
    if waited { growth.arrivalWaited() }
    growth.tick(now: UInt64(index) * window, pool: pool)
  }

  @Test func aWindowMayDoubleThePoolOrAddTheFirstStep() {
    var growth = PoolGrowth(now: 0)
    #expect(growth.allowance == PoolGrowth.firstStep)
    #expect(growth.allowsNewVuser(pool: 15))
    #expect(!growth.allowsNewVuser(pool: 16))
    // Within the window nothing moves.
    growth.tick(now: window - 1, pool: 16)
    #expect(growth.allowance == 16)
    close(&growth, at: 1, pool: 16, completions: 1000)
    #expect(growth.allowance == 32)
    close(&growth, at: 2, pool: 32, completions: 2000)
    #expect(growth.allowance == 64)
    #expect(growth.held == nil)
    // A pool of 3 may still add the first step.
    var small = PoolGrowth(now: 0)
    close(&small, at: 1, pool: 3, completions: 10, waited: false)
    #expect(small.allowance == 3 + PoolGrowth.firstStep)
  }

  @Test func moreVusersThatAddNoCompletionsAreHeldAtWhatTheGrowthPaidFor() {
    var growth = PoolGrowth(now: 0)
    close(&growth, at: 1, pool: 32, completions: 10_000)
    var slightGain = growth
    close(&growth, at: 2, pool: 64, completions: 10_000)
    #expect(growth.held == 32)
    #expect(growth.allowance == 32)
    #expect(!growth.allowsNewVuser(pool: 32))
    #expect(growth.shouldRetire(pool: 64))
    #expect(!growth.shouldRetire(pool: 32))
    // Completions rose 2%: the part of the growth that paid for it is kept (32 x 1.02, rounded up).
    close(&slightGain, at: 2, pool: 64, completions: 10_200)
    #expect(slightGain.held == 33)
  }

  @Test func growthThatPaysGoesOn() {
    var growth = PoolGrowth(now: 0)
    close(&growth, at: 1, pool: 32, completions: 10_000)
    // Doubled the pool, completions rose by 30%: more than a quarter of the growth.
    close(&growth, at: 2, pool: 64, completions: 13_000)
    #expect(growth.held == nil)
    #expect(growth.allowance == 128)
  }

  @Test func aStallIsNotAPlateau() {
    var growth = PoolGrowth(now: 0)
    close(&growth, at: 1, pool: 32, completions: 10_000)
    // The target stopped answering: completions fell, the pool must grow to send on time.
    close(&growth, at: 2, pool: 64, completions: 100)
    #expect(growth.held == nil)
    #expect(growth.allowance == 128)
    close(&growth, at: 3, pool: 128, completions: 0)
    #expect(growth.allowance == 256)
  }

  @Test func fewCompletionsOrNoWaitingSayNothing() {
    var growth = PoolGrowth(now: 0)
    // Under `judgedCompletions` per window: a flat count is noise, not a plateau.
    close(&growth, at: 1, pool: 16, completions: PoolGrowth.judgedCompletions - 1)
    close(&growth, at: 2, pool: 32, completions: PoolGrowth.judgedCompletions - 1)
    #expect(growth.held == nil)
    #expect(growth.allowance == 64)
    // Nobody waited for a vuser: the pool was not the limit, whatever the completions.
    var idle = PoolGrowth(now: 0)
    close(&idle, at: 1, pool: 16, completions: 5_000, waited: false)
    close(&idle, at: 2, pool: 32, completions: 5_000, waited: false)
    #expect(idle.held == nil)
  }

  @Test func aHeldPoolProbesAQuarterMoreEverySecondAndKeepsWhatPays() {
    var growth = PoolGrowth(now: 0)
    close(&growth, at: 1, pool: 40, completions: 10_000)
    close(&growth, at: 2, pool: 80, completions: 10_000)
    #expect(growth.held == 40)
    var index = 3
    for _ in 1..<PoolGrowth.probeWindows {
      close(&growth, at: index, pool: 40, completions: 10_000)
      #expect(growth.allowance == 40)
      index += 1
    }
    close(&growth, at: index, pool: 40, completions: 10_000)
    #expect(growth.allowance == 50)
    index += 1
    var paid = growth
    // The probe added nothing: held where it was, the probe's vusers retire.
    close(&growth, at: index, pool: 50, completions: 10_000)
    #expect(growth.held == 40)
    #expect(growth.shouldRetire(pool: 50))
    // The target got faster: 25% more vusers, 20% more completions. Growth resumes.
    close(&paid, at: index, pool: 50, completions: 12_000)
    #expect(paid.held == nil)
    #expect(paid.allowance == 100)
  }

  @Test func aRateChangeReleasesTheHold() {
    var growth = PoolGrowth(now: 0)
    close(&growth, at: 1, pool: 32, completions: 10_000)
    close(&growth, at: 2, pool: 64, completions: 10_000)
    #expect(growth.held == 32)
    growth.release(pool: 32)
    #expect(growth.held == nil)
    #expect(growth.allowance == 64)
  }

  @Test func aVuserForcedOpenPastTheAllowanceIsNotRetired() {
    var growth = PoolGrowth(now: 0)
    #expect(growth.allowance == PoolGrowth.firstStep)
    growth.forcedGrowth(pool: PoolGrowth.firstStep + 1)
    #expect(growth.allowsNewVuser(pool: PoolGrowth.firstStep) == true)
    #expect(growth.allowance == PoolGrowth.firstStep + 1)
    #expect(!growth.shouldRetire(pool: PoolGrowth.firstStep + 1))
  }

  /// A target that serves `perVuser` completions per window on each connection up to `capacity`
  /// per window, under a rate far above it: the pool settles between the smallest pool that
  /// reaches the capacity and twice that, and is never held where it still falls short.
  @Test(arguments: [(10, 1_000), (50, 14_000), (3, 400), (200, 100_000)])
  func thePoolSettlesNearTheSmallestThatReachesCapacity(perVuser: Int, capacity: Int) {
    var growth = PoolGrowth(now: 0)
    var pool = 0
    let enough = (capacity + perVuser - 1) / perVuser
    for index in 1...100 {
      // Arrivals wait in every window: the pool grows to its allowance, retires down to a hold.
      pool = growth.held.map { min(pool, $0) } ?? pool
      pool = max(pool, growth.allowance)
      close(&growth, at: index, pool: pool, completions: min(pool * perVuser, capacity))
    }
    let held = try? #require(growth.held)
    #expect((held ?? 0) >= enough * 19 / 20, "held at \(held ?? 0), capacity reached at \(enough)")
    #expect((held ?? .max) <= max(2 * enough, PoolGrowth.firstStep), "held at \(held ?? 0)")
  }
}

/// A loop whose thread used nearly all of a window's wall time is the client's limit (`LoopBusy`).
@Suite(.timeLimit(.minutes(1))) struct LoopBusyTests {
  @Test func aThreadBusyNinetyPercentOfTheWindowIsSaturated() {
    #expect(LoopBusy.isSaturated(cpuNanos: 95_000_000, wallNanos: 100_000_000))
    #expect(LoopBusy.isSaturated(cpuNanos: 90_000_000, wallNanos: 100_000_000))
    #expect(!LoopBusy.isSaturated(cpuNanos: 60_000_000, wallNanos: 100_000_000))
    #expect(!LoopBusy.isSaturated(cpuNanos: 0, wallNanos: 0))
  }

  @Test func theThreadClockCountsThisThreadsWork() {
    var busy = LoopBusy(now: 0)
    let before = LoopBusy.threadCPUNanos()
    var spin: UInt64 = 0
    while LoopBusy.threadCPUNanos() &- before < 20_000_000 { spin &+= 1 }
    // 20 ms of this thread's CPU in a "window" said to last 20 ms of wall time: saturated.
    busy.close(now: LoopBusy.threadCPUNanos() &- before)
    #expect(busy.saturated, "\(spin) turns")
  }
}
