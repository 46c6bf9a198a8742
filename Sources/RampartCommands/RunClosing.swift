import LoadEngine
import Metrics
import RunStore

extension LoadRunner {
  /// The summary of a finished run: the engine's result over the final snapshot, the search's
  /// answer, and every threshold judged over the whole run with the summary's own figures.
  static func summary(
    _ result: EngineResult, cause: StopCause.Cause?, final: MetricsSnapshot, target: String, runDir: String,
    capacity: CapacityResult?, thresholds: [Threshold]
  ) -> RunSummary {
    // engine.stop() reads as a user's stop; a threshold that asked for it is named instead.
    let outcome =
      result.outcome == .abortedByUser && cause == .threshold ? .abortedByThreshold : result.outcome
    var summary = RunSummary(
      snapshot: final, outcome: outcome, target: target,
      startedAt: result.startedAt, endedAt: result.endedAt, duration: result.duration,
      inflightAtStop: result.inflightAtStop, runDir: runDir)
    summary.capacity = capacity
    if !thresholds.isEmpty {
      let results = thresholds.check(ThresholdFigures(summary: summary))
      summary.thresholds = results
      summary.thresholdsOk = results.allSatisfy(\.ok) && outcome != .abortedByThreshold
    }
    return summary
  }

  /// The exit status a finished run calls for, nil for success: a user's stop, then a summary
  /// that could not be written, then failed thresholds. A signal that came after the plan ended
  /// changes nothing: that run was complete.
  static func exitStatus(_ summary: RunSummary, summaryMissing: Bool) -> Int32? {
    if summary.outcome == .abortedByUser { return ExitStatus.interrupted }
    if summaryMissing { return ExitStatus.failure }
    if summary.thresholdsOk == false { return ExitStatus.thresholdsFailed }
    return nil
  }

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
