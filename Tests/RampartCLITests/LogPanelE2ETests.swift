import Foundation
import Synchronization
import TestKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The log panel and log error counts end to end, with the built binary: FAULTS LOG-06 (escape
/// injection) and LOG-05 (binary garbage) on the bytes a pty received, exact `log_errors` counts
/// in `--json`, series.jsonl and events.jsonl, and bad `--log`/`--log-pattern` input. Loopback
/// targets only; each run is bounded by its duration and a timeout.
@Suite(
  "rampart run --log: the log panel and log error counts end to end (FAULTS LOG-05, LOG-06)",
  .timeLimit(.minutes(30)))
struct LogPanelE2ETests {
  // MARK: LOG-06 and LOG-05 on a pty

  /// One injected line per entry: the raw bytes, then ` INJECTnn`; `shown` is what the panel must
  /// draw before the marker (caret notation, as `less` shows control characters).
  static let injections: [(bytes: [UInt8], shown: String)] = [
    (escape("[2J"), "^[[2J"),
    (escape("[H"), "^[[H"),
    (escape("[1;1H"), "^[[1;1H"),
    (escape("]0;pwned") + [0x07], "^[]0;pwned^G"),
    (escape("]2;pwned") + escape("\\"), "^[]2;pwned^[\\"),
    (escape("]52;c;cHduZWQ=") + [0x07], "^[]52;c;cHduZWQ=^G"),
    (escape("[?1049l"), "^[[?1049l"),
    (escape("c"), "^[c"),
    // 8-bit CSI: a lone 0x9B is invalid UTF-8 (U+FFFD); C2 9B is U+009B, shown as a code.
    ([0x9B] + Array("31m".utf8), "\u{FFFD}31m"),
    ([0xC2, 0x9B] + Array("31m".utf8), "<9B>31m"),
    (escape("Pq#0;2;0;0;0#1!14~") + escape("\\"), "^[Pq#0;2;0;0;0#1!14~^[\\"),
    (escape("_Gf=100;cHduZWQ=") + escape("\\"), "^[_Gf=100;cHduZWQ=^[\\"),
    // A BEL flood is wider than the panel: it wraps, so only its start is looked for.
    (Array(repeating: 0x07, count: 40), "^G^G^G^G^G^G^G^G"),
    (Array("XY".utf8) + [0x08, 0x08] + Array("__".utf8), "XY^H^H__"),
  ]

  static func escape(_ text: String) -> [UInt8] { [0x1B] + Array(text.utf8) }
  static func marker(_ index: Int) -> String { "INJECT" + (index < 9 ? "0" : "") + "\(index + 1)" }
  static let garbageMarker = "AFTERGARBAGE"
  static let cols = 160
  static let rows = 48

  @Test(
    "LOG-06/LOG-05: injected escapes and binary garbage are drawn inert; every sequence on the pty is curses'"
  )
  func escapeInjection() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.injection(server) }
    }
  }

  static func injection(_ server: TestHTTPServer) async throws {
    let baseline = try await drive(server, injecting: false)
    defer { PtyDrive.cleanUp(baseline) }
    let injected = try await drive(server, injecting: true)
    defer { PtyDrive.cleanUp(injected) }
    let output = injected.output[...]
    #expect(baseline.exit == 0, "baseline exit \(baseline.exit)\n\(baseline.text.suffix(2000))")
    #expect(injected.exit == 0, "exit \(injected.exit)\n\(injected.text.suffix(2000))")
    #expect(injected.after == injected.before, "terminal modes not restored")

    // Every escape sequence is one ncurses sends for xterm-256color; no OSC (title, clipboard),
    // DCS, APC, RIS, C1 control, BEL, or invalid UTF-8 from the garbage reached the terminal.
    let audit = EscapeAudit(output)
    let clean = EscapeAudit(baseline.output[...])
    #expect(clean.foreign.isEmpty, "baseline: sequences curses does not send: \(clean.foreign.prefix(10))")
    #expect(audit.foreign.isEmpty, "ESC sequences not produced by curses: \(audit.foreign.prefix(10))")
    #expect(audit.osc == 0, "OSC (title/clipboard) sequences: \(audit.osc)")
    #expect(audit.dcs == 0 && audit.apc == 0 && audit.otherStrings == 0, "DCS/APC/PM/SOS strings")
    #expect(audit.resets == 0, "ESC c (RIS): \(audit.resets)")
    #expect(audit.c1Controls == 0, "C1 controls (U+0080-U+009F, 8-bit CSI): \(audit.c1Controls)")
    #expect(audit.bells == 0, "BEL bytes: \(audit.bells)")
    #expect(audit.invalidUTF8 == 0, "invalid UTF-8 sequences reached the pty: \(audit.invalidUTF8)")
    // Backspace is ncurses' own cursor-left (cub1); the overstrike from the log must not be raw.
    #expect(!TerminalBytes.contains("XY\u{8}\u{8}__", in: output), "raw backspace overstrike on the pty")
    // The screen is cleared and the alternate screen left exactly as often as without injections:
    // once at start, once at exit.
    #expect(audit.clears == clean.clears, "ESC[2J: \(audit.clears) vs \(clean.clears) in the baseline")
    #expect(
      audit.leaveAlternate.count == clean.leaveAlternate.count,
      "ESC[?1049l: \(audit.leaveAlternate.count) vs \(clean.leaveAlternate.count) in the baseline")
    #expect(audit.leaveAlternate.count == 1, "ESC[?1049l at \(audit.leaveAlternate)")
    let exit = try #require(audit.leaveAlternate.first, "the alternate screen was never left")
    let lastMarker = TerminalBytes.offsets(of: garbageMarker, in: output).last ?? 0
    #expect(exit > lastMarker, "ESC[?1049l at \(exit) comes before the last frame (\(lastMarker))")
    #expect(audit.enterAlternate.allSatisfy { $0 < exit }, "the dashboard came back after leaving")

    // Every marker was drawn; the garbage was replaced (U+FFFD) and the line after it shown.
    for index in injections.indices {
      #expect(TerminalBytes.contains(marker(index), in: output), "\(marker(index)) never drawn")
    }
    #expect(TerminalBytes.contains(garbageMarker, in: output), "the line after the garbage never drawn")
    #expect(TerminalBytes.contains("\u{FFFD}", in: output), "no U+FFFD: the garbage was not drawn")
    #expect(TerminalBytes.summaryLines(injected.text).first?.contains("complete") == true)

    // What a terminal shows: the pty bytes replayed into tmux (a real emulator).
    guard TmuxServer.isInstalled else { return }
    let screen = try await ScreenReplay.show(
      output[..<min(injected.mark("injected"), output.endIndex)], cols: cols, rows: rows)
    for needle in ["▶ RUNNING", "── TPS ", "── Vusers ──", "Logs"] {
      #expect(
        screen.text.contains(needle), "after the injections the screen lacks \(needle):\n\(screen.text)")
    }
    for (index, injection) in injections.enumerated() {
      let needle = index == injections.count - 2 ? injection.shown : "\(injection.shown) \(marker(index))"
      #expect(screen.text.contains(needle), "the screen lacks \(needle):\n\(screen.text)")
    }
    #expect(screen.text.contains(marker(injections.count - 2)), "the BEL flood's marker:\n\(screen.text)")
    #expect(!screen.title.contains("pwned"), "title: \(screen.title)")
    let final = try await ScreenReplay.show(output[..<exit], cols: cols, rows: rows)
    #expect(final.text.contains("after the garbage \(garbageMarker)"), "last frame:\n\(final.text)")
    // The last frame may come before or after the plan's end: any state, the charts drawn.
    #expect(
      ["RUNNING", "STOPPING", "DONE"].contains { final.text.contains($0) }
        && final.text.contains("── TPS "),
      "last frame:\n\(final.text)")
    #expect(!final.title.contains("pwned"), "title: \(final.title)")
  }

  /// One bounded run on a 160x48 pty with `--log`. The pty driver appends the injections (or
  /// plain lines for the baseline) once the panel shows the line that was in the file before the
  /// run (rampart follows the log then: lines already in the file at its first read are history,
  /// of which the panel shows the last 10 only); marks the screen once their last marker is drawn;
  /// then appends 64 KiB of random bytes with NULs and a normal line. Every step waits for what
  /// the screen shows, not for a time: fixed delays from the test's and the driver's clocks were
  /// outrun by a slow start on a busy machine.
  static func drive(_ server: TestHTTPServer, injecting: Bool) async throws -> PtyResult {
    let log = try LogFile()
    defer { log.remove() }
    log.append(Array("before the run \(historyMarker)\n".utf8))
    var lines: [UInt8] = []
    for (index, injection) in injections.enumerated() {
      lines += (injecting ? injection.bytes : Array("plain line".utf8)) + Array(" \(marker(index))\n".utf8)
    }
    var steps: [PtyStep] = [
      .waitFor(historyMarker), .append(path: log.path, bytes: lines),
      .waitFor(marker(injections.count - 1)),
      // A moment for the rest of that frame to arrive.
      .mark("injected", after: 0.5),
    ]
    if injecting { steps.append(.append(path: log.path, bytes: garbage(bytes: 64 << 10) + [0x0A])) }
    steps += [
      .append(path: log.path, bytes: Array("after the garbage \(garbageMarker)\n".utf8), after: 0.5),
      .waitFor(garbageMarker),
    ]
    let result = try await PtyDrive.rampart(
      ["run", server.url, "--vusers", "2", "--duration", "9s", "--log", log.path, "--exit-on-end"],
      steps: steps, cols: cols, rows: rows, timeout: 40)
    #expect(result.waited == [true, true, true], "waits \(result.waited)\n\(result.text.suffix(2000))")
    return result
  }

  static let historyMarker = "HISTORYLINE"

  /// Random bytes, with NUL, ESC, 8-bit CSI, BEL and backspace sure to be among them.
  static func garbage(bytes count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    for index in stride(from: 0, to: count, by: 509) {
      bytes[index] = [0x00, 0x1B, 0x9B, 0x07, 0x08][index % 5]
    }
    return bytes
  }

  @Test("the escape audit passes what ncurses sends and flags every injection that reaches a pty raw")
  func auditSelfCheck() {
    let curses =
      "\u{1b}[?1049h\u{1b}[22;0;0t\u{1b}[?1h\u{1b}=\u{1b}[H\u{1b}[2J\u{1b}[1;48r\u{1b}(B\u{1b}[m"
      + "\u{1b}[38;5;77;48;5;235mok\u{1b}[39;49m\u{1b}[4;10H\u{1b}[K\u{1b}[3X-\u{1b}[2b\u{1b}[12d\u{1b}[7G"
      + "\u{1b}[2S\u{1b}[1T\u{1b}M\u{1b}7\u{1b}8\u{1b}[4h\u{1b}[4l\u{1b}[?25l\u{1b}[?12l\u{1b}[?25h\u{8}"
      + "\u{1b}[?1l\u{1b}>\u{1b}[?1049l\u{1b}[23;0;0t"
    let clean = EscapeAudit(Array(curses.utf8)[...])
    #expect(clean.foreign.isEmpty, "\(clean.foreign)")
    #expect(clean.bells == 0 && clean.c1Controls == 0 && clean.invalidUTF8 == 0)
    #expect(clean.clears == 1 && clean.enterAlternate.count == 1 && clean.leaveAlternate.count == 1)

    var raw: [UInt8] = []
    for (index, injection) in Self.injections.enumerated() {
      raw += injection.bytes + Array(" \(Self.marker(index))\n".utf8)
    }
    let audit = EscapeAudit(raw[...])
    #expect(audit.osc == 3 && audit.dcs == 1 && audit.apc == 1 && audit.resets == 1)
    #expect(audit.foreign.count == 6, "\(audit.foreign)")
    #expect(audit.c1Controls == 1 && audit.invalidUTF8 == 1 && audit.bells == 40)
    // ESC[2J, ESC[H, ESC[1;1H and ESC[?1049l are sequences ncurses sends too: the pty test tells
    // them apart by counting against a baseline run and by what the screen shows.
    #expect(audit.clears == 1 && audit.leaveAlternate.count == 1)
  }

  // MARK: Counting, headless

  @Test(
    "tracebacks, a --log-pattern class and plain lines: exact log_errors in --json, series.jsonl, events.jsonl"
  )
  func headlessCounts() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.counts(server) }
    }
  }

  static func counts(_ server: TestHTTPServer) async throws {
    let log = try LogFile()
    defer { log.remove() }
    let p = try RampartProcess([
      "run", server.url, "--vusers", "2", "--duration", "4s", "--no-tui", "--json", "--log", log.path,
      "--log-pattern", "slowq=slow query",
    ])
    defer { p.cleanUp() }
    // Lines already in the file when it is first read are history, never counted: the writer waits
    // for the first second on disk (the log thread starts, and first reads, before the load
    // does; a fixed 300 ms after the start line was outlasted on a busy machine). A thread of its
    // own waits and writes: every line must land within the 4 s run, and a busy test process can
    // keep an awaiting task from running for seconds.
    let lines = mixedLog(tracebacks: 30, slowQueries: 20, accessLines: 500)
    let wrote = await onOwnThread { () -> Bool in
      guard Poll.until(seconds: 30, every: 0.01, { p.seriesRows >= 1 }) else { return false }
      // Ten appends 100 ms apart, cut anywhere (a traceback may straddle two polls).
      let step = (lines.count + 9) / 10
      for start in stride(from: 0, to: lines.count, by: step) {
        log.append(Array(lines[start..<min(lines.count, start + step)].joined().utf8))
        usleep(100_000)
      }
      return true
    }
    #expect(wrote, "no second on disk: \(p.stderr)")
    let status = await p.wait(seconds: 30)
    #expect(status == 0, "stderr: \(p.stderr)")
    let expected = ["BrokenPipeError": 30, "slowq": 20]
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any], "stdout: \(p.stdout)")
    #expect(object["log_errors"] as? [String: Int] == expected, "--json: \(object["log_errors"] ?? "none")")

    let directory = try #require(p.runDirectories.first, "no run directory")
    let journal = try RunFiles(directory)
    #expect(journal.summary["log_errors"] as? [String: Int] == expected, "summary.json")
    #expect(journal.rows.allSatisfy { $0["log_errors"] is [String: Int] }, "a row without log_errors")
    #expect(journal.seriesLogErrors == expected, "series.jsonl: \(journal.seriesLogErrors)")
    #expect(journal.eventLogErrors == expected, "events.jsonl: \(journal.eventLogErrors)")
    #expect(p.stderr.contains("log errors"), "no log errors in the progress lines: \(p.stderr)")
  }

  /// `accessLines` uvicorn access lines (200 OK) with `tracebacks` uvicorn `Exception in ASGI
  /// application` records, each with its CPython traceback ending in BrokenPipeError (as
  /// Sources/DemoTarget/TargetLog.swift writes them), and `slowQueries` warnings in between.
  static func mixedLog(tracebacks: Int, slowQueries: Int, accessLines: Int) -> [String] {
    let time = "2026-11-27 10:00:00,123"
    let traceback = [
      "\(time) ERROR    uvicorn.error: Exception in ASGI application",
      "Traceback (most recent call last):",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/protocols/http/httptools_impl.py\", "
        + "line 426, in run_asgi",
      "    result = await app(  # type: ignore[func-returns-value]",
      "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/middleware/proxy_headers.py\", line 84, "
        + "in __call__",
      "    return await self.app(scope, receive, send)",
      "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"/srv/app/.venv/lib/python3.11/site-packages/starlette/responses.py\", line 164, in __call__",
      "    await send(",
      "  File \"/usr/lib/python3.11/asyncio/selector_events.py\", line 1058, in write",
      "    n = self._sock.send(data)",
      "        ^^^^^^^^^^^^^^^^^^^^^",
      "BrokenPipeError: [Errno 32] Broken pipe",
    ]
    var lines: [String] = []
    var (blocks, slow) = (0, 0)
    for index in 0..<accessLines {
      lines.append(
        "\(time) INFO     uvicorn.access: 127.0.0.1:\(40000 + index) - \"GET / HTTP/1.1\" 200 OK 20.8ms\n")
      if index % 16 == 3 && blocks < tracebacks {
        lines += traceback.map { $0 + "\n" }
        blocks += 1
      }
      if index % 24 == 7 && slow < slowQueries {
        lines.append(
          "\(time) WARNING  app.db: slow query took 1203ms: SELECT id FROM orders WHERE user_id = 7\n")
        slow += 1
      }
    }
    precondition(blocks == tracebacks && slow == slowQueries, "the mix needs more access lines")
    return lines
  }

  /// FAULTS asks for consistent counts: errors read in the run's last poll (after its last row
  /// closed, when `hub.stop()` runs) reach summary.json but no row or event. Known issue until the
  /// log hub is stopped before the engine closes its final row (see the report for the fix).
  @Test("log errors read as the run ends are in series.jsonl and events.jsonl as well as the summary")
  func countsAtTheEnd() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.countsAtTheEnd(server) }
    }
  }

  static func countsAtTheEnd(_ server: TestHTTPServer) async throws {
    let log = try LogFile()
    defer { log.remove() }
    let p = try RampartProcess([
      "run", server.url, "--vusers", "2", "--duration", "5s", "--no-tui", "--json", "--log", log.path,
    ])
    defer { p.cleanUp() }
    try await waitFor(p, "run dir")
    // One error line every 10 ms until rampart has exited, so some are read in its last poll. A
    // thread of its own writes them: on a busy test process an awaiting loop wrote 17 in 5 s.
    let writtenCount = WrittenLines()
    let writer = Thread {
      let deadline = Date().addingTimeInterval(20)
      var n = 0
      while p.process.isRunning && Date() < deadline {
        log.append(Array("2026-11-27 10:00:00,123 ERROR    app.jobs: job \(n) failed\n".utf8))
        n += 1
        writtenCount.value.store(n, ordering: .relaxed)
        usleep(10_000)
      }
    }
    writer.start()
    #expect(await p.wait(seconds: 30) == 0, "stderr: \(p.stderr)")
    _ = try await Poll.until(seconds: 5) { writer.isFinished }
    let written = writtenCount.value.load(ordering: .relaxed)
    let directory = try #require(p.runDirectories.first, "no run directory")
    let journal = try RunFiles(directory)
    let total = (journal.summary["log_errors"] as? [String: Int])?["error"] ?? 0
    // Every line counted was written; lines written during the run were read (how many depends on
    // when the run directory appeared to this test, not on rampart).
    #expect(total > 0 && total <= written, "summary: \(total) of \(written) written")
    // The follower's last poll is counted before the engine closes its last rows.
    #expect(journal.seriesLogErrors["error"] ?? 0 == total, "series.jsonl vs summary.json")
    #expect(journal.eventLogErrors["error"] ?? 0 == total, "events.jsonl vs summary.json")
  }

  // MARK: Bad input

  @Test("--log-pattern with a bad regex: exit 2, one error line, no run directory, nothing sent")
  func badPattern() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        let log = try LogFile()
        defer { log.remove() }
        try await Self.refused(
          server, ["--log", log.path, "--log-pattern", "x=(unclosed"], mentions: "--log-pattern")
      }
    }
  }

  @Test("--log-pattern without --log or --log-cmd: exit 2, one error line, no run directory, nothing sent")
  func patternWithoutSource() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        try await Self.refused(server, ["--log-pattern", "slowq=slow query"], mentions: "log source")
      }
    }
  }

  static func refused(_ server: TestHTTPServer, _ flags: [String], mentions: String) async throws {
    let p = try RampartProcess(["run", server.url, "--duration", "1s", "--no-tui"] + flags)
    defer { p.cleanUp() }
    let status = await p.wait(seconds: 20)
    #expect(status == 2, "status \(String(describing: status)): \(p.stderr)")
    let lines = p.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(p.stderr)")
    #expect(p.stderr.hasPrefix("rampart: error: "), "stderr: \(p.stderr)")
    #expect(p.stderr.contains(mentions), "'\(p.stderr)' should mention \(mentions)")
    #expect(p.stdout.isEmpty, "stdout: \(p.stdout)")
    #expect(p.runDirectories.isEmpty, "run directories: \(p.runDirectories)")
    #expect(server.requestCount == 0)
  }

  @Test(
    "--log naming a missing file, a directory or a FIFO: the run completes and the summary prints",
    arguments: ["missing", "directory", "fifo"])
  func unusualLogPath(kind: String) async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.unusual(server, kind: kind) }
    }
  }

  static func unusual(_ server: TestHTTPServer, kind: String) async throws {
    let temporary = try TemporaryDirectory("rampart-log")
    defer { temporary.remove() }
    let directory = temporary.url
    let path: String
    switch kind {
    case "missing": path = directory.appendingPathComponent("absent/app.log").path
    case "directory": path = directory.path
    default:
      path = directory.appendingPathComponent("app.fifo").path
      #expect(mkfifo(path, 0o600) == 0, "mkfifo: \(errno)")
    }
    let p = try RampartProcess([
      "run", server.url, "--vusers", "2", "--duration", "1s", "--no-tui", "--log", path,
    ])
    defer { p.cleanUp() }
    let status = await p.wait(seconds: 20)
    #expect(status == 0, "\(kind): status \(String(describing: status)): \(p.stderr)")
    #expect(p.stdout.contains("rampart summary: complete"), "\(kind): \(p.stdout)")
    #expect(p.stdout.contains("log errors     none"), "\(kind): \(p.stdout)")
    #expect(p.runDirectories.count == 1, "\(kind)")
    #expect(server.requestCount > 0, "\(kind): no request reached the server")
  }

  /// Waits (at most `seconds`) until rampart's stderr contains `text`.
  static func waitFor(_ p: RampartProcess, _ text: String, seconds: Double = 15) async throws {
    let printed = try await Poll.until(seconds: seconds, every: 0.02) {
      p.stderr.contains(text) || !p.process.isRunning
    }
    guard printed, p.stderr.contains(text) else {
      throw TestSupportError("rampart never printed '\(text)': \(p.stderr)")
    }
  }
}

