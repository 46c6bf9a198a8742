/// Where a figure is read: the one thing that may change how a quantity is spelled. A quantity
/// reads the same in every style unless the place really needs otherwise (a narrow screen column,
/// a report table whose decimals line up, plain text a script may grep).
public enum TextStyle: Sendable, CaseIterable {
  /// The live and compare screens: as few digits as read well in a narrow column (`12.3 ms`,
  /// `1.2k`, `28.7 KiB`).
  case screen
  /// The HTML report: fixed decimals and grouped thousands, so columns of figures line up
  /// (`12.3 ms`, `1,234/s`, `28.0 KiB`).
  case report
  /// Plain text on a terminal or in a pipe (the headless progress lines and summary, threshold
  /// verdicts): ASCII, no space inside a figure (`12.34ms`, `4.00%`).
  case plain
}
