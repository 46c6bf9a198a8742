import ArgumentParser
import Control
import Foundation
import Metrics
import Vocabulary

/// `rampart ctl PATH COMMAND...`: sends one command to a running rampart's control socket and
/// prints the reply. Exit 0 on `ok`/status, 2 on a refused or malformed command, 1 when no run
/// answers at PATH within the timeout or it is serving as many clients as it takes.
struct CtlCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ctl",
    abstract: "Control a running rampart through its --control socket.",
    discussion: "Commands: \(ControlCommand.usage).")

  @Option(help: "Give up when the run has not answered within this long (connect and reply).")
  var timeout: String = DurationText.format(ControlClient.defaultTimeout)

  @Argument(help: "The socket path given to `rampart run --control`.")
  var path: String

  @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, e.g. `vusers 200`.")
  var command: [String] = []

  func run() throws {
    guard !command.isEmpty else { throw ValidationError("no command given (\(ControlCommand.usage))") }
    guard let seconds = DurationText.parse(timeout), seconds > 0 else {
      throw ValidationError("--timeout needs a duration such as 5s or 500ms, got '\(timeout)'")
    }
    let reply: String
    do {
      // Whatever answers at PATH is shown inert: a reply cannot drive the terminal.
      reply = ControlResponder.inert(
        try ControlClient.send(command.joined(separator: " "), to: path, timeout: seconds))
    } catch {
      printError("rampart: error: \(error)")
      throw ExitCode(ExitStatus.failure)
    }
    if reply.hasPrefix(ControlServer.busyPrefix) {
      printError("rampart: \(reply)")
      throw ExitCode(ExitStatus.failure)
    }
    if reply.hasPrefix("error: ") {
      printError("rampart: \(reply)")
      throw ExitCode(ExitStatus.badInput)
    }
    printOut(reply)
  }
}
