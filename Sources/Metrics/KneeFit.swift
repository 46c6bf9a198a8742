import Foundation

// MARK: - Internals

/// Running sums of the seconds that make one step.
struct StepAccumulator: Sendable {
  var seconds = 0
  var vusersSum = 0.0
  var goodputSum = 0.0
  var goodputSquares = 0.0
  var completedSum = 0.0
  var latencyMsSum = 0.0
  var completions = 0
  var errors = 0
  /// Per-second p99s weighted by completions: a step's tail latency for capacity curves.
  var p99MsSum = 0.0
  /// Per-second MTTs of the seconds with completions, for the response time's noise.
  var mttSeconds = 0
  var mttSum = 0.0
  var mttSquares = 0.0
  var targetVusers = 0
  var isRampBin = false
  var firstSecond = Int.max
  var lastSecond = Int.min

  mutating func add(_ sample: SecondSample, vusers: Double, rampBin: Bool = false) {
    let goodput = Double(sample.ok) / sample.duration
    seconds += 1
    vusersSum += vusers
    goodputSum += goodput
    goodputSquares += goodput * goodput
    completedSum += sample.tps
    latencyMsSum += sample.mttMs * Double(sample.completed)
    completions += sample.completed
    errors += sample.errors
    p99MsSum += sample.p99Ms * Double(sample.completed)
    if sample.completed > 0 {
      mttSeconds += 1
      mttSum += sample.mttMs
      mttSquares += sample.mttMs * sample.mttMs
    }
    targetVusers = sample.targetVusers
    isRampBin = rampBin
    firstSecond = min(firstSecond, sample.t)
    lastSecond = max(lastSecond, sample.t)
  }

  var meanVusers: Double { vusersSum / Double(max(1, seconds)) }
  var meanGoodput: Double { goodputSum / Double(max(1, seconds)) }
  var meanCompleted: Double { completedSum / Double(max(1, seconds)) }
  var meanMttMs: Double { completions > 0 ? latencyMsSum / Double(completions) : 0 }

  /// The seconds' squared deviations from their mean, relative to it: for the pooled noise.
  var relativeScatter: Double {
    let mean = meanGoodput
    guard seconds > 1, mean > 0 else { return 0 }
    return max(0, goodputSquares - goodputSum * mean) / (mean * mean)
  }

  /// The same for the per-second MTTs.
  var relativeMttScatter: Double {
    guard mttSeconds > 1, mttSum > 0 else { return 0 }
    let mean = mttSum / Double(mttSeconds)
    return max(0, mttSquares - mttSum * mean) / (mean * mean)
  }

  var step: KneeStep {
    KneeStep(
      vusers: meanVusers, targetVusers: targetVusers, isRampBin: isRampBin, tps: meanGoodput,
      completedTps: meanCompleted, mttMs: meanMttMs, seconds: seconds, firstSecond: firstSecond,
      lastSecond: lastSecond, p99Ms: completions > 0 ? p99MsSum / Double(completions) : 0,
      errorRate: completions > 0 ? Double(errors) / Double(completions) : 0)
  }
}

/// The two-segment model X = min(a N, C), least squares over every split of the sorted steps.
struct SegmentFit {
  let vusers: [Double]
  let goodput: [Double]
  let weights: [Double]
  /// Steps left of `split` fit the line, the others the plateau.
  let split: Int
  let slope: Double
  let plateau: Double
  /// Goodput below which a step's relative error is not trusted (1% of the peak).
  let floor: Double

