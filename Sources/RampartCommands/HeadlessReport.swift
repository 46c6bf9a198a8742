import Foundation
import Metrics
import RunStore
import Vocabulary

/// The plain-text output of a headless run: one progress line per second and the final summary.
/// Pure formatting, so tests can pin the format.
enum HeadlessReport {
  /// One closed second: "    5s  vusers    10  tps    295.0  ...  err/s 0". The run's last row
  /// is usually a fraction of a second; it says what happened in that fraction
  /// ("  +34ms  vusers    10  done      10  ...  errors 0"), since a rate extrapolated from 34 ms
  /// would claim a throughput that never was.
  /// In the open model the second also says what was offered ("offered 2000.0"), and when
  /// arrivals came late, were dropped or the client held them back.
  static func progressLine(_ s: SecondSample) -> String {
    let partial = !s.isWhole
    let when = partial ? "+" + DurationText.format(s.duration) : elapsedText(s.t + 1)
    var amount =
      partial
      ? String(format: "  vusers %5d  done %7d", s.vusers, s.completed)
      : String(format: "  vusers %5d  tps %8.1f", s.vusers, s.tps)
    if let offered = s.offered {
      amount =
        (partial
          ? String(format: "  offered %6d", offered) : String(format: "  offered %8.1f", s.offeredRate ?? 0))
        + amount
    }
    var line =
      pad(when, 6) + amount
      + "  mtt " + pad(ms(s.mttMs), 8) + "  p95 " + pad(ms(s.p95Ms), 8) + "  p99 " + pad(ms(s.p99Ms), 8)
      + (partial ? "  errors \(s.errors)" : "  err/s \(s.errors)")
    if s.errors > 0 { line += " (" + kinds(s.errorsByKind) + ")" }
    if let logErrors = s.logErrors, !logErrors.isEmpty {
      line += "  log errors \(logErrors.values.reduce(0, +)) (" + kinds(logErrors) + ")"
    }
    if let late = s.late, late > 0 { line += "  late \(late)" }
    if let dropped = s.dropped, dropped > 0 { line += "  dropped \(dropped)" }
    if s.generatorLimited == true { line += "  CLIENT-LIMITED" }
    if s.paused { line += "  PAUSED" }
    return line
  }

  /// Printed the moment journalling stops: what stopped, why, and that the load goes on.
  static func journalStoppedLine(_ stop: JournalStop, cause: StoreError) -> String {
    "  \(stop.text): \(cause); the load goes on and the summary will cover the whole run"
  }

  /// A capacity search's step or answer as a progress line.
  static func searchLine(_ event: RunEvent) -> String {
    let rate = event.value.map { RateText.formatLive($0) + "/s" } ?? ""
    return event.kind == .capacity
      ? "  find: \(event.label ?? "")" : "  find: \(rate) \(event.label ?? "")"
  }

