/// One colour per compared run (A to D), chosen to stay apart for the common kinds of colour
/// blindness (Okabe-Ito); every series is also named in its legend, so colour is never alone.
public enum ReportPalette {
  public static let runs = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]

  public static func run(_ index: Int) -> String { runs[index % runs.count] }
}
