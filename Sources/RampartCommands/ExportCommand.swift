import ArgumentParser
import Foundation
import RunStore

/// `rampart export RUN --csv`: a run's per-second series for other tools.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Write a run's per-second series as CSV (or JSON lines) to stdout.")

  @Argument(help: "The run: its name (the newest of that name), directory, or a unique prefix.")
  var reference: String

  @Flag(help: "CSV with a header row (the default).")
  var csv = false

  @Flag(name: .customLong("jsonl"), help: "One JSON object per second, as series.jsonl holds them.")
  var jsonLines = false

  @Option(help: "Directory that keeps the runs.")
  var out: String = "rampart-runs"

  func run() throws {
    guard !(csv && jsonLines) else { throw ValidationError("give either --csv or --jsonl, not both") }
    let loaded = try RunReference.load(reference, root: out)
    let directory = loaded.directory
    if loaded.discardedLines > 0 {
      printError("rampart: note: \(loaded.discardedLines) unreadable journal line(s) skipped in \(directory)")
    }
    if jsonLines {
      let text = (try? String(contentsOfFile: "\(directory)/\(RunJournal.seriesFile)", encoding: .utf8)) ?? ""
      let whole = text.split(separator: "\n").filter { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil
      }
      FileHandle.standardOutput.write(Data(whole.map { $0 + "\n" }.joined().utf8))
    } else {
      FileHandle.standardOutput.write(Data(SeriesCSV.text(loaded.samples).utf8))
    }
  }
}
