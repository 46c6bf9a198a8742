import Foundation
import RunStore
import TestKit
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

// Shared pieces of the dashboard tests (DashboardE2ETests, DashboardFaultTests,
// DashboardFallbackTests): the pty driver of Tests/Fixtures/ptydrive.py, a private tmux server,
// and readers for the bytes a terminal received.

/// One action of Tests/Fixtures/ptydrive.py, done `after` seconds after the previous one.
enum PtyStep {
  case keys(String, after: Double = 0)
  case resize(cols: Int, rows: Int, after: Double = 0)
  case signal(String, after: Double = 0)
  case expectStopped(after: Double = 0)
  case termios(String, after: Double = 0)
  case cont(after: Double = 0)
  case mark(String, after: Double = 0)
  /// Waits until the output since the last mark holds `text` (at most `timeout` seconds): the
  /// driven program is ready for the next step whenever that is, on a busy machine too.
  case waitFor(String, timeout: Double = 30, after: Double = 0)
  /// Appends `bytes` to the file at `path` in one write, as a service writes its log.
  case append(path: String, bytes: [UInt8], after: Double = 0)

  var json: [String: Any] {
    switch self {
    case .keys(let keys, let after): ["after": after, "keys": keys]
    case .resize(let cols, let rows, let after): ["after": after, "resize": [cols, rows]]
    case .signal(let name, let after): ["after": after, "signal": name]
    case .expectStopped(let after): ["after": after, "expect_stopped": true]
    case .termios(let name, let after): ["after": after, "termios": name]
    case .cont(let after): ["after": after, "cont": true]
    case .mark(let name, let after): ["after": after, "mark": name]
    case .waitFor(let text, let timeout, let after): ["after": after, "wait_for": text, "timeout": timeout]
    case .append(let path, let bytes, let after):
      ["after": after, "append": path, "data": Data(bytes).base64EncodedString()]
    }
  }
}

/// What ptydrive.py reports: the exit status (128+N for a signal, -1 when it had to kill the
/// child at its timeout), termios snapshots, output offsets at the marks, and the output itself.
struct PtyResult {
  var exit: Int
  var before: String
  var after: String
  var termios: [String: String]
  var marks: [String: Int]
  var stopped: [Bool]
  /// Whether each `waitFor` step saw its text, in order.
  var waited: [Bool]
  var output: [UInt8]
  /// The run directories rampart created under the `--out` the test passed.
  var runDirectories: [String]

  func mark(_ name: String) -> Int { marks[name] ?? 0 }

  /// The output between two marks (`nil` = the end).
  func segment(from start: String, to end: String? = nil) -> ArraySlice<UInt8> {
    let lower = min(mark(start), output.count)
    let upper = end.map { min(mark($0), output.count) } ?? output.count
    return output[lower..<max(lower, upper)]
  }

  /// Everything printable, escape sequences removed, for failure messages.
  var text: String { TerminalBytes.visibleText(output[...]) }
}

/// Runs a command on a pseudo-terminal through Tests/Fixtures/ptydrive.py.
enum PtyDrive {
  static var script: String { Faultd.fixturesDirectory.appendingPathComponent("ptydrive.py").path }

  /// The environment of every driven command: a UTF-8 locale, a 256-colour TERM, no colour or
  /// locale settings leaking in from the test runner, and Swift's backtracer never waiting for a
  /// key. `overrides` win; a nil value removes the variable.
  static func environment(_ overrides: [String: String?]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for name in [
      "NO_COLOR", "COLORTERM", "LC_ALL", "LC_CTYPE", "TMUX", "RAMPART_CRASH_DRILL", "RAMPART_THEME_DIR",
      "COLUMNS", "LINES", "PTYDRIVE_STATE",
    ] {
      environment[name] = nil
    }
    environment["TERM"] = "xterm-256color"
    environment["LANG"] = "C.UTF-8"
    environment["SWIFT_BACKTRACE"] = "interactive=no"
    for (name, value) in overrides { environment[name] = value }
    return environment
  }

