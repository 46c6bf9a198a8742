/// Bars over time, one per column, each stacked from layers (errors per second by kind). Partial
/// cells use eighth blocks; a cell shared by two layers takes the colour of the larger share.
public struct StackedBarChart: Widget {
  public var layers: [ChartSeries]
  public var axis: TimeAxis

  public init(layers: [ChartSeries], axis: TimeAxis) {
    self.layers = layers
    self.axis = axis
  }

  public func render(in area: Rect, to grid: inout Grid) {
    let xRange = axis.xRange
    let labelGuess = 6
    let columns = max(1, area.width - labelGuess)
    guard let frame = axis.begin(in: area, dataMax: stackedMax(columns: columns), to: &grid) else { return }
    let plot = frame.plot
    let box = BoxSymbols.of(axis.symbols)
    let sampled = layers.map { ColumnSampler.sample($0.points, columns: plot.width, xRange: xRange) }
    let eighthsPerUnit = Double(plot.height * 8) / frame.top
    for c in 0..<plot.width {
      // Cumulative heights in eighths of a cell, bottom layer first.
      var bounds: [Int] = []
      var total = 0.0
      for layer in sampled {
        total += max(0, layer[c] ?? 0)
        bounds.append(min(plot.height * 8, Int((total * eighthsPerUnit).rounded())))
      }
      guard let height = bounds.last, height > 0 else { continue }
      for row in 0..<plot.height {
        let low = row * 8
        guard height > low else { break }
        let filled = min(8, height - low)
        var best = 0
        var bestShare = -1
        var lower = 0
        for (i, upper) in bounds.enumerated() {
          let share = max(0, min(upper, low + 8) - max(lower, low))
          if share > bestShare {
            best = i
            bestShare = share
          }
          lower = upper
        }
        _ = grid.put(
          box.eighths[filled - 1], x: plot.x + c, y: plot.maxY - 1 - row, style: layers[best].style)
      }
    }
    axis.end(frame, to: &grid)
  }

  private func stackedMax(columns: Int) -> Double {
    let sampled = layers.map { ColumnSampler.sample($0.points, columns: columns, xRange: axis.xRange) }
    var top = 0.0
    for c in 0..<columns { top = max(top, sampled.reduce(0) { $0 + max(0, $1[c] ?? 0) }) }
    return top
  }
}