/// How many lines a writer thread has appended so far.
final class WrittenLines: Sendable {
  let value = Atomic<Int>(0)
}

/// A temporary log file the test appends to, as a service would (O_APPEND, one write per call).
final class LogFile: Sendable {
  let path: String
  private let directory: TemporaryDirectory

  init() throws {
    directory = try TemporaryDirectory("rampart-log")
    path = directory.appending("app.log").path
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
      throw TestSupportError("cannot create \(path)")
    }
  }

  func append(_ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_APPEND)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written <= 0 { return }
      offset += written
    }
  }

  func remove() { directory.remove() }
}

/// The run directory's summary.json, series.jsonl rows and events.jsonl entries, as JSON objects.
struct RunFiles {
  var summary: [String: Any]
  var rows: [[String: Any]]
  var events: [[String: Any]]

  init(_ directory: String) throws {
    func objects(_ name: String) throws -> [[String: Any]] {
      let text = try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
      return try text.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
      }
    }
    let summary = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/summary.json"))
    self.summary = try JSONSerialization.jsonObject(with: summary) as? [String: Any] ?? [:]
    rows = try objects("series.jsonl")
    events = try objects("events.jsonl")
  }

  /// The `log_errors` maps of every row, added up.
  var seriesLogErrors: [String: Int] {
    var total: [String: Int] = [:]
    for row in rows {
      for (name, count) in row["log_errors"] as? [String: Int] ?? [:] { total[name, default: 0] += count }
    }
    return total
  }

  /// The `log_errors` events (label = class, value = count), added up.
  var eventLogErrors: [String: Int] {
    var total: [String: Int] = [:]
    for event in events where event["kind"] as? String == "log_errors" {
      total[event["label"] as? String ?? "?", default: 0] += (event["value"] as? NSNumber)?.intValue ?? 0
    }
    return total
  }
}