  /// Runs `rampart ARGS --out <temp>/runs` (or `prefix + [rampart] + ARGS ...` when a prefix such
  /// as `sh -c` is given) on a `cols`x`rows` pty and applies `steps`. Bounded: ptydrive kills the
  /// child after `timeout` seconds (exit -1) and this kills ptydrive a little later.
  static func rampart(
    _ arguments: [String], prefix: [String] = [], environment overrides: [String: String?] = [:],
    steps: [PtyStep] = [], cols: Int = 120, rows: Int = 40, timeout: Double = 20
  ) async throws -> PtyResult {
    let temporary = try TemporaryDirectory("rampart-pty")
    defer { temporary.remove() }
    let directory = temporary.url
    let runs = directory.appendingPathComponent("runs").path
    let stepsFile = directory.appendingPathComponent("steps.json")
    try JSONSerialization.data(withJSONObject: steps.map(\.json)).write(to: stepsFile)
    let screenFile = directory.appendingPathComponent("screen.bin")
    let reportFile = directory.appendingPathComponent("report.json")
    let errorFile = directory.appendingPathComponent("ptydrive-stderr.txt")
    _ = FileManager.default.createFile(atPath: reportFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)

    var environment = environment(overrides)
    environment["PTYDRIVE_STATE"] = directory.appendingPathComponent("state").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      [
        "python3", script, "--cols", "\(cols)", "--rows", "\(rows)", "--steps", stepsFile.path, "--out",
        screenFile.path, "--timeout", "\(timeout)", "--",
      ] + prefix + [RampartProcess.binary.path] + arguments + ["--out", runs]
    process.environment = environment
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: reportFile)
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    // ptydrive's own timeout covers the steps and the wait for the exit; 10 s more for its start
    // and the final read.
    _ = try await Poll.until(seconds: timeout + 10) { !process.isRunning }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
      throw TestSupportError("ptydrive.py did not finish within \(timeout + 10) s")
    }
    let report = try Data(contentsOf: reportFile)
    guard let object = try? JSONSerialization.jsonObject(with: report) as? [String: Any] else {
      let problem = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
      throw TestSupportError(
        "ptydrive.py gave no report (status \(process.terminationStatus)): \(problem)"
          + String(decoding: report, as: UTF8.self))
    }
    let output = (try? Data(contentsOf: screenFile)).map { [UInt8]($0) } ?? []
    let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
    // The run directories are kept for the test's checks: moved out of the directory removed here.
    let kept = FileManager.default.temporaryDirectory.appendingPathComponent(
      "rampart-pty-runs-\(UUID().uuidString)")
    if !names.isEmpty { try FileManager.default.moveItem(atPath: runs, toPath: kept.path) }
    return PtyResult(
      exit: object["exit"] as? Int ?? -2, before: object["before"] as? String ?? "",
      after: object["after"] as? String ?? "", termios: object["termios"] as? [String: String] ?? [:],
      marks: object["marks"] as? [String: Int] ?? [:], stopped: object["stopped"] as? [Bool] ?? [],
      waited: object["waited"] as? [Bool] ?? [], output: output,
      runDirectories: names.sorted().map { "\(kept.path)/\($0)" })
  }

  /// Removes what `rampart` kept for the test.
  static func cleanUp(_ result: PtyResult) {
    guard let first = result.runDirectories.first else { return }
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: first).deletingLastPathComponent().path)
  }
}

/// Reading what a terminal received: escape sequences, colours, visible text, byte offsets.
enum TerminalBytes {
  static let escape: UInt8 = 0x1B

  /// One CSI sequence (`ESC [ params intermediates final`) at `range`.
  struct ControlSequence {
    var range: Range<Int>
    var parameters: String
    var final: UInt8
  }

  /// The CSI sequence that starts at `index` (an ESC followed by `[`), if complete.
  static func controlSequence(in bytes: ArraySlice<UInt8>, at index: Int) -> ControlSequence? {
    guard index + 1 < bytes.endIndex, bytes[index] == escape, bytes[index + 1] == UInt8(ascii: "[") else {
      return nil
    }
    var cursor = index + 2
    var parameters: [UInt8] = []
    while cursor < bytes.endIndex, (0x30...0x3F).contains(bytes[cursor]) {
      parameters.append(bytes[cursor])
      cursor += 1
    }
    while cursor < bytes.endIndex, (0x20...0x2F).contains(bytes[cursor]) { cursor += 1 }
    guard cursor < bytes.endIndex, (0x40...0x7E).contains(bytes[cursor]) else { return nil }
    return ControlSequence(
      range: index..<(cursor + 1), parameters: String(decoding: parameters, as: UTF8.self),
      final: bytes[cursor])
  }

