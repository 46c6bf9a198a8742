import Foundation
import Testing
import Vocabulary

@Suite(.timeLimit(.minutes(1))) struct ClockTextTests {
  @Test(arguments: [
    (0.0, "0:00"), (59.6, "0:59"), (90.7, "1:30"), (3599.9, "59:59"), (3720, "1:02:00"), (-3, "0:00"),
    (.nan, "0:00"), (.infinity, "0:00"),
  ])
  func format(seconds: Double, text: String) {
    // 59.6 s read "1:00" on the compare screen and "0:59" live before both used ClockText.
    #expect(ClockText.format(seconds) == text)
  }

  @Test func withSecondsCutsTheSecondsAsTheClockDoes() {
    #expect(ClockText.withSeconds(62) == "1:02 (62 s)")
    #expect(ClockText.withSeconds(59.6) == "0:59 (59 s)")
    #expect(ClockText.withSeconds(0) == "0:00 (0 s)")
    #expect(ClockText.withSeconds(.nan) == "0:00 (0 s)")
  }
}

@Suite(.timeLimit(.minutes(1))) struct DurationTextTests {
  @Test(arguments: [
    ("500ms", 0.5), ("5s", 5), ("1m30s", 90), ("2h", 7200), ("1.5s", 1.5), ("250us", 0.000_25), ("30", 30),
  ])
  func parses(text: String, seconds: Double) {
    #expect(DurationText.parse(text).map { abs($0 - seconds) < 1e-12 } == true)
  }

  @Test(arguments: ["", "5x", "-3", "m", "1m30"])
  func refuses(text: String) {
    #expect(DurationText.parse(text) == nil)
  }

  @Test(arguments: [
    (0.0, "0s"), (0.034, "34ms"), (1.5, "1.5s"), (5, "5s"), (60, "1m"), (90, "1m30s"), (7200, "2h"),
    (3660, "61m"), (3690, "61m30s"),
  ])
  func formats(seconds: Double, text: String) {
    #expect(DurationText.format(seconds) == text)
    if seconds > 0 { #expect(DurationText.parse(text).map { abs($0 - seconds) < 0.001 } == true) }
  }

  @Test(arguments: [
    (0, "0s"), (5, "5s"), (59, "59s"), (60, "1m00s"), (65, "1m05s"), (3700, "61m40s"), (-1, "0s"),
  ])
  func elapsed(seconds: Int, text: String) {
    #expect(DurationText.elapsed(seconds) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct UTCTextTests {
  // 2026-11-18 08:26:05.9 UTC: seconds are cut, never rounded up.
  let date = Date(timeIntervalSince1970: 1_794_990_365.9)

  @Test func styles() {
    #expect(UTCText.format(date) == "2026-11-18 08:26 UTC")
    #expect(UTCText.format(date, style: .plain) == "2026-11-18 08:26 UTC")
    #expect(UTCText.format(date, style: .report) == "2026-11-18 08:26:05 UTC")
    #expect(UTCText.format(date, zone: false) == "2026-11-18 08:26")
    #expect(UTCText.format(Date(timeIntervalSince1970: 0), style: .report) == "1970-01-01 00:00:00 UTC")
  }
}
