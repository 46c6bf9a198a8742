import Foundation
import RunFixtures
import TestSupport
import Testing

/// `rampart compare` as a user runs it, on the fixture runs: JSON for scripts, plain text through
/// a pipe, one line and exit 2 for a run it cannot find, and FAULTS DUR-02 (a killed run beside a
/// clean and an aborted one).
@Suite("rampart compare", .timeLimit(.minutes(30)))
final class CompareCLITests {
  let fixtures: LoadedFixtures
  var root: String { fixtures.root }
  var dirs: [String] { fixtures.directories }

  init() throws {
    fixtures = try LoadedFixtures()
  }

  deinit {
    fixtures.remove()
  }

  private func json(_ stdout: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    return try #require(object as? [String: Any])
  }

  private func rows(_ document: [String: Any]) throws -> [String: [String: Any]] {
    let rows = try #require(document["rows"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: rows.map { ($0["key"] as? String ?? "", $0) })
  }

  @Test func jsonHasTheRowsAndNotes() async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["compare", "one-backend", "two-backends", "--out", root, "--json"], timeout: 30)
    #expect(status == 0, "stderr: \(stderr)")
    #expect(stdout.split(separator: "\n").count == 1, "one JSON object on one line")
    let document = try json(stdout)
    #expect(document["axis"] as? String == "time")
    let runs = try #require(document["runs"] as? [[String: Any]])
    #expect(runs.map { $0["letter"] as? String } == ["A", "B"])
    #expect(runs.map { $0["name"] as? String } == ["one-backend", "two-backends"])
    let rows = try rows(document)
    let peak = try #require(rows["tps_peak"])
    let values = try #require(peak["values"] as? [Double])
    #expect(values.count == 2)
    // Two backends have twice the capacity: B is better, by far more than noise.
    #expect(peak["best"] as? Int == 1)
    let delta = try #require((peak["delta_pct"] as? [Any])?.last as? Double)
    #expect(delta > 50)
    #expect(rows["mtt_at_vusers"] != nil && rows["error_pct"] != nil && rows["knee_vusers"] != nil)
    let notes = try #require(document["notes"] as? [String])
    #expect(notes.isEmpty, "same plan, target and tags: nothing to qualify, got \(notes)")
  }

  @Test func byVusersIsTheAxisOfTheJSON() async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["compare", "one-backend", "stages", "--by", "vusers", "--out", root, "--json"], timeout: 30)
    #expect(status == 0, "stderr: \(stderr)")
    let document = try json(stdout)
    #expect(document["axis"] as? String == "vusers")
    let notes = try #require(document["notes"] as? [String])
    #expect(notes.contains { $0.contains("plans differ") })
  }

  @Test(
    "a run it cannot find, or the wrong number of runs: one line, exit 2",
    arguments: [
      (["one-backend", "no-such-run"], "no-such-run"),
      (["one-backend"], "2 to 4 runs"),
      (["one-backend", "two-backends", "killed", "stages", "one-backend"], "2 to 4 runs"),
      (["one-backend", "two-backends", "--by", "bananas"], "bananas"),
      (["one-backend", "two-backends", "--theme", "no-such-theme"], "no-such-theme"),
    ])
  func badInput(args: [String], mentions: String) async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["compare"] + args + ["--out", root], timeout: 30)
    #expect(status == 2, "status \(String(describing: status)): \(stderr)")
    #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
    #expect(stderr.hasPrefix("rampart: error: "))
    #expect(stderr.contains(mentions), "'\(stderr)' should mention \(mentions)")
    #expect(stdout.isEmpty)
  }

  @Test func anAmbiguousPrefixNamesTheCandidates() async throws {
    // "one-backend" and the directory names both start with the year; a bare "2" matches all.
    let (status, _, stderr) = try await RampartProcess.run(
      ["compare", "2", "killed", "--out", root], timeout: 30)
    #expect(status == 2)
    #expect(stderr.split(separator: "\n").count == 1)
    #expect(stderr.contains("matches"), "stderr: \(stderr)")
  }

  /// FAULTS DUR-02: the killed run (no summary, a torn last line) compared with a clean run and a
  /// Ctrl-C-aborted run with other tags and another plan: the comparison works, both are flagged,
  /// and the tag mismatch is spelled out, not joined silently.
  @Test func killedRunBesideACleanAndAnAbortedOne() async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["compare", "two-backends", "kill", dirs[3], "--out", root, "--json"], timeout: 30)
    #expect(status == 0, "stderr: \(stderr)")
    let document = try json(stdout)
    let runs = try #require(document["runs"] as? [[String: Any]])
    #expect(runs.map { $0["outcome"] as? String } == ["complete", "incomplete", "aborted_by_user"])
    #expect(runs.map { $0["exact_percentiles"] as? Bool } == [true, false, true])
    let notes = try #require(document["notes"] as? [String])
    #expect(notes.contains { $0.hasPrefix("B (killed) is incomplete") })
    #expect(notes.contains { $0.contains("1 unreadable journal line") })
    #expect(notes.contains { $0.hasPrefix("C (stages) was aborted by user") })
    #expect(notes.contains { $0.contains("plans differ") })
    let tags = try #require(notes.first { $0.hasPrefix("tags differ") })
    #expect(tags.contains("'knee?'") && tags.contains("'before-kill'") && tags.contains("C none"))
    // Every row has a value per run (the killed run's rebuilt from its per-second rows).
    let peak = try #require(try rows(document)["tps_peak"]?["values"] as? [Any])
    #expect(peak.count == 3 && peak.allSatisfy { $0 is Double })

    // Through a pipe: the same comparison as plain text, flags and notes included.
    let (textStatus, text, textErr) = try await RampartProcess.run(
      ["compare", "two-backends", "kill", dirs[3], "--out", root], timeout: 30)
    #expect(textStatus == 0, "stderr: \(textErr)")
    #expect(textErr.isEmpty, "a pipe needs no note: \(textErr)")
    #expect(text.contains("INCOMPLETE") && text.contains("ABORTED"))
    #expect(text.contains("by time"))
    #expect(text.contains("Peak TPS"))
    for note in notes { #expect(text.contains(note), "note missing from the text: \(note)") }
  }
}