  /// Every SGR (`ESC [ ... m`) parameter string, in order.
  static func selectGraphicRenditions(_ bytes: ArraySlice<UInt8>) -> [String] {
    var found: [String] = []
    var index = bytes.startIndex
    while index < bytes.endIndex {
      if let sequence = controlSequence(in: bytes, at: index) {
        if sequence.final == UInt8(ascii: "m") { found.append(sequence.parameters) }
        index = sequence.range.upperBound
      } else {
        index += 1
      }
    }
    return found
  }

  /// Whether an SGR sets a foreground, background or underline colour: 30-37, 40-47, 90-97,
  /// 100-107 (8/16 colours), 38/48/58 (256-colour and direct forms, `;` or `:` separated).
  /// 39 and 49 do not count: they put the terminal's own default colours back and cannot show a
  /// colour the user did not choose (ncurses sends `ESC[39;49m`, the `op` capability, once when it
  /// starts on any terminal that has colours, whatever the application then does).
  static func setsColour(_ parameters: String) -> Bool {
    for field in parameters.split(separator: ";", omittingEmptySubsequences: false) {
      guard let first = field.split(separator: ":").first, let value = Int(first) else { continue }
      switch value {
      case 30...37, 40...47, 90...97, 100...107, 38, 48, 58: return true
      default: continue
      }
    }
    return false
  }

  static func colourSequences(_ bytes: ArraySlice<UInt8>) -> [String] {
    selectGraphicRenditions(bytes).filter(setsColour)
  }

  static func count(of byte: UInt8, in bytes: ArraySlice<UInt8>) -> Int {
    bytes.reduce(0) { $0 + ($1 == byte ? 1 : 0) }
  }

