/// Which stretch of the run the charts show. By default the whole run, from 0 to the planned end
/// (or the live edge when there is no planned end), so the curves grow from left to right. Zooming
/// narrows the window; scrolling moves it back in time; `follow` returns to the live edge.
public struct Viewport: Sendable, Equatable {
  /// Seconds shown; nil = the whole run.
  public private(set) var span: Double?
  /// The window's right edge in run seconds; nil = the live edge.
  public private(set) var end: Double?

  public static let minimumSpan = 10.0

  public init() {}

  public var isFollowing: Bool { end == nil }
  public var isWholeRun: Bool { span == nil }

  /// The time range to draw.
  public func range(elapsed: Double, plannedDuration: Double?) -> ClosedRange<Double> {
    let whole = Self.wholeRun(elapsed: elapsed, plannedDuration: plannedDuration)
    guard let span else { return 0...whole }
    let right = end ?? max(elapsed, span)
    return max(0, right - span)...max(right, span)
  }

  static func wholeRun(elapsed: Double, plannedDuration: Double?) -> Double {
    max(plannedDuration ?? 0, elapsed, 30)
  }

  public mutating func zoomIn(elapsed: Double, plannedDuration: Double?) {
    let current = span ?? Self.wholeRun(elapsed: elapsed, plannedDuration: plannedDuration)
    span = max(Self.minimumSpan, (current / 2).rounded())
  }

  public mutating func zoomOut(elapsed: Double, plannedDuration: Double?) {
    guard let current = span else { return }
    let wider = current * 2
    if wider >= Self.wholeRun(elapsed: elapsed, plannedDuration: plannedDuration) {
      span = nil
      end = nil
    } else {
      span = wider
    }
  }

  /// Moves a quarter window back in time; stops at the run's start.
  public mutating func scrollBack(elapsed: Double) {
    guard let span else { return }
    let right = end ?? max(elapsed, span)
    end = max(span, right - span / 4)
  }

  /// Moves a quarter window forward; reaching the live edge resumes following it.
  public mutating func scrollForward(elapsed: Double) {
    guard let span, let right = end else { return }
    let next = right + span / 4
    end = next >= elapsed ? nil : next
  }

  public mutating func follow() {
    end = nil
  }

  /// Shows the moment `t` in the middle of the window (zooming in to a quarter of the run first
  /// when the whole run is shown); follows the live edge when `t` is that recent.
  public mutating func center(on t: Double, elapsed: Double, plannedDuration: Double?) {
    let whole = Self.wholeRun(elapsed: elapsed, plannedDuration: plannedDuration)
    let width = span ?? max(Self.minimumSpan, (whole / 4).rounded())
    span = width
    let right = max(width, t + width / 2)
    end = right >= elapsed ? nil : right
  }
}
