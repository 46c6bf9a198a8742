import Foundation
import Metrics

extension RunComparison {
  /// The delta table for scripts (`rampart compare A B --json`): runs, rows, notes. Keys are a
  /// stable interface, sorted, one object.
  public func json(pretty: Bool = false) -> String {
    let document = Document(
      axis: axis, atVusers: commonVusers,
      runs: runs.map { run in
        Document.Run(
          letter: run.letter, name: run.name, dir: run.run.directory, outcome: run.run.outcome,
          target: run.run.meta.target, plan: run.run.meta.plan, startedAt: run.run.meta.startedAt,
          durationS: run.figures.durationS, requests: run.figures.requests, knee: run.figures.knee,
          tags: run.figures.tags, exactPercentiles: run.figures.exactPercentiles)
      }, rows: rows, notes: notes)
    let encoder = JSON.encoder()
    if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
    return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self)
  }

  struct Document: Encodable {
    var axis: CompareAxis
    var atVusers: Int?
    var runs: [Run]
    var rows: [DeltaRow]
    var notes: [String]

    struct Run: Encodable {
      var letter: String
      var name: String
      var dir: String
      var outcome: RunOutcome
      var target: String
      var plan: String
      var startedAt: Date
      var durationS: Double
      var requests: Int
      var knee: Knee?
      var tags: [RunSummary.Tag]
      var exactPercentiles: Bool

      enum CodingKeys: String, CodingKey {
        case letter, name, dir, outcome, target, plan, startedAt = "started_at", durationS = "duration_s"
        case requests, knee, tags, exactPercentiles = "exact_percentiles"
      }
    }

    enum CodingKeys: String, CodingKey {
      case axis, atVusers = "at_vusers", runs, rows, notes
    }
  }
}

/// How delta values read in a table: units, sensible digits, and the change against run A.
public enum DeltaFormat {
  public static func value(_ value: Double?, unit: String) -> String {
    guard let value else { return "-" }
    switch unit {
    case "ms": return value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.1f ms", value)
    case "%":
      return value == 0
        ? "0%" : value < 0.1 ? String(format: "%.2f%%", value) : String(format: "%.1f%%", value)
    case "/s": return value >= 100 ? String(format: "%.0f/s", value) : String(format: "%.1f/s", value)
    case "vusers": return String(format: "%.0f", value)
    default: return value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
  }

  /// "+48%", "-3.2%", "" for A or a missing base.
  public static func change(_ percent: Double?) -> String {
    guard let percent else { return "" }
    let magnitude = abs(percent)
    let digits = magnitude >= 10 ? String(format: "%.0f", magnitude) : String(format: "%.1f", magnitude)
    return (percent < 0 ? "-" : "+") + digits + "%"
  }
}
