/// When requests are due in the open model: a rate over plan time, piecewise linear (a constant
/// rate, a step ramp, k6-style stages moving linearly, and the user's live changes), and its
/// integral, the number of arrivals due by a given plan time. Arrival number `n` is due at the
/// plan time where the integral reaches `n`, so arrivals are evenly spread however the rate moves,
/// and a pause (plan time stands still) owes nothing when it ends. Pure and a value: each event
/// loop keeps its own copy and reads it without a lock.
public struct ArrivalSchedule: Sendable, Equatable {
  /// From `start` on, the rate is `rate + slope × (t - start)` requests per second, until the next
  /// segment's start (the last one lasts for ever).
  public struct Segment: Sendable, Equatable {
    public var start: Double
    public var rate: Double
    public var slope: Double
    /// Arrivals due before `start`.
    public var due: Double
  }

  public private(set) var segments: [Segment]

  /// A rate that stays at `rate` from plan time 0.
  public init(constant rate: Double) {
    segments = [Segment(start: 0, rate: max(0, rate), slope: 0, due: 0)]
  }

  /// The rate's corners: `(time, rate)` points joined by straight lines, flat after the last one.
  /// A step is two points at the same time. Times must not decrease.
  public init(points: [(time: Double, rate: Double)]) {
    self.init(constant: points.first?.rate ?? 0)
    guard let first = points.first else { return }
    var previous = (time: 0.0, rate: first.rate)
    for point in points {
      if point.time > previous.time {
        let slope = (point.rate - previous.rate) / (point.time - previous.time)
        replaceLast(from: previous.time, rate: previous.rate, slope: slope)
      }
      replaceLast(from: point.time, rate: point.rate, slope: 0)
      previous = point
    }
  }

  /// The rate (requests per second) at plan time `t`.
  public func rate(at t: Double) -> Double {
    let segment = segments[index(at: t)]
    return max(0, segment.rate + segment.slope * (t - segment.start))
  }

  /// Arrivals due by plan time `t` (not rounded: arrival `n` is due once this reaches `n`).
  public func due(at t: Double) -> Double {
    let segment = segments[index(at: t)]
    let u = max(0, t - segment.start)
    return segment.due + segment.rate * u + segment.slope * u * u / 2
  }

  /// The plan time at which `count` arrivals are due; nil when the rate never gets there.
  public func time(whenDue count: Double) -> Double? {
    var low = 0
    var high = segments.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if segments[mid].due <= count { low = mid } else { high = mid - 1 }
    }
    let segment = segments[low]
    let owed = count - segment.due
    if owed <= 0 { return segment.start }
    // rate × u + slope/2 × u² = owed; this form stays exact when the slope is 0 or tiny.
    let discriminant = segment.rate * segment.rate + 2 * segment.slope * owed
    guard discriminant >= 0 else { return nil }
    let denominator = segment.rate + discriminant.squareRoot()
    guard denominator > 0 else { return nil }
    let u = 2 * owed / denominator
    // The segment ends before `count` is reached only when a later one starts earlier, which the
    // search rules out; a falling rate that reaches 0 first has no real root (nil above).
    return segment.start + u
  }

  /// From plan time `t` on, the rate is `rate` (a live change); what was due before stays due.
  public mutating func setRate(_ rate: Double, from t: Double) {
    replaceLast(from: t, rate: max(0, rate), slope: 0)
  }

  /// Cuts the schedule at `t` and continues from there with `rate` and `slope`.
  private mutating func replaceLast(from t: Double, rate: Double, slope: Double) {
    let t = max(0, t)
    let dueThen = due(at: t)
    segments.removeAll { $0.start >= t }
    segments.append(Segment(start: t, rate: rate, slope: slope, due: dueThen))
  }

  private func index(at t: Double) -> Int {
    var low = 0
    var high = segments.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if segments[mid].start <= t { low = mid } else { high = mid - 1 }
    }
    return low
  }
}
