/// One value per second: `x` is the second's start (seconds since the run began); the value
/// holds for [x, x + 1).
public struct ChartPoint: Sendable, Equatable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

extension ChartPoint {
  /// The largest value among points overlapping `xRange`, 0 when none do.
  static func maxY(_ points: [ChartPoint], in xRange: ClosedRange<Double>) -> Double {
    var top = 0.0
    for p in points where p.x + 1 > xRange.lowerBound && p.x <= xRange.upperBound { top = max(top, p.y) }
    return top
  }
}

/// A named line (or bar layer) with its style; points sorted by `x`.
public struct ChartSeries: Sendable {
  public var name: String
  public var points: [ChartPoint]
  public var style: Style

  public init(name: String, points: [ChartPoint], style: Style) {
    self.name = name
    self.points = points
    self.style = style
  }
}

/// A glyph in the row under the plot at a moment of the run: a tag, a pause, a ramp change.
public struct ChartMarker: Sendable, Equatable {
  public var x: Double
  public var glyph: Character
  public var style: Style
  /// Short text after the glyph in the marker row (a compared run's letter), where cells are free.
  public var label: String?

  public init(x: Double, glyph: Character, style: Style, label: String? = nil) {
    self.x = x
    self.glyph = glyph
    self.style = style
    self.label = label
  }
}

/// A stretch of time drawn with a background, such as a paused span.
public struct ChartSpan: Sendable, Equatable {
  public var from: Double
  public var to: Double
  public var style: Style

  public init(from: Double, to: Double, style: Style) {
    self.from = from
    self.to = to
    self.style = style
  }
}

/// Reduces per-second points to one value per column of a plot: the mean of the seconds a column
/// covers, or, when zoomed in so far that a second spans several columns, that second's value.
/// Columns with no data (before the first second, after the live edge) get nil.
enum ColumnSampler {
  static func sample(_ points: [ChartPoint], columns: Int, xRange: ClosedRange<Double>) -> [Double?] {
    guard columns > 0 else { return [] }
    var out = [Double?](repeating: nil, count: columns)
    let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
    let perColumn = span / Double(columns)
    var i = 0
    for c in 0..<columns {
      let x0 = xRange.lowerBound + Double(c) * perColumn
      let x1 = x0 + perColumn
      while i < points.count && points[i].x + 1 <= x0 { i += 1 }
      var j = i
      var sum = 0.0
      var count = 0
      while j < points.count && points[j].x < x1 {
        // Every point left here overlaps the column: the loop above skipped those ending before it.
        sum += points[j].y
        count += 1
        j += 1
      }
      if count > 0 { out[c] = sum / Double(count) }
    }
    return out
  }
}

extension ColumnSampler {
  /// One value per column from points that are exact positions on a line (a capacity curve:
  /// a few points far apart in x): each column takes the line's height at its centre, linear
  /// between the points around it, so the curve draws continuous instead of as dots with gaps.
  /// Columns before the first point or after the last get nil; a column holding an end point
  /// gets that point's value.
  static func linear(_ points: [ChartPoint], columns: Int, xRange: ClosedRange<Double>) -> [Double?] {
    guard columns > 0, let first = points.first, let last = points.last else {
      return [Double?](repeating: nil, count: max(0, columns))
    }
    let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
    let perColumn = span / Double(columns)
    var out = [Double?](repeating: nil, count: columns)
    var i = 0
    for c in 0..<columns {
      let x0 = xRange.lowerBound + Double(c) * perColumn
      let x1 = x0 + perColumn
      guard x1 > first.x, x0 <= last.x else { continue }
      let x = min(max(x0 + perColumn / 2, first.x), last.x)
      while i + 1 < points.count && points[i + 1].x < x { i += 1 }
      let a = points[i]
      guard i + 1 < points.count else {
        out[c] = a.y
        continue
      }
      let b = points[i + 1]
      let gap = b.x - a.x
      out[c] = gap > 1e-9 ? a.y + (b.y - a.y) * (x - a.x) / gap : b.y
    }
    return out
  }
}
