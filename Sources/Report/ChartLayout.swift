import Foundation
import Vocabulary

/// Places marker labels in rows above the plot so labels close in x do not overlap; past
/// `maxRows` a label goes to the row with the fewest labels.
struct LabelRows {
  static let maxRows = 6
  var occupied: [[ClosedRange<Double>]] = []

  /// Rows in use.
  var used: Int { occupied.count }

  mutating func place(label: String, at x: Double) -> (x: Double, row: Int, anchor: String) {
    let width = Double(label.count) * 6.6 + 4
    let startsRight = x + 4 + width <= Chart.width - 2
    let range = startsRight ? (x + 4)...(x + 4 + width) : (x - 4 - width)...(x - 4)
    let padded = (range.lowerBound - 8)...(range.upperBound + 8)
    var row = occupied.indices.first { i in !occupied[i].contains { $0.overlaps(padded) } }
    if row == nil {
      if occupied.count < Self.maxRows {
        occupied.append([])
        row = occupied.count - 1
      } else {
        row = occupied.indices.min { occupied[$0].count < occupied[$1].count }!
      }
    }
    occupied[row!].append(range)
    return (startsRight ? x + 4 : x - 4, row!, startsRight ? "start" : "end")
  }
}

/// Axis ticks: 0 to a round top in steps of 1, 2 or 5 x 10^k; time in whole clock steps.
enum Ticks {
  static func nice(max value: Double, target: Int = 5) -> [Double] {
    NiceScale.ticks(max: value, target: target)
  }

  /// At most about a dozen time ticks from 0.
  static func time(max value: Double) -> [Double] {
    let step = NiceScale.timeStep(for: value, count: 12)
    let count = Int((value / step).rounded(.down))
    return (0...max(count, 0)).map { Double($0) * step }
  }
}
