/// Several series over time on one y axis, drawn with sub-cell dots (braille, quadrant blocks or
/// ASCII) and joined by lines; where two series meet in one cell the later one's colour wins.
public struct LineChart: Widget {
  /// How points become columns: per-second values (each holds for [x, x + 1), a column shows
  /// the mean of its seconds), or exact positions joined by straight lines (a capacity curve).
  public enum Interpolation: Sendable, Equatable { case perSecond, linear }

  public var series: [ChartSeries]
  public var dots: ChartDots
  public var axis: TimeAxis
  public var interpolation: Interpolation

  public init(
    series: [ChartSeries], dots: ChartDots = .braille, axis: TimeAxis,
    interpolation: Interpolation = .perSecond
  ) {
    self.series = series
    self.dots = dots
    self.axis = axis
    self.interpolation = interpolation
  }

  public func render(in area: Rect, to grid: inout Grid) {
    let xRange = axis.xRange
    let dataMax = series.map { ChartPoint.maxY($0.points, in: xRange) }.max() ?? 0
    guard let frame = axis.begin(in: area, dataMax: dataMax, to: &grid) else { return }
    let plot = frame.plot
    let (rx, ry) = dots.resolution
    let dotWidth = plot.width * rx
    let dotHeight = plot.height * ry
    var bits = [UInt8](repeating: 0, count: plot.area)
    var owner = [Int](repeating: -1, count: plot.area)
    func setDot(_ dx: Int, _ dy: Int, _ seriesIndex: Int) {
      guard dx >= 0, dx < dotWidth, dy >= 0, dy < dotHeight else { return }
      let cell = (dy / ry) * plot.width + dx / rx
      bits[cell] |= dots.bit(dx: dx % rx, dy: dy % ry)
      owner[cell] = seriesIndex
    }
    for (index, s) in series.enumerated() {
      let values =
        interpolation == .linear
        ? ColumnSampler.linear(s.points, columns: dotWidth, xRange: xRange)
        : ColumnSampler.sample(s.points, columns: dotWidth, xRange: xRange)
      var previous: (Int, Int)?
      for (dx, value) in values.enumerated() {
        guard let value else {
          previous = nil
          continue
        }
        let fraction = min(1, max(0, value / frame.top))
        let dy = dotHeight - 1 - Int((fraction * Double(dotHeight - 1)).rounded())
        if let (px, py) = previous {
          drawLine(from: (px, py), to: (dx, dy)) { setDot($0, $1, index) }
        } else {
          setDot(dx, dy, index)
        }
        previous = (dx, dy)
      }
    }
    for cy in 0..<plot.height {
      for cx in 0..<plot.width {
        let i = cy * plot.width + cx
        guard bits[i] != 0 else { continue }
        _ = grid.put(dots.glyph(bits[i]), x: plot.x + cx, y: plot.y + cy, style: series[owner[i]].style)
      }
    }
    axis.end(frame, to: &grid)
  }
}

/// Bresenham's line between two dots, inclusive.
func drawLine(from a: (Int, Int), to b: (Int, Int), plot: (Int, Int) -> Void) {
  var (x0, y0) = a
  let (x1, y1) = b
  let dx = abs(x1 - x0)
  let dy = -abs(y1 - y0)
  let sx = x0 < x1 ? 1 : -1
  let sy = y0 < y1 ? 1 : -1
  var err = dx + dy
  while true {
    plot(x0, y0)
    if x0 == x1 && y0 == y1 { return }
    let e2 = 2 * err
    if e2 >= dy {
      err += dy
      x0 += sx
    }
    if e2 <= dx {
      err += dx
      y0 += sy
    }
  }
}
