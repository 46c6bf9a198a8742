import Foundation
import Vocabulary

extension Knee {
  /// `200/s at 54.1 ms`: the knee's throughput and latency, for markers and notices.
  public var label: String {
    let tpsText = tps >= 100 ? String(Int(tps.rounded())) : String(format: "%.1f", tps)
    return "\(tpsText)/s at \(String(format: "%.1f", mttMs)) ms"
  }

  /// The confidence as every place says it (the screen's stats, the summary, the report): `85%`.
  public var confidenceText: String { PercentText.format(confidence) }
}