/// Every escape sequence and control a terminal received, checked against what ncurses sends for
/// xterm-256color (its terminfo entry): CSI with numeric parameters (`?` for private modes) and a
/// final letter from that entry, `ESC ( B`/`ESC ( 0`, `ESC =`, `ESC >`, `ESC 7`, `ESC 8`, `ESC M`,
/// `ESC E`. Anything else is listed in `foreign`.
struct EscapeAudit {
  var foreign: [String] = []
  var osc = 0
  var dcs = 0
  var apc = 0
  /// PM (`ESC ^`) and SOS (`ESC X`) strings.
  var otherStrings = 0
  var resets = 0
  var bells = 0
  var c1Controls = 0
  var invalidUTF8 = 0
  /// `ESC [ 2 J`.
  var clears = 0
  /// Offsets of `ESC [ ? 1049 h` and `ESC [ ? 1049 l`.
  var enterAlternate: [Int] = []
  var leaveAlternate: [Int] = []

  /// CSI finals in xterm-256color's terminfo: cursor moves (A B C D G H d), erase (J K X),
  /// insert/delete (@ P L M), scroll (S T r), back-tab Z, repeat b, SGR m, tab clear g.
  static let plainFinals = Set("ABCDGHdJKX@PLMSTrZbmg".utf8)

