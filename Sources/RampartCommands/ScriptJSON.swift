import Foundation

/// JSON for scripts on stdout (`run --json`, `runs --json`): sorted keys, ISO 8601 dates, and
/// non-finite numbers as strings (as the run directory writes them) instead of a failed encode
/// after a good run.
enum ScriptJSON {
  static func text<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
