import Foundation
import Metrics
import Vocabulary

/// `rampart runs`: one row per run with what tells runs apart at a glance, incomplete and aborted
/// runs and journals cut short flagged in words.
public enum RunTable {
  public struct Row: Sendable, Equatable, Codable {
    public var name: String
    public var directory: String
    public var startedAt: Date
    public var target: String
    public var durationS: Double
    public var tpsPeak: Double
    public var kneeVusers: Int?
    public var kneeTps: Double?
    public var requests: Int
    public var errorRate: Double
    public var status: String
    /// When and why journalling stopped mid-run; nil (and absent from the JSON) when it did not.
    public var journalStopped: JournalStop?

    enum CodingKeys: String, CodingKey {
      case name, directory = "dir", startedAt = "started_at", target, durationS = "duration_s"
      case tpsPeak = "tps_peak", kneeVusers = "knee_vusers", kneeTps = "knee_tps", requests
      case errorRate = "error_rate", status, journalStopped = "journal_stopped"
    }

    public init(_ run: LoadedRun) {
      let figures = RunFigures(run)
      name = run.meta.name
      directory = run.directory
      startedAt = run.meta.startedAt
      target = run.meta.target
      durationS = figures.durationS
      tpsPeak = figures.tpsPeak
      kneeVusers = figures.knee?.vusers
      kneeTps = figures.knee?.tps
      requests = figures.requests
      errorRate = figures.errorRate
      status = run.outcome.status
      journalStopped = run.journalStop
    }

    /// The status column: the outcome, and where the journal stopped when it did.
    var statusText: String {
      journalStopped.map { "\(status), journal stopped at \(ClockText.format($0.elapsedS))" } ?? status
    }
  }

  public static let headers = [
    "NAME", "START (UTC)", "TARGET", "DURATION", "PEAK TPS", "KNEE", "ERRORS", "STATUS", "RUN",
  ]

  /// The rows as aligned text columns; numbers right-aligned.
  public static func text(_ rows: [Row]) -> String {
    let cells = rows.map { row -> [String] in
      [
        printable(row.name), UTCText.format(row.startedAt, zone: false), printable(row.target),
        ClockText.format(row.durationS),
        DeltaFormat.value(row.tpsPeak, unit: "/s"),
        row.kneeVusers.map { "\($0) @ " + DeltaFormat.value(row.kneeTps, unit: "/s") } ?? "-",
        DeltaFormat.value(row.errorRate * 100, unit: "%"), row.statusText,
        (row.directory as NSString).lastPathComponent,
      ]
    }
    let rightAligned: Set<Int> = [3, 4, 5, 6]
    var widths = headers.map(\.count)
    for line in cells { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func render(_ line: [String]) -> String {
      line.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return rightAligned.contains(i) ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([render(headers)] + cells.map(render)).joined(separator: "\n")
  }

  /// Control characters (an ESC in a run name from a shared runs directory) shown as `?`, so a
  /// listing can never drive the terminal.
  static func printable(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
  }
}
