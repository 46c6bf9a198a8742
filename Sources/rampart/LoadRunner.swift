import ArgumentParser
import Control
import Dashboard
import Foundation
import LoadEngine
import LogTail
import Metrics
import RunStore
import Synchronization
import Theme

/// One load run from a ready config to the summary: themes, journal, the dashboard or plain
/// lines, signals, exit codes. `rampart run` and `rampart demo` both end here.
struct LoadRunner {
  var config: EngineConfig
  var name: String
  var out: String
  var display: DisplayOptions
  var noTUI: Bool
  var json: Bool
  var quiet: Bool
  /// The target's logs to follow; nil = no log panel.
  var logs: LogSetup? = nil
  /// Where to open the control socket; nil = none.
  var controlPath: String? = nil
  /// Text for the header's run line, such as the demo target's log path.
  var note: String?
  /// Printed after the summary (the demo's known capacity next to the measured peak).
  var epilogue: (@Sendable (RunSummary, MetricsSnapshot) -> String)?

  func execute() async throws {
    var config = config
    let themes: [Theme]
    do {
      themes = try DashboardSession.loadThemes(named: display.theme)
    } catch {
      throw ValidationError(error.description)
    }
    let files = FileLimit.raise()
    config.vuserLimit = files.vuserCapacity
    let peak = config.plan.peakVusers
    let store = MetricsStore()
    let meta = RunMeta(
      name: name, target: config.target.description,
      method: config.request.method, plan: config.plan.summary, vusersPeak: peak,
      duration: config.duration, command: Redaction.command(CommandLine.arguments), startedAt: Date(),
      host: ProcessInfo.processInfo.hostName, rampartVersion: RampartVersion.current,
      options: ["think_s": "\(config.think)", "timeout_s": "\(config.requestTimeout)"])
    let (quiet, json) = (quiet, json)
    // Progress lines are for plain mode only; the decision comes after the engine resolved the
    // target, so the flag is read when each line is due.
    let plainLines = PlainLines()
    let progress: @Sendable (String) -> Void = { line in
      if quiet || !plainLines.enabled { return }
      if json { printError(line) } else { printOut(line) }
    }
    // The journal is created once the target resolved, so a bad host leaves no run behind; the
    // engine's callbacks only fire after `run()` starts, when it exists.
    let journalSlot = Slot<RunJournal>()
    let hubSlot = Slot<LogHub>()
    let engine: LoadEngine
    do throws(ConfigError) {
      engine = try LoadEngine(
        config: config, store: store,
        onSample: { sample in
          journalSlot.value?.append(sample)
          for (name, count) in (sample.logErrors ?? [:]).sorted(by: { $0.key < $1.key }) {
            journalSlot.value?.append(
              RunEvent(elapsed: Double(sample.t), kind: .logErrors, value: Double(count), label: name))
          }
          progress(HeadlessReport.progressLine(sample))
          // The knee is looked for once a second, as ramp steps complete.
          if let knee = store.updateKnee() {
            journalSlot.value?.append(knee)
            progress("  knee: \(Int(knee.value ?? 0)) vusers, \(knee.label ?? "")")
          }
        },
        onEvent: { journalSlot.value?.append($0) },
        // The log follower's last counts join a row before the engine closes its last rows.
        beforeFinalSeconds: { hubSlot.value?.endCounting() })
    } catch {
      printError("rampart: error: \(error.message)")
      throw ExitCode(ExitStatus.unresolvable)
    }
    // The socket opens before the run directory and before anything is sent: a bad path leaves
    // nothing behind.
    let controlServer: ControlServer?
    do {
      controlServer = try controlPath.map { path throws(ControlSocketError) in
        try ControlServer(
          path: path, responder: ControlResponder(control: engine, engine: engine, metrics: store))
      }
    } catch {
      throw ValidationError(error.description)
    }
    defer { controlServer?.close() }
    let journal: RunJournal
    do {
      journal = try RunJournal(root: out, meta: meta)
    } catch {
      throw ValidationError("cannot create the run directory under '\(out)': \(error)")
    }
    journalSlot.value = journal

    if files.now < peak + FileLimit.reserved {
      printError(
        "rampart: warning: the open-file limit (\(files.now)) caps concurrency at about "
          + "\(files.vuserCapacity) vusers; the rest will fail with emfile")
      journal.append(RunEvent(elapsed: 0, kind: .fileLimit, value: Double(files.now)))
    }
    let hub = logs.map { setup in
      store.enableLogErrors()
      var options = LogHub.Options()
      options.roots = setup.roots
      return LogHub(
        sources: setup.sources, classifier: setup.classifier, options: options,
        clock: { engine.status().elapsed }, onErrors: { store.recordLogErrors($0) })
    }
    hubSlot.value = hub
    hub?.start()
    let session = openDashboard(themes: themes)
    plainLines.enabled = session == nil
    if !quiet && session == nil {
      printError(
        "rampart: \(config.plan.summary) against \(config.target) "
          + "(open files \(files.now), run dir \(journal.directory))")
    }
    let grace = DurationText.format(config.gracePeriod)
    let signals = SignalStop(
      onFirst: { _ in
        if let session {
          session.exitFlag.set()
        } else {
          printError("rampart: stopping (in-flight requests get \(grace); Ctrl-C again to quit now)")
        }
        engine.stop()
      },
      beforeForcedExit: { session?.restoreForExit() })
    let result: EngineResult
    if let session {
      let running = Task { await engine.run() }
      let info = RunInfo(
        target: config.target.description, plan: config.plan.summary, runDirectory: journal.directory,
        plannedDuration: config.duration ?? config.plan.naturalDuration, fileLimit: files.now, note: note)
      await session.run(engine: engine, store: store, info: info, logs: hub)
      result = await running.value
    } else {
      result = await engine.run()
    }
    _ = signals
    // Lines read until now still count; the summary waits for the last poll.
    hub?.stop()
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: result.outcome, target: config.target.description,
      startedAt: result.startedAt, endedAt: result.endedAt, duration: result.duration,
      inflightAtStop: result.inflightAtStop, runDir: journal.directory)
    var failed = false
    do {
      try journal.writeSummary(summary)
    } catch {
      printError("rampart: error: could not write the summary: \(error)")
      failed = true
    }
    if let failure = journal.failure {
      printError("rampart: warning: journalling stopped early: \(failure)")
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      encoder.dateEncodingStrategy = .iso8601
      printOut(String(decoding: try encoder.encode(summary), as: UTF8.self))
    } else {
      printOut(HeadlessReport.summary(summary, plan: config.plan.summary))
    }
    if let epilogue { (json ? printError : printOut)(epilogue(summary, store.snapshot())) }
    // A signal that came after the plan ended changes nothing: the run was complete.
    if result.outcome == .abortedByUser { throw ExitCode(ExitStatus.interrupted) }
    if failed { throw ExitCode(ExitStatus.failure) }
  }
}

