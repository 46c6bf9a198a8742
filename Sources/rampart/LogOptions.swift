import ArgumentParser
import LogTail

/// The flags that name the target's logs: files, commands, extra error patterns.
struct LogOptions: ParsableArguments {
  @Option(name: .customLong("log"), help: "Follow a log file like tail -F (repeatable).")
  var files: [String] = []

  @Option(
    name: .customLong("log-cmd"),
    help:
      "Follow a command's output, e.g. 'ssh web2 tail -F /var/log/app.log' (repeatable; restarted if it exits)."
  )
  var commands: [String] = []

  @Option(
    name: .customLong("log-pattern"),
    help: "Count lines matching REGEX as log errors of class NAME: NAME=REGEX (repeatable).")
  var patterns: [String] = []

  @Option(
    name: .customLong("log-root"),
    help: "Refuse --log paths outside this directory (repeatable; default: any path you name).")
  var roots: [String] = []

  var sources: [LogSourceSpec] {
    files.map { .file($0) } + commands.map { .command($0) }
  }

  /// The follow setup, or nil without sources. A bad pattern is one error line (exit 2) before
  /// anything starts.
  func makeSetup(extraFiles: [String] = []) throws -> LogSetup? {
    let sources = extraFiles.map { LogSourceSpec.file($0) } + sources
    var parsed: [LogPattern] = []
    for text in patterns {
      do {
        parsed.append(try LogPattern.parse(text))
      } catch {
        throw ValidationError(error.description)
      }
    }
    if sources.isEmpty {
      if !parsed.isEmpty {
        throw ValidationError("--log-pattern needs a log source (--log FILE or --log-cmd COMMAND)")
      }
      return nil
    }
    return LogSetup(sources: sources, classifier: LogClassifier(patterns: parsed), roots: roots)
  }
}

/// What the run follows, ready for a `LogHub`.
struct LogSetup: Sendable {
  var sources: [LogSourceSpec]
  var classifier: LogClassifier
  var roots: [String]
}
