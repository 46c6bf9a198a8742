/// When and why the run directory stopped taking lines in the middle of a run. The load went on,
/// so a summary written at the end (built from memory) covers the whole run, while the series and
/// events on disk end here.
public struct JournalStop: Codable, Sendable, Equatable {
  /// Seconds since the run started, when the first write failed.
  public var elapsedS: Double
  /// "disk full", or the system's text for another write error.
  public var reason: String

  public init(elapsedS: Double, reason: String) {
    self.elapsedS = elapsedS
    self.reason = reason
  }

  /// The stop a `journal_stopped` event records; nil for any other event.
  public init?(_ event: RunEvent) {
    guard event.kind == .journalStopped else { return nil }
    self.init(elapsedS: event.elapsed, reason: event.label ?? "write failed")
  }

  /// The first stop among `events`, if journalling stopped.
  public static func first(in events: [RunEvent]) -> JournalStop? {
    events.lazy.compactMap(JournalStop.init).first
  }

  enum CodingKeys: String, CodingKey {
    case elapsedS = "elapsed_s", reason
  }
}