extension LoadRunner {
  /// The dashboard when this is an interactive terminal, else nil after a one-line note saying
  /// why the run goes on with plain lines (no note when --no-tui asked for them).
  private func openDashboard(themes: [Theme]) -> DashboardSession? {
    let mode = ScreenMode.choose(
      noTUI: noTUI, stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1,
      term: ProcessInfo.processInfo.environment["TERM"])
    switch mode {
    case .headless(let reason):
      if let reason { printError("rampart: \(reason): running without the dashboard") }
      return nil
    case .dashboard:
      switch DashboardSession.open(display: display, themes: themes) {
      case .success(let session): return session
      case .failure(let error):
        printError("rampart: \(error): running without the dashboard")
        return nil
      }
    }
  }
}

/// Whether per-second progress lines are printed (plain mode) or not (the dashboard shows them).
final class PlainLines: Sendable {
  private let value = Atomic<Bool>(true)
  var enabled: Bool {
    get { value.load(ordering: .relaxed) }
    set { value.store(newValue, ordering: .relaxed) }
  }
}

/// A value set once the run is set up and read from the engine's callbacks, which exist earlier.
final class Slot<Value: Sendable>: Sendable {
  private let slot = Mutex<Value?>(nil)
  var value: Value? {
    get { slot.withLock { $0 } }
    set { slot.withLock { $0 = newValue } }
  }
}
