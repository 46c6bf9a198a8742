/// How `+` and `-` move an open-model run's rate: by a step of 1, 2 or 5 times a power of ten,
/// shown in the key bar, to the next multiple of the step, so the rate stays a round number
/// (2000 -> 2200 -> 2400) and `+` then `-` comes back to where it was. Until the user moves the
/// rate or the step (`[` `]`), the step is about a tenth of the rate; from then on it stays put.
enum RateStep {
  static let ladder: [Double] = (0...6).flatMap { power -> [Double] in
    let scale = (0..<power).reduce(1.0) { value, _ in value * 10 }
    return [1, 2, 5].map { $0 * scale }
  }

  /// The largest rung at most a tenth of the rate: between 4% and 10% of it (1 for rates under 20).
  static func automatic(for rate: Double) -> Double {
    ladder.last { $0 <= rate / 10 } ?? ladder[0]
  }

  /// The step `rungs` places up (positive) or down the ladder from `current`.
  static func step(after current: Double, rungs: Int) -> Double {
    RampLadder.rung(of: ladder, from: current, rungs: rungs)
  }

  /// The rate `steps` multiples of `step` above (positive) or below `rate`: a rate between two
  /// multiples moves to the nearer one in that direction first. May be 0 or less going down; the
  /// caller refuses that.
  static func rate(from rate: Double, step: Double, steps: Int) -> Double {
    // A hair of slack so a rate that is a multiple after floating-point arithmetic counts as one.
    let multiple = rate / step
    let base = steps > 0 ? (multiple + 1e-9).rounded(.down) : (multiple - 1e-9).rounded(.up)
    return (base + Double(steps)) * step
  }
}
