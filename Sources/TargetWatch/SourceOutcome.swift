/// What reading one source once gave: a figure, or why there was none.
enum SourceOutcome: Sendable, Equatable {
  case read(WatchFigure)
  /// The source could not be read; the reason is one short phrase for the lost event.
  case failed(String)

  var figure: WatchFigure? {
    if case .read(let figure) = self { return figure }
    return nil
  }
}

/// The rate of a cumulative counter (CPU seconds) between two readings: counter delta over clock
/// delta. The first reading has no rate; neither has one where the counter went back (a service
/// restarted, an exporter's counter reset) or the clock did not advance: those start over.
struct CounterRate: Sendable {
  private var last: (value: Double, time: Double)?

  /// The counter's rate since the previous value, per second of the clock; records this one.
  mutating func next(_ value: Double, at time: Double) -> Double? {
    defer { last = (value, time) }
    guard let last, time > last.time, value >= last.value else { return nil }
    return (value - last.value) / (time - last.time)
  }

  /// Forgets the previous value: the next reading has no rate (after a failed reading, a rate
  /// over the gap would hide the gap).
  mutating func reset() { last = nil }
}
