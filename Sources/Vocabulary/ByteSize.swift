import Foundation

/// Amounts of data, in one unit system everywhere: binary multiples (1 KiB = 1,024 B), as the
/// screen has always shown them, so a figure reads the same on the dashboard, in the report and in
/// the summary.
public enum ByteSize {
  static let units = ["B", "KiB", "MiB", "GiB", "TiB"]

  /// `.screen`: as few digits as read well (`950 B`, `28.7 KiB`, `120 MiB`). `.report` and
  /// `.plain`: one decimal from KiB up (`950 B`, `28.0 KiB`, `120.4 MiB`), so columns line up.
  public static func format(_ bytes: Double, style: TextStyle = .screen) -> String {
    var value = bytes.isFinite ? max(0, bytes) : 0
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    switch style {
    case .screen:
      return NumberText.trimmed(value, decimals: unit == 0 || value >= 100 ? 0 : 1) + " " + units[unit]
    case .report, .plain:
      return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f ", value) + units[unit]
    }
  }
}
