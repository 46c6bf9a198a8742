import ArgumentParser
import Foundation
import RunStore

/// `rampart runs`: the runs kept under `--out`, oldest first.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs", abstract: "List the runs kept on disk (complete, incomplete and aborted).")

  @Option(help: "Directory that keeps the runs.")
  var out: String = "rampart-runs"

  @Flag(help: "Print the list as a JSON array.")
  var json = false

  func run() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("no runs directory '\(out)' (runs are kept under --out, default ./rampart-runs)")
    }
    let rows = RunCatalog.list(root: out, depth: .summaryOnly).map(RunTable.Row.init)
    if json {
      printOut(try RampartJSON.text(rows))
      return
    }
    guard !rows.isEmpty else {
      printOut("no runs under '\(out)'")
      return
    }
    printOut(RunTable.text(rows))
  }
}