  init?(_ points: [StepAccumulator]) {
    vusers = points.map(\.meanVusers)
    goodput = points.map(\.meanGoodput)
    let peak = goodput.max() ?? 0
    guard points.count >= 2, peak > 0 else { return nil }
    let floor = peak * 0.01
    self.floor = floor
    // Relative errors: a step's variance grows with its level and shrinks with its seconds.
    weights = points.map { Double($0.seconds) / pow(max($0.meanGoodput, floor), 2) }
    let m = points.count
    // Suffix sums for the plateau side.
    var rightW = [Double](repeating: 0, count: m + 1)
    var rightWX = rightW
    var rightWXX = rightW
    for i in stride(from: m - 1, through: 0, by: -1) {
      rightW[i] = rightW[i + 1] + weights[i]
      rightWX[i] = rightWX[i + 1] + weights[i] * goodput[i]
      rightWXX[i] = rightWXX[i + 1] + weights[i] * goodput[i] * goodput[i]
    }
    var leftWNN = 0.0
    var leftWXN = 0.0
    var leftWXX = 0.0
    var best: (error: Double, split: Int, slope: Double, plateau: Double)?
    for k in 1..<m {
      let i = k - 1
      leftWNN += weights[i] * vusers[i] * vusers[i]
      leftWXN += weights[i] * goodput[i] * vusers[i]
      leftWXX += weights[i] * goodput[i] * goodput[i]
      guard leftWNN > 0, rightW[k] > 0 else { continue }
      let slope = leftWXN / leftWNN
      let plateau = rightWX[k] / rightW[k]
      let error =
        max(0, leftWXX - leftWXN * slope) + max(0, rightWXX[k] - rightWX[k] * plateau)
      if slope > 0, plateau > 0, best.map({ error < $0.error }) ?? true {
        best = (error, k, slope, plateau)
      }
    }
    guard let best else { return nil }
    split = best.split
    slope = best.slope
    plateau = best.plateau
  }

  /// N* = C / a: where the line meets the plateau.
  var kneeVusers: Double { plateau / slope }

  func model(_ n: Double) -> Double { min(slope * n, plateau) }

  /// Variance of a from the steps left of the split.
  func slopeVariance(_ noise: NoiseModel) -> Double {
    var numerator = 0.0
    var denominator = 0.0
    for i in 0..<split {
      let wn = weights[i] * vusers[i]
      numerator += wn * wn * noise.variance(i)
      denominator += wn * vusers[i]
    }
    return denominator > 0 ? numerator / (denominator * denominator) : .infinity
  }

  /// Variance of C from the steps right of the split.
  func plateauVariance(_ noise: NoiseModel) -> Double {
    var numerator = 0.0
    var denominator = 0.0
    for i in split..<vusers.count {
      numerator += weights[i] * weights[i] * noise.variance(i)
      denominator += weights[i]
    }
    return denominator > 0 ? numerator / (denominator * denominator) : .infinity
  }

  /// Slope of X - C against N - N* over the steps above the knee, through the knee point, each
  /// step weighted by its precision (a step just begun counts little): with two or three steps
  /// above, anchoring at the knee measures flatness far better than a free line through those
  /// few points, and a line that never bent still shows its full slope (the fit then puts N* in
  /// the middle of such steps).
  func postKneeSlope(_ above: [StepAccumulator], noise: NoiseModel) -> (slope: Double, variance: Double) {
    let knee = kneeVusers
    var cross = 0.0
    var squares = 0.0
    var weightedD = 0.0
    for point in above {
      let d = point.meanVusers - knee
      let precision = 1 / noise.variance(of: point, model: model(point.meanVusers))
      cross += precision * (point.meanGoodput - plateau) * d
      squares += precision * d * d
      weightedD += precision * d
    }
    guard squares > 0 else { return (.infinity, .infinity) }
    let variance = (squares + plateauVariance(noise) * weightedD * weightedD) / (squares * squares)
    return (cross / squares, variance)
  }
}

/// The variance of each step's mean goodput: the per-second scatter within plateaus, pooled over
/// every step (relative to each step's level), divided by the step's seconds; scaled up when the
/// steps scatter around the fit more than that (drift between steps, a rounded knee).
struct NoiseModel {
  /// Per-second relative variance.
  let relativeVariance: Double
  let seconds: [Int]
  let scale: [Double]