  static func summary(_ r: RunSummary, plan: String) -> String {
    let outcome =
      switch r.outcome {
      case .complete: "complete"
      case .abortedByUser: "stopped early by the user (aborted_by_user)"
      case .abortedByThreshold: "stopped early by a failing threshold (aborted_by_threshold)"
      case .incomplete: "incomplete"
      }
    var lines = [
      "",
      "rampart summary: \(outcome)",
      "  target         \(r.target)",
      "  plan           \(plan)",
      String(format: "  duration       %.1f s", r.durationS),
      "  requests       \(r.requests) (ok \(r.ok), errors \(r.errors), in flight at stop \(r.inflightAtStop))",
      String(format: "  tps            %.1f mean, %.1f peak", r.tps, r.tpsPeak),
      "  latency        " + latencyText(r.mttMs, r.p50Ms, r.p90Ms, r.p95Ms, r.p99Ms, r.maxMs)
        + (r.model == .open ? "  (from each request's intended start)" : ""),
      "  errors         "
        + (r.errors == 0 ? "none" : kinds(r.errorsByKind) + String(format: "  (%.2f%%)", r.errorRate * 100)),
    ]
    if let u = r.uncorrected {
      lines.insert(
        "  uncorrected    " + latencyText(u.mttMs, u.p50Ms, u.p90Ms, u.p95Ms, u.p99Ms, u.maxMs)
          + "  (from the actual send)", at: lines.count - 1)
    }
    if r.model == .open {
      let limited = r.generatorLimitedS ?? 0
      lines.insert(
        String(format: "  arrivals       offered %.1f/s mean, ", r.offeredRps ?? 0)
          + "late \(r.late ?? 0), dropped \(r.dropped ?? 0), client-limited \(Int(limited)) s"
          + ((r.heldBack ?? 0) + (r.droppedHeld ?? 0) > 0
            ? "; pool held: \(r.heldBack ?? 0) waited, \(r.droppedHeld ?? 0) of the dropped"
              + " (more vusers stopped adding throughput)"
            : ""),
        at: lines.count - 1)
    }
    if !r.protocolErrors.isEmpty { lines.append("  protocol       " + kinds(r.protocolErrors)) }
    let codes = r.statusCodes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    lines.append("  status codes   " + (codes.isEmpty ? "none" : codes.joined(separator: ", ")))
    let rate = r.durationS > 0 ? Double(r.bytesIn) / r.durationS : 0
    lines.append(
      "  bytes          in \(ByteSize.format(Double(r.bytesIn), style: .fixed)) (\(ByteSize.format(rate, style: .fixed))/s), out \(ByteSize.format(Double(r.bytesOut), style: .fixed))"
    )
    lines.append(
      "  connections    \(r.connectionsOpened) opened, \(r.staleRetries) stale keep-alive retries, peak vusers \(r.vusersPeak)"
    )
    if let capacity = r.capacity {
      lines.append("  capacity       \(capacity.headline)")
      lines.append(
        "  slo            \(capacity.slos.joined(separator: ", ")); \(capacity.steps.count) steps ("
          + "\(capacity.steps.filter { $0.phase == .hold }.count) held)"
          + (capacity.vusersAtCapacityText.map { "; " + $0 } ?? ""))
    }
    if let knee = r.knee {
      lines.append(
        "  knee           \(knee.position), \(knee.label) (confidence \(String(format: "%.2f", knee.confidence)))"
      )
    }
    if let pauses = r.pauses, pauses > 0 {
      let seconds = String(format: "%.1f", r.pausedS ?? 0)
      lines.append("  paused         \(seconds) s in \(pauses) pause" + (pauses == 1 ? "" : "s"))
    }
    if let tags = r.tags, !tags.isEmpty {
      lines.append(
        "  tags           "
          + tags.map { "\(ClockText.format($0.elapsedS)) \($0.label)" }.joined(separator: ", "))
    }
    if let logErrors = r.logErrors {
      lines.append("  log errors     " + (logErrors.isEmpty ? "none" : kinds(logErrors)))
    }
    if let thresholds = r.thresholds, !thresholds.isEmpty {
      let failing = thresholds.filter { !$0.ok }.count
      let verdict =
        failing > 0
        ? "\(failing) of \(thresholds.count) failed"
        : r.thresholdsOk == false
          ? "all \(thresholds.count) passed at the end; one failed during the run and stopped it"
          : "all \(thresholds.count) passed"
      lines.append("  thresholds     " + verdict)
      let width = thresholds.map(\.expr.count).max() ?? 0
      for t in thresholds {
        lines.append(
          "    " + (t.ok ? "ok  " : "FAIL") + "  "
            + t.expr.padding(toLength: width, withPad: " ", startingAt: 0)
            + "  observed \(t.observedText)")
      }
    }
    if let stop = r.journalStopped { lines.append("  warning        " + stop.withSummaryText) }
    lines.append("  run dir        \(r.runDir)")
    return lines.joined(separator: "\n")
  }

  static func latencyText(
    _ mean: Double, _ p50: Double, _ p90: Double, _ p95: Double, _ p99: Double, _ max: Double
  ) -> String {
    "mean \(ms(mean))  p50 \(ms(p50))  p90 \(ms(p90))  p95 \(ms(p95))  p99 \(ms(p99))  max \(ms(max))"
  }

  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  static func kinds(_ counts: [String: Int]) -> String {
    counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  }

  static func ms(_ value: Double) -> String {
    if value >= 1000 { return String(format: "%.2fs", value / 1000) }
    if value >= 100 { return String(format: "%.0fms", value) }
    return String(format: "%.2fms", value)
  }

  static func elapsedText(_ seconds: Int) -> String {
    seconds >= 60 ? "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" : "\(seconds)s"
  }

}
