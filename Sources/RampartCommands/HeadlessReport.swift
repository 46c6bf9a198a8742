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
    let when = partial ? "+" + DurationText.format(s.duration) : DurationText.elapsed(s.t + 1)
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
      + "  mtt " + pad(LatencyText.format(s.mttMs, style: .plain), 8) + "  p95 "
      + pad(LatencyText.format(s.p95Ms, style: .plain), 8) + "  p99 "
      + pad(LatencyText.format(s.p99Ms, style: .plain), 8)
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
    let rate = event.value.map { RateText.live($0) } ?? ""
    return event.kind == .capacity
      ? "  find: \(event.label ?? "")" : "  find: \(rate) \(event.label ?? "")"
  }

  static func summary(_ r: RunSummary, plan: String) -> String {
    var lines = [
      "",
      "rampart summary: \(r.outcome.sentence)",
      "  target         \(r.target)",
      "  plan           \(plan)",
      String(format: "  duration       %.1f s", r.durationS),
      "  requests       \(r.requests) (ok \(r.ok), errors \(r.errors), in flight at stop \(r.inflightAtStop))",
      String(format: "  tps            %.1f mean, %.1f peak", r.tps, r.tpsPeak),
      "  latency        " + latencyText(r.mttMs, r.p50Ms, r.p90Ms, r.p95Ms, r.p99Ms, r.maxMs)
        + (r.model == .open ? "  (from each request's intended start)" : ""),
      "  errors         "
        + (r.errors == 0
          ? "none" : kinds(r.errorsByKind) + "  (\(PercentText.format(r.errorRate, style: .plain)))"),
    ]
    if let u = r.uncorrected {
      lines.insert(
        "  uncorrected    " + latencyText(u.mttMs, u.p50Ms, u.p90Ms, u.p95Ms, u.p99Ms, u.maxMs)
          + "  (from the actual send)", at: lines.count - 1)
    }
    if r.model == .open {
      let limited = r.generatorLimitedS ?? 0
      lines.insert(
        "  arrivals       offered \(RateText.perSecond(r.offeredRps ?? 0, style: .plain)) mean, "
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
      "  bytes          in \(ByteSize.format(Double(r.bytesIn), style: .plain)) (\(ByteSize.format(rate, style: .plain))/s), out \(ByteSize.format(Double(r.bytesOut), style: .plain))"
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
        "  knee           \(knee.position), \(knee.label) (confidence \(knee.confidenceText))"
      )
    } else if let note = r.kneeNote {
      lines.append("  knee           " + note)
    }
    for note in r.saturation ?? [] { lines.append("  saturation     " + note.text) }
    for (name, figures) in (r.watch ?? [:]).sorted(by: { $0.key < $1.key }) {
      lines.append("  watch          " + watchText(name, figures))
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

  /// "uvicorn  CPU 0.38 cores mean, 0.41 peak  RSS 81.2 MiB peak (60 s read)".
  static func watchText(_ name: String, _ figures: TargetSummary) -> String {
    let cpu =
      figures.cpuCoresMean.map { mean in
        "CPU \(CoresText.withUnit(mean)) mean, \(CoresText.format(figures.cpuCoresPeak ?? mean)) peak"
      } ?? "CPU not read"
    let rss = figures.rssBytesPeak.map { "RSS \(ByteSize.format($0, style: .plain)) peak" } ?? "RSS not read"
    return "\(name)  \(cpu)  \(rss) (\(figures.seconds) s read)"
  }

  static func latencyText(
    _ mean: Double, _ p50: Double, _ p90: Double, _ p95: Double, _ p99: Double, _ max: Double
  ) -> String {
    [("mean", mean), ("p50", p50), ("p90", p90), ("p95", p95), ("p99", p99), ("max", max)]
      .map { "\($0.0) \(LatencyText.format($0.1, style: .plain))" }.joined(separator: "  ")
  }

  static func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }

  static func kinds(_ counts: [String: Int]) -> String {
    counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  }
}
