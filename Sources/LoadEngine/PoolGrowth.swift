/// How far one loop's pool of vusers may grow in the open model, judged every 100 ms from what the
/// pool achieved: it grows while added vusers add completions and is held where they stop adding
/// them. Pure (times are passed in), so the rule is tested apart from the event loop.
///
/// Why: past the target's capacity every arrival finds the vusers busy, and a pool that grew on
/// demand alone reached `--max-vusers` within a second. A thousand connections then served the
/// same throughput as fifty (the target was the limit), at 1.3x the client CPU per request and a
/// thousand sockets on the target. Latency still counts from each intended start, so holding the
/// pool changes where an arrival waits (rampart's backlog rather than the target's queue), not
/// what it reports. wrk2 keeps its connections fixed for the same reason; k6 grows to maxVUs.
///
/// The rule, per 100 ms window:
/// - A window may grow the pool to twice its size at the window's start, or by `firstStep`,
///   whichever is more (TCP's slow start): fast enough for a stall of 1 s at 200/s, slow enough
///   that each size is measured before the next.
/// - A window is judged when arrivals waited for a vuser in it (the pool, not the rate, was the
///   limit) and it completed at least `judgedCompletions` requests (fewer are noise; below about
///   500 completions per second per loop the pool is never held). If the pool grew by 10% or more
///   over the window before and completions rose by less than a quarter of that growth, the
///   pool is held at the size that growth paid for (the smaller pool scaled by the completions'
///   rise: at its size before the growth when they did not rise); vusers above it retire as they
///   free up.
/// - A window whose completions fell below half the window before's is not a plateau but a
///   stall or a collapse: a pool still growing keeps growing, as it must to send arrivals on
///   time.
/// - Held, every `probeWindows` windows in which arrivals still wait the pool may grow by a
///   quarter; if completions rise with it, growth resumes, else the probe's vusers retire.
/// - While the pool grows on demand, a full backlog opens a vuser past the allowance rather than
///   drop an arrival (`ArrivalPlacement`). A held pool drops it instead, counted apart
///   (`dropped_held`): more vusers were measured to add nothing, the target is the limit.
/// - A hold outlives a stall: windows with too few completions are not judged, so a stalled
///   target is not sent a pool it could not serve before the stall either.
struct PoolGrowth {
  static let windowNanos: UInt64 = 100_000_000
  static let firstStep = 16
  static let judgedCompletions = 50
  static let probeWindows = 10

  /// The pool size this loop holds at (nil: growing on demand, up to the doubling allowance).
  private(set) var held: Int?
  /// The pool size the current window may grow to.
  private(set) var allowance: Int
  private var windowEnds: UInt64
  private var completions = 0
  private var waited = false
  /// The window before, when it was judged: its pool at the end and its completions.
  private var previous: (pool: Int, completions: Int)?
  private var heldWindows = 0

  init(now: UInt64) {
    allowance = Self.firstStep
    windowEnds = now &+ Self.windowNanos
  }

  /// Whether a new vuser may be opened with `pool` vusers open.
  func allowsNewVuser(pool: Int) -> Bool { pool < allowance }

  /// Whether a vuser that just freed should retire: the pool is held and above what this window
  /// allows (its hold, or the hold and a probe's quarter more while a probe is measured).
  func shouldRetire(pool: Int) -> Bool { held != nil && pool > allowance }

  mutating func completed() { completions += 1 }

  /// An arrival found every vuser busy and waited (or would have).
  mutating func arrivalWaited() { waited = true }

  /// The backlog was full and a vuser was opened past the allowance (only while not held).
  mutating func forcedGrowth(pool: Int) {
    allowance = max(allowance, pool)
  }

  /// The rate changed: what the pool achieved at the old rate says nothing about the new one.
  mutating func release(pool: Int) {
    held = nil
    previous = nil
    allowance = Self.doubled(pool)
  }

  /// Closes the window(s) that ended by `now`, with `pool` vusers open.
  mutating func tick(now: UInt64, pool: Int) {
    guard now >= windowEnds else { return }
    judge(pool: pool)
    completions = 0
    waited = false
    // A loop that slept through several windows (a pause, a rate of 0) starts a fresh one.
    windowEnds = max(windowEnds &+ Self.windowNanos, now &+ 1)
  }

  private static func doubled(_ pool: Int) -> Int { max(2 * pool, pool + firstStep) }

  private mutating func judge(pool: Int) {
    guard waited, completions >= Self.judgedCompletions else {
      // The pool was not the limit, or too little happened to tell.
      previous = nil
      allowance = held ?? Self.doubled(pool)
      return
    }
    defer { previous = (pool, completions) }
    if let before = previous, pool >= before.pool + max(1, before.pool / 10),
      completions * 2 >= before.completions
    {
      let growth = Double(pool - before.pool) / Double(before.pool)
      let gain = Double(completions - before.completions) / Double(before.completions)
      if gain < growth / 4 {
        // Where the smaller pool would have reached these completions had it grown in
        // proportion: the part of the growth that paid, kept.
        let paid = (before.pool * completions + before.completions - 1) / before.completions
        held = min(pool, max(before.pool, paid))
        heldWindows = 0
        allowance = held ?? pool
        return
      }
      // The probe (or plain growth) paid: grow on demand again.
      held = nil
    }
    guard let held else {
      allowance = Self.doubled(pool)
      return
    }
    heldWindows += 1
    if heldWindows >= Self.probeWindows {
      heldWindows = 0
      allowance = held + max(1, held / 4)
    } else {
      allowance = held
    }
  }
}