  init(_ points: [StepAccumulator], _ fit: SegmentFit) {
    // A weak prior (3% per second, worth two seconds) for runs with too few seconds to measure.
    var scatter = 0.03 * 0.03 * 2
    var degrees = 2.0
    for point in points {
      scatter += point.relativeScatter
      degrees += Double(max(0, point.seconds - 1))
    }
    relativeVariance = scatter / degrees
    seconds = points.map(\.seconds)
    scale = points.map { max(fit.model($0.meanVusers), fit.floor) }
    let dof = points.count - 3
    guard dof >= 3 else {
      inflation = 1
      return
    }
    var chiSquare = 0.0
    for (i, point) in points.enumerated() {
      let variance = relativeVariance * scale[i] * scale[i] / Double(max(1, point.seconds))
      chiSquare += pow(point.meanGoodput - scale[i], 2) / variance
    }
    inflation = max(1, chiSquare / Double(dof))
  }

  let inflation: Double

  func variance(_ i: Int) -> Double {
    relativeVariance * scale[i] * scale[i] / Double(max(1, seconds[i])) * inflation
  }

  func variance(of point: StepAccumulator, model: Double) -> Double {
    relativeVariance * model * model / Double(max(1, point.seconds)) * inflation
  }
}

/// Little's law's view of the knee. In a closed system N = X (R + Z); past the knee X stays at
/// C, so R = N / C - Z grows by 1 / C per added vuser, while below it R stays at its base. The
/// slope of R against N - N* over the steps above, through the base at the knee, gives the same
/// post-knee slope ratio as the throughput, 1 - X dR/dN, without knowing Z.
struct ResponseGrowth {
  /// dR/dN above the knee, milliseconds per vuser.
  let slope: Double
  let variance: Double
  /// 1 - X dR/dN with X the completions per second above the knee.
  let ratio: Double

  var significance: Double { slope / variance.squareRoot() }

  init?(_ points: [StepAccumulator], below: [Int], above: [Int], kneeVusers: Double) {
    // Per-second relative scatter of the MTT, pooled, with the same weak prior as the goodput.
    var scatter = 0.03 * 0.03 * 2
    var degrees = 2.0
    for point in points where point.mttSeconds > 0 {
      scatter += point.relativeMttScatter
      degrees += Double(point.mttSeconds - 1)
    }
    let relativeVariance = scatter / degrees
    func stepVariance(_ point: StepAccumulator) -> Double? {
      let mtt = point.meanMttMs
      guard point.mttSeconds > 0, mtt > 0 else { return nil }
      return relativeVariance * mtt * mtt / Double(point.mttSeconds)
    }
    // Below the knee R stays at its base; how much more the steps there scatter around it than
    // their seconds predict (drift between steps) widens every step's error alike.
    var precision = 0.0
    var weighted = 0.0
    for i in below {
      guard let v = stepVariance(points[i]) else { continue }
      precision += 1 / v
      weighted += points[i].meanMttMs / v
    }
    guard precision > 0 else { return nil }
    let base = weighted / precision
    var chiSquare = 0.0
    var count = 0
    for i in below {
      guard let v = stepVariance(points[i]) else { continue }
      chiSquare += pow(points[i].meanMttMs - base, 2) / v
      count += 1
    }
    let inflation = count - 1 >= 3 ? max(1, chiSquare / Double(count - 1)) : 1
    // The slope through the base at the knee: with two or three steps above, the anchor makes it
    // far steadier than a free line through them.
    var cross = 0.0
    var squares = 0.0
    var weightedD = 0.0
    var completed = 0.0
    var seconds = 0.0
    for i in above {
      guard let v = stepVariance(points[i]) else { continue }
      let u = 1 / (v * inflation)
      let d = points[i].meanVusers - kneeVusers
      cross += u * (points[i].meanMttMs - base) * d
      squares += u * d * d
      weightedD += u * d
      completed += points[i].meanCompleted * Double(points[i].seconds)
      seconds += Double(points[i].seconds)
    }
    guard squares > 0, seconds > 0 else { return nil }
    let baseVariance = inflation / precision
    slope = cross / squares
    variance = (squares + baseVariance * weightedD * weightedD) / (squares * squares)
    ratio = 1 - completed / seconds * slope / 1000
  }
}
