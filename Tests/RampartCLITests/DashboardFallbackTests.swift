import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

/// FAULTS TUI-04 to TUI-06 and bad themes: when rampart must not draw (no terminal, no usable
/// TERM), when it must draw without colour, and input it must refuse before sending anything.
@Suite(
  "rampart run: headless fallbacks, colours and bad themes (FAULTS TUI-04..06)", .timeLimit(.minutes(30)))
struct DashboardFallbackTests {
  static let fallbackNote = ": running without the dashboard"

  /// The lines of `text` that are fallback notes.
  static func notes(_ text: String) -> [Substring] {
    text.split(separator: "\n").filter { $0.hasSuffix(fallbackNote) }
  }

  // MARK: TUI-04

  @Test(
    "TUI-04: stdout not a terminal, or stdin not a terminal: headless with one note, no escape byte, same results"
  )
  func notATerminal() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.notATerminal(server) }
    }
  }

  static func notATerminal(_ server: TestHTTPServer) async throws {
    let run = ["run", server.url, "--vusers", "2", "--duration", "1s"]
    // `rampart run ... > file 2> file < /dev/null`.
    let redirected = try RampartProcess(run)
    defer { redirected.cleanUp() }
    #expect(await redirected.wait(seconds: 30) == 0, "stderr: \(redirected.stderr)")
    #expect(redirected.stdout.utf8.filter { $0 == 0x1B }.isEmpty, "escape bytes in stdout")
    #expect(redirected.stderr.utf8.filter { $0 == 0x1B }.isEmpty, "escape bytes in stderr")
    #expect(
      notes(redirected.stderr) == ["rampart: stdout is not a terminal: running without the dashboard"],
      "stderr: \(redirected.stderr)")
    let headlessSummary = TerminalBytes.summaryLines(redirected.stdout)
    #expect(headlessSummary.first == "rampart summary: complete", "\(redirected.stdout)")
    let headlessDirectory = try #require(redirected.runDirectories.first)

    // stdout a terminal, stdin /dev/null.
    let noInput = try await PtyDrive.rampart(run, prefix: ["sh", "-c", "exec \"$0\" \"$@\" < /dev/null"])
    defer { PtyDrive.cleanUp(noInput) }
    #expect(noInput.exit == 0, "\(noInput.text)")
    #expect(TerminalBytes.count(of: 0x1B, in: noInput.output[...]) == 0, "escape bytes: \(noInput.text)")
    #expect(
      notes(noInput.text) == ["rampart: stdin is not a terminal: running without the dashboard"],
      "\(noInput.text)")
    #expect(noInput.before == noInput.after)
    let noInputSummary = TerminalBytes.summaryLines(noInput.text)
    let noInputDirectory = try #require(noInput.runDirectories.first)

    // The dashboard, for comparison: same exit code, same summary lines, same summary.json keys.
    let dashboard = try await PtyDrive.rampart(run + ["--exit-on-end"])
    defer { PtyDrive.cleanUp(dashboard) }
    #expect(dashboard.exit == 0, "\(dashboard.text.suffix(2000))")
    #expect(TerminalBytes.contains("\u{1b}[?1049h", in: dashboard.output[...]), "the dashboard never opened")
    #expect(notes(dashboard.text).isEmpty, "\(dashboard.text.suffix(2000))")
    let dashboardSummary = TerminalBytes.summaryLines(dashboard.text)
    let dashboardDirectory = try #require(dashboard.runDirectories.first)

    #expect(dashboardSummary.first == "rampart summary: complete", "\(dashboardSummary)")
    let labels = TerminalBytes.summaryLabels(dashboardSummary)
    #expect(labels.count >= 10, "\(labels)")
    #expect(TerminalBytes.summaryLabels(headlessSummary) == labels)
    #expect(TerminalBytes.summaryLabels(noInputSummary) == labels)
    let keys = try summaryKeys(dashboardDirectory)
    #expect(try summaryKeys(headlessDirectory) == keys)
    #expect(try summaryKeys(noInputDirectory) == keys)
    for directory in [headlessDirectory, noInputDirectory, dashboardDirectory] {
      let loaded = try RunLoader.load(directory)
      #expect(loaded.outcome == .complete, "\(directory)")
      #expect(loaded.discardedLines == 0)
      #expect(!loaded.samples.isEmpty)
    }
  }

  // MARK: TUI-05

  static let terms: [(name: String, term: String?, mentions: String)] = [
    ("TERM unset", nil, "TERM"), ("TERM=dumb", "dumb", "dumb"),
    ("TERM=nonexistent", "nonexistent", "nonexistent"),
  ]

  @Test(
    "TUI-05: TERM unset, dumb or unknown on a pty: headless with one note, run completes",
    arguments: terms.indices)
  func unusableTerm(index: Int) async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.unusableTerm(server, Self.terms[index]) }
    }
  }

  static func unusableTerm(_ server: TestHTTPServer, _ term: (name: String, term: String?, mentions: String))
    async throws
  {
    let result = try await PtyDrive.rampart(
      ["run", server.url, "--vusers", "2", "--duration", "1s"], environment: ["TERM": term.term])
    defer { PtyDrive.cleanUp(result) }
    let text = result.text
    #expect(result.exit == 0, "\(term.name): exit \(result.exit)\n\(text)")
    #expect(!text.contains("Error opening terminal"), "\(term.name): \(text)")
    let notes = notes(text)
    #expect(notes.count == 1, "\(term.name): \(text)")
    #expect(
      notes.first?.hasPrefix("rampart: ") == true && notes.first?.contains(term.mentions) == true, "\(notes)")
    #expect(TerminalBytes.count(of: 0x1B, in: result.output[...]) == 0, "\(term.name): escape bytes: \(text)")
    #expect(result.before == result.after)
    #expect(TerminalBytes.summaryLines(text).first == "rampart summary: complete", "\(term.name): \(text)")
    let directory = try #require(result.runDirectories.first, "\(term.name): no run directory")
    let run = try RunLoader.load(directory)
    #expect(run.outcome == .complete)
    #expect(run.summary?.ok == server.requestCount)
  }

  // MARK: TUI-06

  enum Colour: Sendable {
    /// No colour-setting SGR at all (see `TerminalBytes.setsColour` for the 39/49 resets).
    case none
    /// Colours from the 8-colour set only: no 256-colour or direct forms.
    case eight
    /// 256-colour forms present.
    case palette
    /// Some colour, of any form.
    case any
  }

  /// `xterm-direct` is in Debian's ncurses-term package, not in the base image: the case runs only
  /// where terminfo has it (`infocmp xterm-direct` succeeds).
  static let colourCases: [(name: String, environment: [String: String?], colour: Colour)] =
    [
      ("NO_COLOR=1 TERM=xterm-256color", ["NO_COLOR": "1", "TERM": "xterm-256color"], .none),
      ("NO_COLOR= TERM=xterm-256color", ["NO_COLOR": "", "TERM": "xterm-256color"], .palette),
      ("TERM=vt100", ["TERM": "vt100"], .none),
      ("TERM=xterm", ["TERM": "xterm"], .eight),
    ] + (hasTerminfo("xterm-direct") ? [("TERM=xterm-direct", ["TERM": "xterm-direct"], .any)] : [])

  static func hasTerminfo(_ name: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["infocmp", name]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }

  @Test(
    "TUI-06: NO_COLOR and terminal types: status in glyph and words, colours only where allowed and supported",
    arguments: colourCases.indices)
  func colours(index: Int) async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.colours(server, Self.colourCases[index]) }
    }
  }

  static func colours(
    _ server: TestHTTPServer, _ test: (name: String, environment: [String: String?], colour: Colour)
  ) async throws {
    let result = try await PtyDrive.rampart(
      ["run", server.url, "--vusers", "2", "--duration", "1s", "--exit-on-end"], environment: test.environment
    )
    defer { PtyDrive.cleanUp(result) }
    let text = result.text
    #expect(result.exit == 0, "\(test.name): exit \(result.exit)\n\(text.suffix(2000))")
    #expect(notes(text).isEmpty, "\(test.name) fell back: \(notes(text))")
    #expect(result.before == result.after, "\(test.name): terminal modes not restored")
    // The status is told by a glyph and a word, never by colour alone.
    #expect(text.contains("▶ RUNNING"), "\(test.name): no status glyph and word")
    #expect(text.contains("rampart → \(server.url)"), "\(test.name)")
    #expect(TerminalBytes.summaryLines(text).first == "rampart summary: complete", "\(test.name)")
    let colours = TerminalBytes.colourSequences(result.output[...])
    let extended = colours.filter { $0.hasPrefix("38") || $0.hasPrefix("48") || $0.contains(";38") }
    switch test.colour {
    case .none:
      #expect(colours.isEmpty, "\(test.name): colour SGRs \(Set(colours).sorted())")
      // Monochrome still marks things: bold and reverse.
      let renditions = TerminalBytes.selectGraphicRenditions(result.output[...])
      #expect(
        renditions.contains { $0.split(separator: ";").contains("7") }, "\(test.name): no reverse video")
    case .eight:
      #expect(!colours.isEmpty, "\(test.name): no colour at all")
      #expect(extended.isEmpty, "\(test.name): colours beyond 8: \(Set(extended).sorted())")
    case .palette:
      #expect(
        colours.contains { $0.hasPrefix("38;5;") },
        "\(test.name): no 256-colour SGR in \(Set(colours).sorted())")
    case .any:
      #expect(!colours.isEmpty, "\(test.name): no colour at all")
    }
  }

  // MARK: Bad themes

  @Test("a theme that does not exist: exit 2, one line naming it, nothing sent")
  func missingTheme() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in
        let (status, stdout, stderr) = try await RampartProcess.run(
          ["run", server.url, "--theme", "nonexistent", "--duration", "1s"], timeout: 20)
        #expect(status == 2, "stderr: \(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
        #expect(stderr.hasPrefix("rampart: error: theme 'nonexistent': not found; available: "), "\(stderr)")
        #expect(stderr.contains("default"), "\(stderr)")
        #expect(stdout.isEmpty)
        #expect(server.requestCount == 0)
      }
    }
  }

  @Test(
    "a theme file with a TOML syntax error: exit 2, one line with its path and line, nothing sent, no screen")
  func brokenThemeFile() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.brokenThemeFile(server) }
    }
  }

  static func brokenThemeFile(_ server: TestHTTPServer) async throws {
    let temporary = try TemporaryDirectory("rampart-theme")
    defer { temporary.remove() }
    let directory = temporary.url
    let path = directory.appendingPathComponent("broken.toml").path
    // Line 3 opens a string that never closes.
    try Data("# a broken theme\n[meta]\nname = \"broken\ndescription = \"never read\"\n".utf8)
      .write(to: URL(fileURLWithPath: path))
    let arguments = ["run", server.url, "--theme", path, "--duration", "1s"]
    let place = "rampart: error: theme \(path):3:"

    let (status, stdout, stderr) = try await RampartProcess.run(arguments, timeout: 20)
    #expect(status == 2, "stderr: \(stderr)")
    #expect(stderr.split(separator: "\n").count == 1, "stderr: \(stderr)")
    #expect(stderr.hasPrefix(place), "\(stderr)")
    #expect(stderr.contains("not valid TOML"), "\(stderr)")
    #expect(stdout.isEmpty)

    // On a terminal too: the error, and no screen drawn.
    let onTerminal = try await PtyDrive.rampart(arguments)
    defer { PtyDrive.cleanUp(onTerminal) }
    #expect(onTerminal.exit == 2, "\(onTerminal.text)")
    #expect(TerminalBytes.count(of: 0x1B, in: onTerminal.output[...]) == 0, "\(onTerminal.text)")
    let lines = onTerminal.text.split(separator: "\n")
    #expect(lines.count == 1 && lines.first?.hasPrefix(place) == true, "\(onTerminal.text)")
    #expect(onTerminal.runDirectories.isEmpty)
    #expect(server.requestCount == 0)
  }
}
