import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Live control end to end with the built binary (issue 6): the keys in a real terminal (tmux)
/// during `rampart demo --short`, the control socket through `rampart ctl` (FAULTS CTL-01, CTL-02),
/// and `--control` paths that must be refused before anything starts. Loopback targets only; every
/// wait is bounded; only processes started here are ended, by their id.
@Suite(
  "live control end to end: keys in tmux, the control socket, bad --control paths", .timeLimit(.minutes(30)))
struct LiveControlE2ETests {
  // MARK: keys in tmux (issue 6, "Must show" 4)

  @Test(
    "demo in tmux: p, wait, p, +, t label Enter, q; the journal has them in order, the summary a knee",
    .enabled(if: TmuxServer.isInstalled, "tmux is not installed (CI installs it)"))
  func keysInTmux() async throws {
    try await HeavyTest.run { try await Self.driveDemo() }
  }

  static let label = "db failover"

  static func driveDemo() async throws {
    let temporary = try TemporaryDirectory("rampart-live")
    defer { temporary.remove() }
    let directory = temporary.url
    let exitFile = directory.appendingPathComponent("exit-code").path
    let runs = directory.appendingPathComponent("runs").path
    let tmux = TmuxServer()
    defer { tmux.kill() }
    let started = try tmux.run([
      "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "160", "-y", "48", "-c", directory.path,
      "-e", "TERM=tmux-256color", "-e", "LANG=C.UTF-8", "-e", "SWIFT_BACKTRACE=interactive=no",
      "bash --norc --noprofile",
    ])
    try #require(started.status == 0, "tmux new-session failed")
    try tmux.type(
      "'\(RampartProcess.binary.path)' demo --short --out '\(runs)'; echo $? > '\(exitFile)'")
    let screen = { try tmux.run(["capture-pane", "-p", "-t", "ui"]).output }
    let header = { (text: String) in text.split(separator: "\n").first.map(String.init) ?? "" }
    let press = { (keys: String) in _ = try tmux.run(["send-keys", "-t", "ui", "-l", keys]) }

    // Every wait returns as soon as the screen shows what it waits for: the deadlines only bound
    // a failure, and a busy machine can take seconds to start the demo or draw a frame.
    var current = ""
    let showing = { (needle: String, seconds: Double) in
      try await Poll.until(seconds: seconds) {
        current = try screen()
        return current.contains(needle)
      }
    }
    var shown = try await Poll.until(seconds: 60) {
      current = try screen()
      return header(current).contains("RUNNING")
    }
    try #require(shown, "the dashboard never showed RUNNING:\n\(current)")
    // The load is under way (a few vusers, requests done) before the pause.
    shown = try await Poll.until(seconds: 30) {
      current = try screen()
      let active = header(current).firstMatch(of: /vusers (\d+)\//).flatMap { Int($0.1) } ?? 0
      return active >= 3 && (DashboardE2ETests.requestCount(current) ?? 0) > 0
    }
    #expect(shown, "the load never got going:\n\(current)")

    try press("p")
    let pressed = Date()
    // The header shows PAUSED and its clock runs: the second p goes once it reads 2 s (read off
    // the screen rather than slept for: a busy machine may take the key, or draw, late).
    var paused = ""
    let pausedFor = { (text: String) -> Int? in
      header(text).firstMatch(of: #/PAUSED (\d+):(\d\d) /#).flatMap { match in
        Int(match.1).flatMap { minutes in Int(match.2).map { minutes * 60 + $0 } }
      }
    }
    shown = try await Poll.until(seconds: 30) {
      paused = try screen()
      return (pausedFor(paused) ?? 0) >= 2
    }
    #expect(shown, "the header never showed 2 s of PAUSED:\n\(paused)")

    try press("p")
    shown = try await Poll.until(seconds: 30) {
      current = try screen()
      return header(current).contains("RUNNING")
    }
    #expect(shown, "not RUNNING again after the second p:\n\(current)")
    let resumedSeen = Date()
    try press("+")
    try press("t")
    shown = try await showing("tag label", 30)
    #expect(shown, "the tag prompt never opened:\n\(current)")
    try press(label)
    try tmux.run(["send-keys", "-t", "ui", "Enter"])
    shown = try await showing("tagged", 30)
    #expect(shown, "no notice of the tag:\n\(current)")

    // 20 s of plan plus the 2 s pause, a second of grace: the dashboard stays on DONE until q.
    shown = try await Poll.until(seconds: 120) {
      current = try screen()
      return header(current).contains("DONE")
    }
    try #require(shown, "the plan never ended:\n\(current)")
    try press("q")
    _ = try await Poll.until(seconds: 30) { FileManager.default.fileExists(atPath: exitFile) }
    let history = try tmux.run(["capture-pane", "-p", "-S", "-300", "-t", "ui"]).output
    let code = (try? String(contentsOfFile: exitFile, encoding: .utf8)) ?? "none"
    #expect(code.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "exit \(code):\n\(history)")

    let directories = RunLoader.runDirectories(root: runs)
    try #require(directories.count == 1, "run directories: \(directories)")
    let run = try RunLoader.load(directories[0])
    #expect(run.outcome == .complete)

    // The four changes, in the order pressed, each once, each later than the one before.
    let controlled = run.events.filter { [.pause, .resume, .setVusers, .tag].contains($0.kind) }
    #expect(controlled.map(\.kind) == [.pause, .resume, .setVusers, .tag], "events: \(run.events)")
    #expect(
      zip(controlled, controlled.dropFirst()).allSatisfy { $0.elapsed < $1.elapsed },
      "elapsed not increasing: \(controlled.map(\.elapsed))")
    if controlled.count == 4 {
      #expect(controlled[3].label == label, "tag label \(String(describing: controlled[3].label))")
      // The pause lasted at least the 2 s its clock showed before the second p, and no longer
      // than from the first p to the screen showing RUNNING again (both ends are journalled
      // between those moments; a fixed ceiling failed to allow for a busy machine's slow keys).
      let pauseLength = controlled[1].elapsed - controlled[0].elapsed
      let ceiling = resumedSeen.timeIntervalSince(pressed) + 0.1
      #expect(pauseLength >= 1.95 && pauseLength <= ceiling, "paused for \(pauseLength) s of \(ceiling)")
      #expect((controlled[2].value ?? 0) >= 2, "+ set vusers to \(String(describing: controlled[2].value))")
    }

    // The knee: in summary.json (raw, with its documented keys), and in the printed summary.
    let data = try Data(contentsOf: URL(fileURLWithPath: "\(directories[0])/summary.json"))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    let knee = try #require(object["knee"] as? [String: Any], "summary.json has no knee:\n\(history)")
    #expect(Set(knee.keys) == ["vusers", "tps", "mtt_ms", "confidence", "second"], "\(knee)")
    // The summary also names the tag and the pause.
    let tags = object["tags"] as? [[String: Any]] ?? []
    #expect(tags.map { $0["label"] as? String } == ["db failover"], "tags: \(tags)")
    #expect(object["pauses"] as? Int == 1)
    #expect(((object["paused_s"] as? Double) ?? 0) >= 1.95, "paused_s: \(object["paused_s"] ?? "none")")
    let vusers = try #require(knee["vusers"] as? Int)
    #expect((10...35).contains(vusers), "knee at \(vusers) vusers")
    #expect(run.summary?.knee?.vusers == vusers)
    let printed = history.firstMatch(of: #/(?m)^  knee +(\d+) vusers, /#).flatMap { Int($0.1) }
    #expect(printed == vusers, "summary line: \(String(describing: printed)):\n\(history)")
    #expect(history.contains("demo: knee             \(vusers) vusers, "), "\(history)")
    #expect(history.contains("rampart summary: complete"), "\(history)")
  }

  // MARK: the control socket (FAULTS CTL-01, CTL-02)

  @Test(
    "CTL-01/CTL-02 through the socket: a 10 s pause starts nothing, no burst after resume, each change once")
  func controlSocket() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.driveSocket(server) }
    }
  }

  static func driveSocket(_ server: TestHTTPServer) async throws {
    let directory = try Self.shortDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let socket = directory.appendingPathComponent("ctl.sock").path
    let runs = directory.appendingPathComponent("runs").path
    let p = try RampartProcess([
      "run", server.url, "--vusers", "20", "--think", "20ms", "--duration", "25s", "--no-tui",
      "--control", socket, "--out", runs,
    ])
    defer {
      if p.process.isRunning {
        p.signal(SIGKILL)
        p.waitBlocking(seconds: 5)
      }
      p.cleanUp()
    }
    let ctl = { (words: [String]) in try Ctl.send(socket, words) }

    // The socket is there, a socket, 0600, as soon as the run serves.
    // Waits return as soon as they hold; a busy machine can take seconds to start the run.
    let serving = try await Poll.until(seconds: 30) { (try? ctl(["status"]))?.status == 0 }
    try #require(serving, "the control socket never answered; stderr: \(p.stderr)")
    var info = stat()
    #expect(lstat(socket, &info) == 0)
    #expect(info.st_mode & S_IFMT == S_IFSOCK, "not a socket")
    #expect(info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")

    // ~4 s of load, so that the three whole seconds before the pause are past the start.
    var beforePause = 0.0
    let warm = try await Poll.until(seconds: 30) {
      beforePause = try Ctl.elapsed(ctl(["status"]))
      return beforePause >= 4.1
    }
    try #require(warm, "the run never got 4 s old")
    let pause = try ctl(["pause"])
    #expect(pause.status == 0 && pause.stdout == "ok paused\n", "\(pause)")
    let afterPause = try Ctl.elapsed(ctl(["status"]))
    let paused = try Ctl.status(ctl(["status"]))
    #expect(paused["phase"] as? String == "paused", "\(paused)")

    try await Task.sleep(for: .seconds(10))
    let beforeResume = try Ctl.elapsed(ctl(["status"]))
    let resume = try ctl(["resume"])
    #expect(resume.status == 0 && resume.stdout == "ok resumed\n", "\(resume)")
    let afterResume = try Ctl.elapsed(ctl(["status"]))
    // The first whole second after the resume is over before anything else changes the load.
    let firstSecondEnds = (afterResume.rounded(.up) + 1.1)
    _ = try await Poll.until(seconds: 4) { try Ctl.elapsed(ctl(["status"])) >= firstSecondEnds }

    let vusers = try ctl(["vusers", "10"])
    #expect(vusers.status == 0 && vusers.stdout == "ok vusers 10\n", "\(vusers)")
    // A constant load has no ramp step: refused (exit 2, one line), the level stays where it is.
    let step = try ctl(["step", "5"])
    let stepAccepted = step.status == 0
    #expect(!stepAccepted && step.stdout.isEmpty, "\(step)")
    #expect(step.stderr.hasPrefix("rampart: error: a constant load has no ramp step"), "\(step)")
    #expect(lines(step.stderr).count == 1, "\(step)")
    let tag = try ctl(["tag", "load-test"])
    #expect(tag.status == 0 && tag.stdout == "ok tagged load-test\n", "\(tag)")

    // A malformed command: exit 2, one error line, nothing journalled.
    let directories = RunLoader.runDirectories(root: runs)
    try #require(directories.count == 1, "run directories: \(directories)")
    let eventsFile = "\(directories[0])/events.jsonl"
    let eventsBefore = try Data(contentsOf: URL(fileURLWithPath: eventsFile))
    let bogus = try ctl(["bogus"])
    #expect(bogus.status == 2 && bogus.stdout.isEmpty, "\(bogus)")
    #expect(lines(bogus.stderr).count == 1, "\(bogus)")
    #expect(bogus.stderr.hasPrefix("rampart: error: unknown command 'bogus'"), "\(bogus)")
    let status = try ctl(["status"])
    #expect(status.status == 0 && lines(status.stdout).count == 1, "\(status)")
    let object = try Ctl.status(status)
    #expect(object["phase"] as? String == "running", "\(object)")
    #expect(object["target_vusers"] is Int && object["requests"] is Int, "\(object)")
    let eventsAfter = try Data(contentsOf: URL(fileURLWithPath: eventsFile))
    #expect(eventsAfter == eventsBefore, "bogus or status journalled something")

    let stop = try ctl(["stop"])
    #expect(stop.status == 0 && stop.stdout == "ok stopping\n", "\(stop)")
    let exit = await p.wait(seconds: 30)
    #expect(exit == 130, "exit \(String(describing: exit)); stderr: \(p.stderr)")
    #expect(lstat(socket, &info) != 0, "the socket file is still there after the exit")

    let run = try RunLoader.load(directories[0])
    #expect(run.outcome == .abortedByUser)
    #expect(run.discardedLines == 0)

    // Each accepted change once, in the order sent, with increasing timestamps.
    let changes: [RunEvent.Kind] =
      [.pause, .resume, .setVusers] + (stepAccepted ? [.rampStep] : []) + [.tag]
    let controlled = run.events.filter { ![.start, .stop, .planEnd].contains($0.kind) }
    #expect(controlled.map(\.kind) == changes, "events: \(run.events)")
    #expect(run.events.first?.kind == .start && run.events.last?.kind == .stop, "\(run.events)")
    #expect(
      zip(run.events, run.events.dropFirst()).allSatisfy { $0.elapsed < $1.elapsed && $0.time <= $1.time },
      "timestamps out of order: \(run.events.map(\.elapsed))")
    try #require(controlled.map(\.kind) == changes)
    let byKind = Dictionary(uniqueKeysWithValues: controlled.map { ($0.kind, $0) })
    #expect(byKind[.setVusers]?.value == 10)
    if stepAccepted { #expect(byKind[.rampStep]?.value == 5) }
    #expect(byKind[.tag]?.label == "load-test")
    let pauseAt = try #require(byKind[.pause]?.elapsed)
    let resumeAt = try #require(byKind[.resume]?.elapsed)
    // Journalled when acknowledged: between the status read before the command and the one after.
    #expect(beforePause <= pauseAt && pauseAt <= afterPause, "\(beforePause) \(pauseAt) \(afterPause)")
    #expect(beforeResume <= resumeAt && resumeAt <= afterResume, "\(beforeResume) \(resumeAt) \(afterResume)")
    // At least the 10 s the test slept between the two, and (as the two lines above say) no more
    // than the span between the status reads around them; a fixed ceiling of 11 s left no room
    // for a busy machine's slow `rampart ctl` starts in between.
    #expect(resumeAt - pauseAt >= beforeResume - afterPause, "paused \(resumeAt - pauseAt) s")
    #expect(resumeAt - pauseAt <= afterResume - beforePause, "paused \(resumeAt - pauseAt) s")

    // CTL-01: every whole second inside the pause started nothing.
    let rows = Dictionary(uniqueKeysWithValues: run.samples.map { ($0.t, $0) })
    let inside = run.samples.filter { Double($0.t) >= pauseAt.rounded(.up) && Double($0.t + 1) <= resumeAt }
    #expect(inside.count >= 8, "seconds inside the pause: \(inside.map(\.t))")
    for row in inside {
      #expect(row.started == 0, "second \(row.t) of the pause started \(row.started)")
      #expect(row.paused, "second \(row.t) is not marked paused")
    }
    // CTL-02: no catch-up burst. The bound is the closed loop's own: each of the vusers starts
    // a request, then thinks 20 ms after its response, so however fast the server answers a
    // second holds at most vusers x (1 + 1 s / think) starts. A catch-up of the paused iterations
    // would skip the think time and start hundreds per vuser. (Against the seconds before the
    // pause instead, a busy machine's slower seconds made an honest resume look like a burst.)
    let pauseSecond = Int(pauseAt.rounded(.down))
    let before = (pauseSecond - 3..<pauseSecond).compactMap { rows[$0] }
    try #require(before.count == 3 && before.allSatisfy { $0.duration == 1 }, "rows \(before.map(\.t))")
    let mean = Double(before.reduce(0) { $0 + $1.completed }) / 3
    let first = try #require(rows[Int(resumeAt.rounded(.up))], "no row after the resume")
    let (pool, think) = (20.0, 0.020)
    #expect(
      Double(first.started) <= pool * (1 + 1 / think),
      "second \(first.t): \(first.started) started by \(Int(pool)) vusers thinking \(think) s")
    // And the load came back at once: every vuser started again within that second.
    #expect(
      Double(first.started) >= pool && first.completed > 0,
      "the load did not come back: \(first.started) started, \(first.completed) completed (\(mean)/s before)")
    #expect(server.requestCount >= run.samples.reduce(0) { $0 + $1.ok })
  }

  // MARK: bad --control paths

  @Test("--control at an existing regular file or a path over 107 bytes: exit 2, one line, nothing done")
  func badControlPaths() async throws {
    try await withTestServer { server in
      let directory = try Self.shortDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let runs = directory.appendingPathComponent("runs").path

      let file = directory.appendingPathComponent("not-a-socket").path
      let content = Data("keep me\n".utf8)
      try content.write(to: URL(fileURLWithPath: file))
      let original = try FileManager.default.attributesOfItem(atPath: file)
      let (status, stdout, stderr) = try await RampartProcess.run(
        [
          "run", server.url, "--vusers", "1", "--duration", "2s", "--no-tui", "--control", file, "--out",
          runs,
        ], timeout: 20)
      #expect(status == 2, "exit \(String(describing: status)); stderr: \(stderr)")
      #expect(lines(stderr).count == 1 && stderr.hasPrefix("rampart: error: "), "stderr: \(stderr)")
      #expect(stderr.contains("not a socket"), "stderr: \(stderr)")
      #expect(stdout.isEmpty, "stdout: \(stdout)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == content, "the file was changed")
      let attributes = try FileManager.default.attributesOfItem(atPath: file)
      #expect(attributes[.type] as? FileAttributeType == .typeRegular)
      #expect(attributes[.posixPermissions] as? Int == original[.posixPermissions] as? Int)
      #expect(attributes[.modificationDate] as? Date == original[.modificationDate] as? Date)
      #expect(attributes[.systemFileNumber] as? Int == original[.systemFileNumber] as? Int)
      #expect(!FileManager.default.fileExists(atPath: runs), "a run directory was made")

      // sun_path holds 108 bytes with the NUL: 107 is the longest path a socket can have.
      let prefix = directory.path + "/"
      let long = prefix + String(repeating: "s", count: 108 - prefix.utf8.count)
      #expect(long.utf8.count == 108)
      let (longStatus, longStdout, longStderr) = try await RampartProcess.run(
        [
          "run", server.url, "--vusers", "1", "--duration", "2s", "--no-tui", "--control", long, "--out",
          runs,
        ], timeout: 20)
      #expect(longStatus == 2, "exit \(String(describing: longStatus)); stderr: \(longStderr)")
      #expect(lines(longStderr).count == 1 && longStderr.hasPrefix("rampart: error: "), "\(longStderr)")
      #expect(longStdout.isEmpty, "stdout: \(longStdout)")
      var info = stat()
      #expect(lstat(long, &info) != 0, "something was made at the long path")
      #expect(!FileManager.default.fileExists(atPath: runs), "a run directory was made")
      #expect(server.requestCount == 0 && server.connectionCount == 0, "requests were sent")
    }
  }

  // MARK: helpers

  /// A fresh directory with a short path, so a socket path inside it fits in sun_path whatever
  /// TMPDIR is.
  static func shortDirectory() throws -> URL {
    var base = FileManager.default.temporaryDirectory
    if base.path.utf8.count > 40 { base = URL(fileURLWithPath: "/tmp") }
    let directory = base.appendingPathComponent("rampart-ctl-\(UUID().uuidString.prefix(8).lowercased())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// `rampart ctl` as a script runs it.
  enum Ctl {
    struct Reply: CustomStringConvertible {
      var status: Int32?
      var stdout: String
      var stderr: String
      var description: String { "exit \(String(describing: status)), stdout \(stdout), stderr \(stderr)" }
    }

    static func send(_ socket: String, _ words: [String]) throws -> Reply {
      let (status, stdout, stderr) = try RampartProcess.runBlocking(["ctl", socket] + words)
      return Reply(status: status, stdout: stdout, stderr: stderr)
    }

    /// The JSON object of a `status` reply.
    static func status(_ reply: Reply) throws -> [String: Any] {
      let object = try? JSONSerialization.jsonObject(with: Data(reply.stdout.utf8)) as? [String: Any]
      return try #require(object, "status reply: \(reply)")
    }

    static func elapsed(_ reply: Reply) throws -> Double {
      let object = try status(reply)
      return try #require(object["elapsed_s"] as? Double, "\(object)")
    }
  }
}

/// The non-empty lines of a process's output.
private func lines(_ text: String) -> [Substring] {
  text.split(separator: "\n")
}
