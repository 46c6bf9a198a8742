import Foundation
import Metrics

/// A run's per-second series as CSV (RFC 4180, header row first), for spreadsheets and pandas.
/// Error kinds, status codes and log error classes become one column each, over the union of
/// what any second saw, so every row has the same columns.
public enum SeriesCSV {
  public static func text(_ samples: [SecondSample]) -> String {
    let kinds = Set(samples.flatMap { $0.errorsByKind.keys }).sorted()
    let codes = Set(samples.flatMap { $0.statusCodes.keys }).sorted()
    let classes = Set(samples.flatMap { ($0.logErrors ?? [:]).keys }).sorted()
    let fixed = [
      "t", "duration_s", "vusers", "target_vusers", "paused", "started", "ok", "errors", "tps", "mtt_ms",
      "min_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "bytes_in", "bytes_out", "connects",
    ]
    let header =
      fixed + kinds.map { "errors.\($0)" } + codes.map { "status.\($0)" } + classes.map { "log_errors.\($0)" }
    var lines = [header.map(field).joined(separator: ",")]
    for s in samples {
      var row: [String] = [
        "\(s.t)", number(s.duration), "\(s.vusers)", "\(s.targetVusers)", s.paused ? "1" : "0",
        "\(s.started)",
        "\(s.ok)", "\(s.errors)", number(s.tps), number(s.mttMs), number(s.minMs), number(s.p50Ms),
        number(s.p90Ms), number(s.p95Ms), number(s.p99Ms), number(s.maxMs), "\(s.bytesIn)", "\(s.bytesOut)",
        "\(s.connects)",
      ]
      row += kinds.map { "\(s.errorsByKind[$0] ?? 0)" }
      row += codes.map { "\(s.statusCodes[$0] ?? 0)" }
      row += classes.map { "\(s.logErrors?[$0] ?? 0)" }
      lines.append(row.joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// Up to three decimals, no trailing zeros, never exponent notation.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "" }
    var text = String(format: "%.3f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  /// A field quoted when it holds a comma, quote or line break (RFC 4180).
  static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
