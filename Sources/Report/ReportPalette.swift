/// One colour per compared run (A to D), chosen to stay apart for the common kinds of colour
/// blindness (Okabe-Ito); every series is also named in its legend, so colour is never alone.
public enum ReportPalette {
  public static let runs = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]

  public static func run(_ index: Int) -> String { runs[index % runs.count] }

  /// Verdict roles of shaded bands (a capacity search's held steps): passed, failed, and neither
  /// (rampart could not offer the rate, so the step says nothing about the target). From the same
  /// Okabe-Ito set, so green and red stay apart for colour-blind readers; each band also carries a
  /// mark in text.
  public static let pass = "#009E73"
  public static let fail = "#D55E00"
  public static let neutral = "#999999"
}
