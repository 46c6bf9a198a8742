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
import Vocabulary

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
  /// Pass/fail criteria (`--threshold`, or a plan file): checked once a second as seconds close
  /// and over the whole run at the end; a failure exits with code 99.
  var thresholds: [Threshold] = []
  /// Stop the run when a threshold is failing once `abortDelay` seconds have passed.
  var abortOnFail = false
  var abortDelay: Double = 0
  /// `rampart find`: the capacity search that drives the rate; nil for a plain run.
  var search: SearchDriver?
  /// Scrubs secrets (a plan's `${env:NAME}` values) from everything written or shown.
  var redact: @Sendable (String) -> String = { $0 }

  func execute() async throws {
    let themes: [Theme]
    do {
      themes = try DashboardSession.loadThemes(named: display.themeName)
    } catch {
      throw ValidationError(error.description)
    }
    let files = FileLimit.raise()
    let peak = config.peakVusers
    let store = MetricsStore()
    store.setThresholds(thresholds)
    let redact = redact
    let target = redact(config.target.description)
    // A request mix is part of the plan: runs with different mixes must not compare as alike.
    let mix = config.mix.map { "\($0.template.method) \($0.path ?? "/") x\($0.weight)" }.joined(
      separator: ", ")
    let meta = RunMeta(
      name: redact(name), target: target, method: mix.isEmpty ? config.request.method : redact(mix),
      plan: config.planSummary + (mix.isEmpty ? "" : "; requests " + redact(mix)), vusersPeak: peak,
      duration: config.duration, command: Redaction.command(CommandLine.arguments).map(redact),
      startedAt: Date(),
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
    let engineSlot = Slot<LoadEngine>()
    let stopCause = StopCause()
    let (checksThresholds, abortOnFail, abortDelay) = (!thresholds.isEmpty, abortOnFail, abortDelay)
    let search = search
    let engine: LoadEngine
    do throws(ConfigError) {
      engine = try LoadEngine(
        config: config, store: store,
        onSample: { sample in
          // The second's line comes before its journal write, so a write that fails is said after
          // the line of the second it lost.
          progress(HeadlessReport.progressLine(sample))
          journalSlot.value?.append(sample)
          for (name, count) in (sample.logErrors ?? [:]).sorted(by: { $0.key < $1.key }) {
            journalSlot.value?.append(
              RunEvent(elapsed: Double(sample.t), kind: .logErrors, value: Double(count), label: name))
          }
          if let search, let engine = engineSlot.value {
            for event in search.observe(sample, engine: engine, store: store) {
              store.record(event)
              journalSlot.value?.append(event)
              progress(HeadlessReport.searchLine(event))
            }
          }
          // The knee is looked for once a second, as ramp steps complete (a search's own steps
          // answer its question instead).
          if search == nil, let knee = store.updateKnee() {
            journalSlot.value?.append(knee)
            let position = store.snapshot().knee?.position ?? "\(Int(knee.value ?? 0)) vusers"
            progress("  knee: \(position), \(knee.label ?? "")")
          }
          // Thresholds are checked once a second over the run so far, after the second closed.
          if checksThresholds {
            let check = store.checkThresholds()
            for event in check.newlyFailing {
              journalSlot.value?.append(event)
              let observed = check.results.first { $0.expr == event.label }?.observedText ?? ""
              progress("  threshold failing: \(event.label ?? "") (observed \(observed))")
            }
            let elapsed = Double(sample.t) + sample.duration
            if abortOnFail, elapsed >= abortDelay, let failed = check.results.first(where: { !$0.ok }),
              let engine = engineSlot.value, [.running, .paused].contains(engine.status().phase),
              stopCause.claim(.threshold)
            {
              printError(
                "rampart: threshold '\(failed.expr)' failed (observed \(failed.observedText)): "
                  + "stopping the run (--abort-on-fail)")
              engine.stop()
            }
          }
        },
        onEvent: { journalSlot.value?.append($0) },
        // The log follower's last counts join a row before the engine closes its last rows.
        beforeFinalSeconds: { hubSlot.value?.endCounting() })
    } catch {
      printError("rampart: error: \(redact(error.message))")
      throw ExitCode(ExitStatus.unresolvable)
    }
    engineSlot.value = engine
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
      journal = try RunJournal(
        root: out, meta: meta,
        onFailure: { error in
          // Said the moment it happens, in the header and the plain lines; the load goes on.
          let stop = JournalStop(elapsedS: engine.status().elapsed, reason: error.reason)
          store.record(RunEvent(elapsed: stop.elapsedS, kind: .journalStopped, label: stop.reason))
          progress(HeadlessReport.journalStoppedLine(stop, cause: error))
        })
    } catch {
      throw ValidationError("cannot create the run directory under '\(out)': \(error)")
    }
    journalSlot.value = journal

    let hub = logs.map { setup in
      store.enableLogErrors()
      var options = LogHub.Options()
      options.roots = setup.roots
      options.redact = redact
      return LogHub(
        sources: setup.sources, classifier: setup.classifier, options: options,
        clock: { engine.status().elapsed }, onErrors: { store.recordLogErrors($0) },
        onErrorSample: { sample in
          journalSlot.value?.append(
            LogSample(
              elapsed: sample.elapsed, errorClass: sample.errorClass, source: sample.source, text: sample.text
            ))
        })
    }
    hubSlot.value = hub
    hub?.start()
    // Counted once the journal, the control socket and the log followers are open.
    let connectionCap = files.connectionCap(openNow: FileLimit.openDescriptors())
    engine.capConnections(at: connectionCap)
    // The open model's default pool is a ceiling the pool grows toward only as responses slow
    // down: only a --max-vusers the user asked for is worth a warning.
    if connectionCap < peak, config.open == nil || config.open?.maxVusers != nil {
      printError(
        "rampart: warning: the open-file limit (\(files.now)) caps concurrency at \(connectionCap) "
          + (config.open == nil
            ? "connections; the other vusers fail with emfile and retry"
            : "connections; arrivals past them wait in the backlog (counted late) or are dropped"))
      journal.append(RunEvent(elapsed: 0, kind: .fileLimit, value: Double(files.now)))
    }
    let session = openDashboard(themes: themes)
    plainLines.enabled = session == nil
    if !quiet && session == nil {
      printError(
        "rampart: \(config.planSummary) against \(target) "
          + "(open files \(files.now), run dir \(journal.directory))")
    }
    let grace = DurationText.format(config.gracePeriod)
    let signals = SignalStop(
      onFirst: { _ in
        _ = stopCause.claim(.user)
        if let session {
          session.exitFlag.set()
        } else {
          printError("rampart: stopping (in-flight requests get \(grace); Ctrl-C again to quit now)")
        }
        engine.stop()
      },
      beforeForcedExit: { session?.restoreForExit() })
    // Signals are handled until execute returns: a second one must end the process whatever the
    // summary, the log followers or the control socket are doing.
    defer { withExtendedLifetime(signals) {} }
    let result: EngineResult
    if let session {
      let running = Task { await engine.run() }
      var info = RunInfo(
        target: target, plan: config.planSummary, runDirectory: journal.directory,
        plannedDuration: search?.settings.budget ?? config.duration ?? config.naturalDuration,
        fileLimit: files.now, note: note)
      info.searching = search != nil
      await session.run(engine: engine, store: store, info: info, logs: hub)
      result = await running.value
    } else {
      result = await engine.run()
    }
    // The run is over: no client may change it now, and none can hold the exit.
    controlServer?.close()
    // Lines read until now still count; the summary waits for the last poll.
    hub?.stop()
    // engine.stop() reads as a user's stop; a threshold that asked for it is named instead.
    let outcome =
      result.outcome == .abortedByUser && stopCause.value == .threshold ? .abortedByThreshold : result.outcome
    // The run is over: one snapshot serves the summary, the histogram file and the epilogue.
    let final = store.snapshot()
    var summary = RunSummary(
      snapshot: final, outcome: outcome, target: target,
      startedAt: result.startedAt, endedAt: result.endedAt, duration: result.duration,
      inflightAtStop: result.inflightAtStop, runDir: journal.directory)
    if let search {
      let answer = search.result
      summary.capacity = answer
      if !final.events.contains(where: { $0.kind == .capacity }) {
        journal.append(
          RunEvent(
            elapsed: result.duration, kind: .capacity, value: answer.capacityRps, label: answer.headline))
      }
    }
    if !thresholds.isEmpty {
      // The final verdict: every threshold over the whole run, with the summary's own figures.
      let results = thresholds.check(ThresholdFigures(summary: summary))
      summary.thresholds = results
      summary.thresholdsOk = results.allSatisfy(\.ok) && outcome != .abortedByThreshold
    }
    let failed = Self.close(journal, summary: summary, final: final)
    if json {
      printOut(try RampartJSON.text(summary))
    } else {
      printOut(HeadlessReport.summary(summary, plan: config.planSummary))
    }
    if let epilogue { (json ? printError : printOut)(epilogue(summary, final)) }
    // A signal that came after the plan ended changes nothing: the run was complete.
    if outcome == .abortedByUser { throw ExitCode(ExitStatus.interrupted) }
    if failed { throw ExitCode(ExitStatus.failure) }
    if summary.thresholdsOk == false { throw ExitCode(ExitStatus.thresholdsFailed) }
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

/// What stopped the run early, claimed by the first to ask: a signal (or the user) or a failing
/// threshold under --abort-on-fail.
final class StopCause: Sendable {
  enum Cause: Sendable { case user, threshold }
  private let cause = Mutex<Cause?>(nil)

  /// Records `cause` unless another came first; true when this one is the cause.
  func claim(_ cause: Cause) -> Bool {
    self.cause.withLock {
      if $0 != nil { return false }
      $0 = cause
      return true
    }
  }

  var value: Cause? { cause.withLock { $0 } }
}

/// A value set once the run is set up and read from the engine's callbacks, which exist earlier.
final class Slot<Value: Sendable>: Sendable {
  private let slot = Mutex<Value?>(nil)
  var value: Value? {
    get { slot.withLock { $0 } }
    set { slot.withLock { $0 = newValue } }
  }
}
