import Foundation
import RunFixtures
import TestSupport
import Testing

/// `rampart runs`, `export` and `report` as a user runs them on the fixture runs.
@Suite("rampart runs, export, report", .timeLimit(.minutes(30)))
final class RunsExportReportCLITests {
  let fixtures: LoadedFixtures
  var root: String { fixtures.root }
  var dirs: [String] { fixtures.directories }

  init() throws {
    fixtures = try LoadedFixtures()
  }

  deinit {
    fixtures.remove()
  }

  @Test func runsListsEveryRunWithItsStatus() async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(["runs", "--out", root], timeout: 30)
    #expect(status == 0, "stderr: \(stderr)")
    let lines = stdout.split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[0].hasPrefix("NAME"))
    #expect(lines[3].hasPrefix("killed") && lines[3].contains("incomplete"))
    #expect(lines[4].hasPrefix("stages") && lines[4].contains("aborted"))
    let (_, json, _) = try await RampartProcess.run(["runs", "--out", root, "--json"], timeout: 30)
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
    #expect(rows.map { $0["status"] as? String } == ["complete", "complete", "incomplete", "aborted"])
    #expect(rows[1]["knee_vusers"] as? Int == 40)
  }

  @Test func runsWithoutARunsDirectoryIsOneLineAndExit2() async throws {
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["runs", "--out", root + "/nope"], timeout: 30)
    #expect(status == 2)
    #expect(stdout.isEmpty)
    #expect(stderr.hasPrefix("rampart: error: no runs directory") && stderr.split(separator: "\n").count == 1)
  }

  @Test func exportWritesTheSeriesAsCSVAndJSONLines() async throws {
    let (status, csv, stderr) = try await RampartProcess.run(
      ["export", "one-b", "--csv", "--out", root], timeout: 30)
    #expect(status == 0, "stderr: \(stderr)")
    let lines = csv.split(separator: "\r\n")
    #expect(lines.count == 97)
    #expect(lines[0].hasPrefix("t,duration_s,vusers,target_vusers,paused,started,ok,errors,tps,mtt_ms"))
    // The killed run: its torn last line is left out and said so on stderr.
    let (killedStatus, jsonl, note) = try await RampartProcess.run(
      ["export", "killed", "--jsonl", "--out", root], timeout: 30)
    #expect(killedStatus == 0)
    #expect(jsonl.split(separator: "\n").count == 40)
    #expect(note.contains("1 unreadable journal line(s) skipped"))
    let (both, _, bothError) = try await RampartProcess.run(
      ["export", "killed", "--jsonl", "--csv", "--out", root], timeout: 30)
    #expect(both == 2 && bothError.split(separator: "\n").count == 1)
  }

  @Test func reportWritesOneSelfContainedFile() async throws {
    let output = root + "/capacity.html"
    let (status, stdout, stderr) = try await RampartProcess.run(
      ["report", "two-backends", "--compare", "one-backend", "--by", "vusers", "-o", output, "--out", root],
      timeout: 60)
    #expect(status == 0, "stderr: \(stderr)")
    #expect(stdout.contains(output))
    let html = try String(contentsOfFile: output, encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<svg"))
    #expect(html.contains("two-backends") && html.contains("one-backend"))
    #expect(!html.contains("<script"))
    // The default output goes into the run's own directory.
    let (defaultStatus, defaultOut, _) = try await RampartProcess.run(
      ["report", "killed", "--out", root], timeout: 60)
    #expect(defaultStatus == 0)
    #expect(FileManager.default.fileExists(atPath: dirs[2] + "/report.html"), "\(defaultOut)")
    let (missing, _, missingError) = try await RampartProcess.run(
      ["report", "nope", "--out", root], timeout: 30)
    #expect(missing == 2)
    #expect(missingError.hasPrefix("rampart: error: no run 'nope'"))
  }

  @Test func twoNamesForTheSameRunAreRefused() async throws {
    let base = (dirs[1] as NSString).lastPathComponent
    let (status, _, stderr) = try await RampartProcess.run(
      ["compare", "two-backends", base, "--out", root, "--json"], timeout: 30)
    #expect(status == 2)
    #expect(stderr.contains("name the same run") && stderr.split(separator: "\n").count == 1)
  }
}
