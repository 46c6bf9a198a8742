import ArgumentParser
import LogTail
import LogValues
import PlanFile

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
  /// A plan file's `[logs]` come first; the flags add to them.
  func makeSetup(extraFiles: [String] = [], plan: PlanDocument? = nil) throws -> LogSetup? {
    var sources = extraFiles.map { LogSourceSpec.file($0) }
    if let plan { sources += plan.logFiles.map { .file($0) } + plan.logCommands.map { .command($0) } }
    sources += self.sources
    var parsed: [LogPattern] = []
    for pattern in plan?.logPatterns ?? [] {
      do {
        parsed.append(try LogPattern.parse("\(pattern.name)=\(pattern.regex)"))
      } catch {
        throw ValidationError(plan!.error(at: pattern.key, error.description).description)
      }
    }
    let roots = (plan?.logRoots ?? []) + self.roots
    for text in patterns {
      do {
        parsed.append(try LogPattern.parse(text))
      } catch {
        throw ValidationError(error.description)
      }
    }
    if sources.isEmpty {
      if !parsed.isEmpty {
        throw ValidationError("log patterns need a log source (--log FILE or --log-cmd COMMAND)")
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
