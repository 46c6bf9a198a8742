/// How much of a split one part takes.
public enum Constraint: Hashable, Sendable {
  /// Exactly this many cells (less if there is not enough room).
  case length(Int)
  /// At least this many cells; shares the leftover with `.fill` parts, weighted like `.fill(1)`.
  case min(Int)
  /// A share of what is left after the fixed parts, by weight.
  case fill(Int)
}

/// Splits a rectangle into rows or columns by constraints, ratatui style but with a small,
/// predictable solver: fixed lengths first, minimums next, the rest shared by weight with the
/// remainder going to the first parts so the sizes always add up.
public enum Layout {
  public enum Direction: Sendable { case vertical, horizontal }

  public static func split(_ rect: Rect, _ direction: Direction, _ constraints: [Constraint]) -> [Rect] {
    let total = direction == .vertical ? rect.height : rect.width
    let sizes = solve(total: total, constraints)
    var rects: [Rect] = []
    var offset = 0
    for size in sizes {
      switch direction {
      case .vertical:
        rects.append(Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: size))
      case .horizontal:
        rects.append(Rect(x: rect.x + offset, y: rect.y, width: size, height: rect.height))
      }
      offset += size
    }
    return rects
  }

  static func solve(total: Int, _ constraints: [Constraint]) -> [Int] {
    var sizes = [Int](repeating: 0, count: constraints.count)
    var left = total
    for (i, c) in constraints.enumerated() {
      switch c {
      case .length(let n), .min(let n):
        sizes[i] = Swift.min(Swift.max(0, n), left)
        left -= sizes[i]
      case .fill: break
      }
    }
    let weights = constraints.map { c -> Int in
      switch c {
      case .length: 0
      case .min: 1
      case .fill(let w): Swift.max(0, w)
      }
    }
    let weightSum = weights.reduce(0, +)
    guard weightSum > 0, left > 0 else { return sizes }
    var handed = 0
    for i in sizes.indices where weights[i] > 0 {
      let share = left * weights[i] / weightSum
      sizes[i] += share
      handed += share
    }
    var remainder = left - handed
    for i in sizes.indices where weights[i] > 0 && remainder > 0 {
      sizes[i] += 1
      remainder -= 1
    }
    return sizes
  }
}
