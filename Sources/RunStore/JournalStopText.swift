import Metrics
import Vocabulary

/// The words for a run whose journal stopped or that has no summary, shared by the report,
/// `compare`, `runs` and the terminal so each reads the same everywhere.
extension JournalStop {
  /// "journalling stopped at 0:12 (disk full)".
  public var text: String { "journalling stopped at \(ClockText.format(elapsedS)) (\(reason))" }

  /// What the stop means for a run that still has its summary.
  public var withSummaryText: String {
    text + ": seconds after it are missing from the series; the summary covers the whole run"
  }
}

extension LoadedRun {
  /// Why there is no summary, claiming no more than the directory shows: a kill, unless the
  /// journal said it stopped first.
  public var noSummaryText: String {
    journalStop.map { "ended without a summary after \($0.text)" } ?? "killed before its summary"
  }

  /// What an incomplete run's figures are: "killed before its summary; figures rebuilt from 40
  /// seconds, percentiles approximate".
  public var incompleteText: String {
    noSummaryText + "; figures rebuilt from \(samples.count) seconds, percentiles approximate"
  }
}
