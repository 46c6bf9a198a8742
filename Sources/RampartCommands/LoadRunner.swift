import ArgumentParser
import Control
import Dashboard
import Foundation
import LoadEngine
import LogTail
import Metrics
import RunStore
import Synchronization
import TargetWatch
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
  /// The target's processes, cgroups or endpoints to watch; nil = no Target lane.
  var watch: WatchSetup? = nil
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

  /// The run's phases in order: prepare, the engine, the control socket, the journal, the log
  /// followers, the screen, the run itself, then the summary and the exit status. Each phase that
  /// can fail does so before anything is sent or left on disk, with one error line.
  func execute() async throws {
    let themes = try loadThemes()
    let files = FileLimit.raise()
    let store = MetricsStore()
    store.setThresholds(thresholds)
    let target = redact(config.target.description)
    // Progress lines are for plain mode only; the decision comes after the engine resolved the
    // target, so the flag is read when each line is due.
    let plainLines = PlainLines()
    let (quiet, json) = (quiet, json)
    let progress: @Sendable (String) -> Void = { line in
      if quiet || !plainLines.enabled { return }
      if json { printError(line) } else { printOut(line) }
    }
    let seconds = SecondHandler(
      store: store, search: search,
      policy: .init(checks: !thresholds.isEmpty, abortOnFail: abortOnFail, abortDelay: abortDelay),
      stopCause: StopCause(), progress: progress, warn: { printError($0) })
    let hubSlot = Slot<LogHub>()
    let engine = try makeEngine(store: store, seconds: seconds, hub: hubSlot)
    seconds.engine.value = engine
    // The socket opens before the run directory and before anything is sent: a bad path leaves
    // nothing behind.
    let controlServer = try openControl(engine: engine, store: store)
    defer { controlServer?.close() }
    // The watched sources are checked before the run directory exists: a PID that is not there
    // leaves nothing behind.
    let watcher = try makeWatcher(engine: engine, store: store, seconds: seconds, progress: progress)
    let meta = Self.meta(config: config, name: name, redact: redact)
    let journal = try openJournal(meta: meta, engine: engine, store: store, progress: progress)
    seconds.recorder.value = journal
    let hub = openLogs(engine: engine, store: store, journal: journal)
    hubSlot.value = hub
    hub?.start()
    watcher?.start()
    capConnections(engine: engine, files: files, journal: journal)
    let session = openDashboard(themes: themes)
    plainLines.enabled = session == nil
    if !quiet && session == nil {
      printError(
        "rampart: \(config.planSummary) against \(target) "
          + "(open files \(files.now), run dir \(journal.directory))")
    }
    let signals = stopOnSignals(engine: engine, session: session, cause: seconds.stopCause)
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
    // Returns at once, even out of a scrape that hangs.
    watcher?.stop()
    try finish(result, cause: seconds.stopCause.value, store: store, journal: journal, target: target)
  }

  private func loadThemes() throws -> [Theme] {
    do {
      return try DashboardSession.loadThemes(named: display.themeName)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// What the run directory's meta.json says about the run before it starts.
  static func meta(
    config: EngineConfig, name: String, redact: (String) -> String, startedAt: Date = Date()
  ) -> RunMeta {
    // A request mix is part of the plan: runs with different mixes must not compare as alike.
    let mix = config.mix.map { "\($0.template.method) \($0.path ?? "/") x\($0.weight)" }.joined(
      separator: ", ")
    return RunMeta(
      name: redact(name), target: redact(config.target.description),
      method: mix.isEmpty ? config.request.method : redact(mix),
      plan: config.planSummary + (mix.isEmpty ? "" : "; requests " + redact(mix)),
      vusersPeak: config.peakVusers, duration: config.duration,
      command: Redaction.command(CommandLine.arguments).map(redact), startedAt: startedAt,
      host: ProcessInfo.processInfo.hostName, rampartVersion: RampartVersion.current,
      options: ["think_s": "\(config.think)", "timeout_s": "\(config.requestTimeout)"])
  }

  /// Resolves the target (exit 3 with one line when it cannot) and wires the engine's callbacks.
  private func makeEngine(store: MetricsStore, seconds: SecondHandler, hub: Slot<LogHub>) throws
    -> LoadEngine
  {
    do throws(ConfigError) {
      return try LoadEngine(
        config: config, store: store, onSample: { seconds.handle($0) },
        onEvent: { seconds.recorder.value?.append($0) },
        // The log follower's last counts join a row before the engine closes its last rows.
        beforeFinalSeconds: { hub.value?.endCounting() })
    } catch {
      printError("rampart: error: \(redact(error.message))")
      throw ExitCode(ExitStatus.unresolvable)
    }
  }

  private func openControl(engine: LoadEngine, store: MetricsStore) throws -> ControlServer? {
    do {
      return try controlPath.map { path throws(ControlSocketError) in
        try ControlServer(
          path: path, responder: ControlResponder(control: engine, engine: engine, metrics: store))
      }
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// The run directory, made once the target resolved so that a bad host leaves no run behind.
  private func openJournal(
    meta: RunMeta, engine: LoadEngine, store: MetricsStore, progress: @escaping @Sendable (String) -> Void
  ) throws -> RunJournal {
    do {
      return try RunJournal(
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
  }

  /// The sampler of the target's CPU and memory (its sources checked now: bad input is one line
  /// and exit 2), feeding each reading to the store and each source lost or back to the journal;
  /// nil without --watch-*. It reads on a thread of its own, so nothing it waits for (a scrape
  /// that hangs) can reach the engine.
  private func makeWatcher(
    engine: LoadEngine, store: MetricsStore, seconds: SecondHandler,
    progress: @escaping @Sendable (String) -> Void
  ) throws -> WatchSampler? {
    guard let watch else { return nil }
    store.enableWatch(sources: WatchSourceSpec.uniqueNames(watch.sources))
    do {
      return try WatchSampler(
        sources: watch.sources, options: .init(waitForMatch: watch.waitForMatch),
        onReading: { reading in
          store.recordWatch(reading.figures)
        },
        onEvent: { change in
          let event = RunEvent(
            elapsed: engine.status().elapsed, kind: change.change == .lost ? .watchLost : .watchBack,
            label: change.change == .lost ? "\(change.source): \(change.reason)" : change.source)
          store.record(event)
          seconds.recorder.value?.append(event)
          progress("  watch: \(change)")
        })
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// The followers of the target's logs, on the engine's clock; nil without --log.
  private func openLogs(engine: LoadEngine, store: MetricsStore, journal: RunJournal) -> LogHub? {
    logs.map { setup in
      store.enableLogErrors()
      var options = LogHub.Options()
      options.roots = setup.roots
      options.redact = redact
      return LogHub(
        sources: setup.sources, classifier: setup.classifier, options: options,
        clock: { engine.status().elapsed }, onErrors: { store.recordLogErrors($0) },
        onErrorSample: { sample in
          journal.append(
            LogSample(
              elapsed: sample.elapsed, errorClass: sample.errorClass, source: sample.source, text: sample.text
            ))
        })
    }
  }

  /// Counted once the journal, the control socket and the log followers are open.
  private func capConnections(engine: LoadEngine, files: FileLimit, journal: RunJournal) {
    let connectionCap = files.connectionCap(openNow: FileLimit.openDescriptors())
    engine.capConnections(at: connectionCap)
    // The open model's default pool is a ceiling the pool grows toward only as responses slow
    // down: only a --max-vusers the user asked for is worth a warning.
    guard connectionCap < config.peakVusers, config.open == nil || config.open?.maxVusers != nil
    else { return }
    printError(
      "rampart: warning: the open-file limit (\(files.now)) caps concurrency at \(connectionCap) "
        + (config.open == nil
          ? "connections; the other vusers fail with emfile and retry"
          : "connections; arrivals past them wait in the backlog (counted late) or are dropped"))
    journal.append(RunEvent(elapsed: 0, kind: .fileLimit, value: Double(files.now)))
  }

  /// The first signal stops the run gracefully (in-flight requests get the grace period); a
  /// second one ends the process now.
  private func stopOnSignals(engine: LoadEngine, session: DashboardSession?, cause: StopCause)
    -> SignalStop
  {
    let grace = DurationText.format(config.gracePeriod)
    return SignalStop(
      onFirst: { _ in
        _ = cause.claim(.user)
        if let session {
          session.exitFlag.set()
        } else {
          printError("rampart: stopping (in-flight requests get \(grace); Ctrl-C again to quit now)")
        }
        engine.stop()
      },
      beforeForcedExit: { session?.restoreForExit() })
  }

  /// The summary, written and printed, then the exit status it calls for.
  private func finish(
    _ result: EngineResult, cause: StopCause.Cause?, store: MetricsStore, journal: RunJournal, target: String
  ) throws {
    // One snapshot serves the summary, the histogram file and the epilogue.
    let final = store.snapshot()
    let capacity = search?.result
    if let capacity, !final.events.contains(where: { $0.kind == .capacity }) {
      journal.append(
        RunEvent(
          elapsed: result.duration, kind: .capacity, value: capacity.capacityRps, label: capacity.headline))
    }
    let summary = Self.summary(
      result, cause: cause, final: final, target: target, runDir: journal.directory, capacity: capacity,
      thresholds: thresholds)
    let summaryMissing = Self.close(journal, summary: summary, final: final)
    if json {
      printOut(try RampartJSON.text(summary))
    } else {
      printOut(HeadlessReport.summary(summary, plan: config.planSummary))
    }
    if let epilogue { (json ? printError : printOut)(epilogue(summary, final)) }
    if let status = Self.exitStatus(summary, summaryMissing: summaryMissing) { throw ExitCode(status) }
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