  /// Byte offsets of every occurrence of `needle`.
  static func offsets(of needle: String, in bytes: ArraySlice<UInt8>) -> [Int] {
    let pattern = Array(needle.utf8)
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
    var found: [Int] = []
    var index = bytes.startIndex
    while index + pattern.count <= bytes.endIndex {
      if bytes[index] == pattern[0] && bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
        found.append(index)
        index += pattern.count
      } else {
        index += 1
      }
    }
    return found
  }

  static func contains(_ needle: String, in bytes: ArraySlice<UInt8>) -> Bool {
    !offsets(of: needle, in: bytes).isEmpty
  }

  /// The characters a reader would see, in output order: SGR and character-set sequences are
  /// dropped (so `── ` + bold `TPS` reads `── TPS`), other sequences (cursor moves, clears)
  /// become a line break so that text from two places on the screen is never joined. Control
  /// characters other than line feed and tab are dropped.
  static func visibleText(_ bytes: ArraySlice<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == escape {
        if let sequence = controlSequence(in: bytes, at: index) {
          if sequence.final != UInt8(ascii: "m") { out.append(10) }
          index = sequence.range.upperBound
          continue
        }
        let next = index + 1 < bytes.endIndex ? bytes[index + 1] : 0
        if next == UInt8(ascii: "(") || next == UInt8(ascii: ")") {
          index += 3
        } else if next == UInt8(ascii: "]") {
          // OSC: up to BEL or ESC \.
          var cursor = index + 2
          while cursor < bytes.endIndex, bytes[cursor] != 7, bytes[cursor] != escape { cursor += 1 }
          index = cursor + 1
          if cursor < bytes.endIndex, bytes[cursor] == escape { index += 1 }
        } else {
          out.append(10)
          index += 2
        }
        continue
      }
      // Other control characters (CR, SI/SO charset shifts on vt100, BEL) show nothing.
      if byte >= 0x20 && byte != 0x7F || byte == 10 || byte == 9 { out.append(byte) }
      index += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The summary block rampart prints at the end ("rampart summary: ..." and its indented
  /// lines), from visible text.
  static func summaryLines(_ text: String) -> [String] {
    guard let start = text.range(of: "rampart summary:") else { return [] }
    let lines = text[start.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false)
    var block = [String(lines[0])]
    for line in lines.dropFirst() {
      guard line.hasPrefix("  ") else { break }
      block.append(String(line))
    }
    return block
  }

  /// The labels of a summary block ("target", "plan", "status codes", ...).
  static func summaryLabels(_ lines: [String]) -> [String] {
    lines.dropFirst().map { line in
      let trimmed = line.drop { $0 == " " }
      return String(trimmed.components(separatedBy: "  ").first ?? "")
    }
  }
}

/// A tmux server of the test's own (`tmux -L NAME`), with no user configuration, killed by
/// `kill()`. Every command is bounded.
final class TmuxServer {
  let name = "rampart-e2e-\(UUID().uuidString.prefix(8).lowercased())"

  static var isInstalled: Bool { executable("tmux") != nil }

  static func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `tmux -L NAME ARGS`; returns its status and stdout. Spawned and reaped here rather than
  /// with Foundation's Process, which on Linux learns of an exit when a socket the child inherited
  /// closes: the tmux server forked by the first command keeps it open, and the client would look
  /// alive for ever. The client gets no descriptor beyond 0-2.
  @discardableResult
  func run(_ arguments: [String], timeout: Double = 10) throws -> (status: Int32, output: String) {
    guard let tmux = Self.executable("tmux") else { throw TestSupportError("tmux is not installed") }
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "tmux-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: outputFile) }
    // The server started by the first command inherits this environment: no locale, colour or
    // tmux settings of the test runner's.
    let environment = PtyDrive.environment([:]).map { "\($0.key)=\($0.value)" }
    let pid = try Spawn.start(
      tmux, ["-L", name] + arguments, environment: environment, stdout: outputFile.path)
    guard let status = Spawn.wait(pid, seconds: timeout) else {
      throw TestSupportError("tmux \(arguments.first ?? "") did not finish within \(timeout) s")
    }
    let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    return (status, output)
  }

  /// A 120x40 session "ui" running a bare bash in `directory`, with a UTF-8 locale, a 256-colour
  /// TERM and Swift's crash backtracer kept from waiting for a key.
  func startShell(in directory: URL) throws {
    let started = try run([
      "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "120", "-y", "40", "-c", directory.path,
      "-e", "TERM=tmux-256color", "-e", "LANG=C.UTF-8", "-e", "SWIFT_BACKTRACE=interactive=no",
      "bash --norc --noprofile",
    ])
    guard started.status == 0 else { throw TestSupportError("tmux new-session failed") }
  }

  /// Types a command line into the session's shell and presses Enter.
  func type(_ command: String) throws {
    try run(["send-keys", "-t", "ui", "-l", command])
    try run(["send-keys", "-t", "ui", "Enter"])
  }

  /// Kills this server only (its socket name is unique to the test) and removes its socket file,
  /// which tmux 3.3 leaves behind in /tmp/tmux-UID.
  func kill() {
    let socket = (try? run(["display", "-p", "#{socket_path}"]))?.output
      .trimmingCharacters(in: .whitespacesAndNewlines)
    _ = try? run(["kill-server"])
    if let socket, socket.hasSuffix("/\(name)") { try? FileManager.default.removeItem(atPath: socket) }
  }
}

/// Runs `body` with a fresh loopback server, shut down afterwards whatever happens.
func withTestServer<T: Sendable>(_ body: (TestHTTPServer) async throws -> T) async throws -> T {
  let server = try await TestHTTPServer()
  do {
    let value = try await body(server)
    await server.shutdown()
    return value
  } catch {
    await server.shutdown()
    throw error
  }
}

/// The keys of a run directory's summary.json.
func summaryKeys(_ directory: String) throws -> Set<String> {
  let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/summary.json"))
  let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  return Set(object.keys)
}

/// Whether the per-second rows of a run are one per second from t = 0, none missing.
func secondsAreContiguous(_ run: LoadedRun) -> Bool {
  run.samples.map(\.t) == Array(0..<run.samples.count)
}

/// posix_spawn with only stdin (/dev/null), stdout (a file) and stderr (/dev/null) open in the
/// child, default signal handling and an empty signal mask; waitpid to reap it.
enum Spawn {
  static func start(_ path: String, _ arguments: [String], environment: [String], stdout: String) throws
    -> pid_t
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    closeFrom(3, &actions)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard result == 0 else { throw TestSupportError("posix_spawn \(path) failed: \(result)") }
    return pid
  }

  /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time because the
  /// Glibc module does not export it; without it the child inherits what is not close-on-exec.
  private static func closeFrom(_ lowest: Int32, _ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard
      let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
  }

  /// The exit status (128 + N after signal N), or nil after killing it at the deadline.
  static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
    let deadline = Date().addingTimeInterval(seconds)
    var status: Int32 = 0
    while true {
      let done = waitpid(pid, &status, WNOHANG)
      if done == pid { break }
      if done < 0 { return nil }
      if Date() >= deadline {
        Glibc.kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return nil
      }
      usleep(5_000)
    }
    let signal = status & 0x7F
    return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
  }
}
