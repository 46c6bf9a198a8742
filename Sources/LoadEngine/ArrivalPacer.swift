import Foundation

/// One event loop's share of the open model's arrivals. Of the run's arrivals, numbered in the
/// order the schedule makes them due, loop `index` of `loops` takes every `loops`-th one starting
/// at `index` (evenly spaced, wrk2's pacing), or with Poisson arrivals a Poisson process of
/// 1/`loops` of the rate (the loops' processes together make one of the whole rate). The loops
/// share nothing: each walks its own cursor through the same schedule.
struct ArrivalPacer: Sendable {
  enum Spacing: Sendable { case even, poisson }

  private let loops: Double
  private let spacing: Spacing
  /// xorshift64* state for Poisson gaps; seeded per loop.
  private var random: UInt64
  /// The due count at which this loop's next arrival is due.
  private(set) var nextDue: Double

  init(loops: Int, index: Int, spacing: Spacing, seed: UInt64) {
    self.loops = Double(max(1, loops))
    self.spacing = spacing
    self.random = seed | 1
    nextDue = 0
    switch spacing {
    case .even: nextDue = Double(index)
    case .poisson: nextDue = exponentialGap()
    }
  }

  /// Moves on to the loop's next arrival.
  mutating func advance() {
    switch spacing {
    case .even: nextDue += loops
    case .poisson: nextDue += exponentialGap()
    }
  }

  /// A gap of an exponential distribution with mean `loops` (in arrivals of the whole schedule).
  private mutating func exponentialGap() -> Double {
    random ^= random >> 12
    random ^= random << 25
    random ^= random >> 27
    // 53 random bits in (0, 1]: never 0, so the logarithm is finite.
    let uniform = (Double((random &* 0x2545_F491_4F6C_DD1D) >> 11) + 1) / 9_007_199_254_740_992
    return -loops * log(uniform)
  }
}
