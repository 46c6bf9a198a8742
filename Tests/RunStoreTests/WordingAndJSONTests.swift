import Foundation
import Metrics
import Testing

@testable import RunStore

@Suite(.timeLimit(.minutes(1))) struct WordingAndJSONTests {
  @Test(arguments: [
    (RunOutcome.complete, "complete", "complete", "complete"),
    (.abortedByUser, "ABORTED", "aborted", "stopped early by the user (aborted_by_user)"),
    (
      .abortedByThreshold, "ABORTED", "aborted by threshold",
      "stopped early by a failing threshold (aborted_by_threshold)"
    ),
    (.incomplete, "INCOMPLETE", "incomplete", "incomplete"),
  ])
  func outcomeWords(outcome: RunOutcome, word: String, status: String, sentence: String) {
    #expect(outcome.word == word)
    #expect(outcome.status == status)
    #expect(outcome.sentence == sentence)
  }

  @Test("everything rampart writes keeps a date's fractional seconds (--json once dropped them)")
  func datesKeepTheirFractionalSeconds() throws {
    struct Stamp: Codable, Equatable { var at: Date; var ratio: Double }
    let stamp = Stamp(at: Date(timeIntervalSince1970: 1_794_990_365.25), ratio: .infinity)
    let text = try RampartJSON.text(stamp)
    #expect(text == #"{"at":"2026-11-18T08:26:05.250Z","ratio":"inf"}"#)
    #expect(try RampartJSON.decoder().decode(Stamp.self, from: Data(text.utf8)) == stamp)
  }
}