  init(_ bytes: ArraySlice<UInt8>) {
    // UTF-8 first: an invalid sequence, or a valid C1 control (U+0080-U+009F, such as the 8-bit
    // CSI C2 9B), is never part of what ncurses sends. ESC and other C0 bytes are ASCII, so the
    // byte scan below cannot start inside a multi-byte character.
    var iterator = bytes.makeIterator()
    var decoder = Unicode.UTF8()
    decoding: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): if (0x80...0x9F).contains(scalar.value) { c1Controls += 1 }
      case .error: invalidUTF8 += 1
      case .emptyInput: break decoding
      }
    }
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == 0x07 { bells += 1 }
      guard byte == 0x1B else {
        index += 1
        continue
      }
      index = sequence(in: bytes, at: index)
    }
  }

  /// Classifies the sequence starting with the ESC at `start`; returns the index after it.
  private mutating func sequence(in bytes: ArraySlice<UInt8>, at start: Int) -> Int {
    let end = bytes.endIndex
    guard start + 1 < end else {
      foreign.append("ESC at the end of the output")
      return end
    }
    let kind = bytes[start + 1]
    func note(_ upper: Int) {
      let shown = bytes[start..<min(upper, start + 40)].map { byte -> String in
        byte == 0x1B ? "ESC" : (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "<\(byte)>"
      }
      foreign.append("\(shown.joined()) at \(start)")
    }
    switch kind {
    case UInt8(ascii: "["):
      var cursor = start + 2
      while cursor < end, (0x30...0x3F).contains(bytes[cursor]) { cursor += 1 }
      let parameters = String(decoding: bytes[(start + 2)..<cursor], as: UTF8.self)
      let intermediates = cursor
      while cursor < end, (0x20...0x2F).contains(bytes[cursor]) { cursor += 1 }
      guard cursor < end, (0x40...0x7E).contains(bytes[cursor]) else {
        note(cursor)
        return cursor
      }
      let final = bytes[cursor]
      let upper = cursor + 1
      let numeric = parameters.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ";") }
      let modes = final == UInt8(ascii: "h") || final == UInt8(ascii: "l")
      let allowed: Bool
      if intermediates != cursor {
        allowed = false
      } else if modes {
        // Private modes (?1049, ?25, ?1, ?12, ?7) and insert mode (4).
        allowed =
          (parameters.hasPrefix("?") && parameters.dropFirst().allSatisfy { $0.isNumber || $0 == ";" })
          || parameters == "4"
      } else if final == UInt8(ascii: "t") {
        // smcup/rmcup's title stack push and pop: ESC[22;0;0t, ESC[23;0;0t (no text is sent).
        allowed = parameters == "22;0;0" || parameters == "23;0;0"
      } else {
        allowed = numeric && Self.plainFinals.contains(final)
      }
      if !allowed { note(upper) }
      if parameters == "2" && final == UInt8(ascii: "J") { clears += 1 }
      if parameters == "?1049" && final == UInt8(ascii: "h") { enterAlternate.append(start) }
      if parameters == "?1049" && final == UInt8(ascii: "l") { leaveAlternate.append(start) }
      return upper
    case UInt8(ascii: "("), UInt8(ascii: ")"):
      guard start + 2 < end else {
        note(end)
        return end
      }
      let designator = bytes[start + 2]
      if designator != UInt8(ascii: "B") && designator != UInt8(ascii: "0") { note(start + 3) }
      return start + 3
    case UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: "7"), UInt8(ascii: "8"), UInt8(ascii: "M"),
      UInt8(ascii: "E"):
      return start + 2
    case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
      switch kind {
      case UInt8(ascii: "]"): osc += 1
      case UInt8(ascii: "P"): dcs += 1
      case UInt8(ascii: "_"): apc += 1
      default: otherStrings += 1
      }
      // A control string runs to BEL (OSC) or ST (ESC \).
      var cursor = start + 2
      while cursor < end, bytes[cursor] != 0x07, bytes[cursor] != 0x1B { cursor += 1 }
      let upper = cursor < end && bytes[cursor] == 0x1B ? min(end, cursor + 2) : min(end, cursor + 1)
      note(upper)
      return upper
    case UInt8(ascii: "c"):
      resets += 1
      note(start + 2)
      return start + 2
    default:
      note(start + 2)
      return start + 2
    }
  }
}

