import Metrics
import RunStore

extension LoadRunner {
  /// Writes what closes the run directory (the journal-stopped event, the histogram, the summary)
  /// and says on stderr what could not be written. Returns true when the summary is missing.
  static func close(_ journal: RunJournal, summary: RunSummary, final: MetricsSnapshot) -> Bool {
    let closing = journal.finish(
      summary: summary, latency: LatencyDistribution(final.totals.histogram),
      stop: final.events.first { $0.kind == .journalStopped })
    if let error = closing.latencyError {
      printError("rampart: warning: could not write the latency histogram: \(error)")
    }
    if let error = closing.summaryError {
      printError("rampart: error: could not write the summary: \(error)")
    }
    if let stop = summary.journalStopped {
      let cause = journal.failure.map { " (\($0))" } ?? ""
      let what = closing.summaryError == nil ? stop.withSummaryText : stop.text
      printError("rampart: warning: \(what)\(cause)")
    }
    return closing.summaryError != nil
  }
}
