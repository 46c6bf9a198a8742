import Foundation
import Metrics
import Vocabulary

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
    let encoder = RampartJSON.encoder()
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
/// A comparison row's figure by its unit, in the vocabulary's report style: the compare screen,
/// `compare` text, `runs` and the report show one spelling.
public enum DeltaFormat {
  public static func value(_ value: Double?, unit: String) -> String {
    guard let value else { return "-" }
    switch unit {
    case "ms": return LatencyText.format(value, style: .report)
    case "%": return PercentText.format(value / 100, style: .report)
    case "/s": return RateText.perSecond(value, style: .report)
    case "vusers": return String(format: "%.0f", value)
    case "cores": return CoresText.withUnit(value)
    case "B": return ByteSize.format(value, style: .report)
    default: return value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
  }
}