/// What a terminal shows after receiving some bytes: tmux as the terminal emulator. The bytes go
/// through `cat` on a raw tty (no output processing), into a pane of the given size.
enum ScreenReplay {
  struct Screen {
    var text: String
    var title: String
  }

  static func show(_ bytes: ArraySlice<UInt8>, cols: Int, rows: Int) async throws -> Screen {
    let temporary = try TemporaryDirectory("rampart-replay")
    defer { temporary.remove() }
    let directory = temporary.url
    let input = directory.appendingPathComponent("output.bin").path
    let done = directory.appendingPathComponent("done").path
    try Data(bytes).write(to: URL(fileURLWithPath: input))
    let tmux = TmuxServer()
    defer { tmux.kill() }
    let started = try tmux.run([
      "-f", "/dev/null", "new-session", "-d", "-s", "replay", "-x", "\(cols)", "-y", "\(rows)",
      "stty raw -echo; cat '\(input)'; : > '\(done)'; exec sleep 30",
    ])
    guard started.status == 0 else { throw TestSupportError("tmux new-session failed") }
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: done) {
      guard Date() < deadline else { throw TestSupportError("the replay did not finish within 10 s") }
      try await Task.sleep(for: .milliseconds(20))
    }
    // tmux may still be parsing what cat wrote: take the screen once two captures agree.
    var screen = try tmux.run(["capture-pane", "-p", "-t", "replay"]).output
    for _ in 0..<20 {
      try await Task.sleep(for: .milliseconds(100))
      let again = try tmux.run(["capture-pane", "-p", "-t", "replay"]).output
      if again == screen { break }
      screen = again
    }
    let title = try tmux.run(["display", "-p", "-t", "replay", "#{pane_title}"]).output
    return Screen(text: screen, title: title.trimmingCharacters(in: .whitespacesAndNewlines))
  }
}
