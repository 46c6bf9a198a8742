import Foundation
import TestKit
import Testing

@testable import Theme

/// Each invalid fixture fails with one line naming the file, the line and what is accepted.
@Suite(.timeLimit(.minutes(5))) struct ThemeErrorTests {
  /// Loads a fixture that must fail and returns its error.
  private func failure(_ name: String) -> ThemeError? {
    do {
      _ = try Theme.load(path: Paths.fixture(name))
      Issue.record("\(name) loaded, but it should have failed")
      return nil
    } catch {
      return error
    }
  }

  @Test func syntaxErrorsCarryTOMLKitsLineAndColumn() throws {
    let error = try #require(failure("syntax-error.toml"))
    #expect(error.kind == .syntax)
    // The rest of the line is toml++'s own wording: "Error while parsing string: ...".
    let place = "theme \(Paths.fixture("syntax-error.toml")):3:15: not valid TOML: "
    #expect(error.description.hasPrefix(place), "\(error)")
    #expect(!error.description.contains("\n"))
  }

  @Test(arguments: [
    (
      "unknown-role.toml", ThemeError.Kind.unknownKey, 7, 1,
      "unknown role 'roles.tpss' (did you mean 'tps'?); roles are "
        + ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
    ),
    (
      "unknown-field.toml", .unknownKey, 6, 23,
      "unknown field 'roles.tps.colour'; expected fg, bg, modifiers or mono"
    ),
    ("unknown-table.toml", .unknownKey, 5, 1, "unknown key 'colors'; expected the tables [meta] and [roles]"),
    ("unknown-meta-key.toml", .unknownKey, 4, 1, "unknown key 'meta.author'; expected name or description"),
    (
      "bad-color.toml", .badColor, 7, 9,
      ##"roles.tps.fg = "#12345": expected "#RRGGBB", 0-255, an ANSI name (red, bright_blue, ...) or "default""##
    ),
    (
      "color-out-of-range.toml", .colorOutOfRange, 6, 13,
      ##"roles.latency.fg = 300: expected "#RRGGBB", 0-255, an ANSI name (red, bright_blue, ...) or "default""##
    ),
    (
      "bad-modifier.toml", .badModifier, 6, 25,
      #"roles.title.modifiers: unknown modifier "blink"; expected bold, dim, italic, underline or reverse"#
    ),
    (
      "wrong-type.toml", .wrongType, 6, 9,
      ##"roles.p95.fg is a boolean: expected "#RRGGBB", 0-255, an ANSI name (red, bright_blue, ...) or "default""##
    ),
    (
      "role-not-table.toml", .wrongType, 6, 1,
      #"roles.vusers is a string: expected a table like { fg = "cyan", mono = ["bold"] }"#
    ),
    (
      "mono-not-list.toml", .wrongType, 6, 23,
      #"roles.tag.mono is a string: expected a list such as ["bold", "underline"]"#
    ),
    (
      "two-problems.toml", .badColor, 7, 9,
      ##"roles.tps.fg = "#GGGGGG": expected "#RRGGBB", 0-255, an ANSI name (red, bright_blue, ...) or "default""##
    ),
  ])
  func semanticErrorsNameFileLineColumnAndWhatIsAccepted(
    file: String, kind: ThemeError.Kind, line: Int, column: Int, message: String
  ) throws {
    let error = try #require(failure(file))
    #expect(error.kind == kind)
    // The place of the key (or of the table holding it), as plan files' errors give it.
    #expect(error.description == "theme \(Paths.fixture(file)):\(line):\(column): \(message)")
    #expect(!error.description.contains("\n"))
  }

  /// The guards plan files have, through the same scanner: a NUL (raw or escaped), which toml++
  /// would cut a string at, and nesting deep enough to make it recurse, each refused with its
  /// place before TOMLKit runs.
  @Test(arguments: [
    ("[meta]\nname = \"a\u{0}b\"\n", "theme t.toml:2:10: NUL characters are not allowed"),
    (#"[meta]\#nname = "a\u0000b"\#n"#, #"theme t.toml:2:10: NUL characters (\u0000) are not allowed"#),
    (
      "[roles]\ntps = " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n",
      "theme t.toml:2:",
    ),
  ])
  func nulAndDeepNestingAreRefusedWithTheirPlace(text: String, expected: String) {
    let error = #expect(throws: ThemeError.self) { try Theme.parse(text, file: "t.toml", fallbackName: "t") }
    #expect(error?.kind == .syntax)
    #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
    if expected.hasSuffix(":") {
      #expect(error?.description.hasSuffix("nesting deeper than 64 levels") == true)
    }
  }

  @Test func anEmptyFileIsAnError() throws {
    let error = try #require(failure("empty.toml"))
    #expect(error.kind == .empty)
    #expect(
      error.description
        == "theme '\(Paths.fixture("empty.toml"))': file is empty; expected a [meta] and a [roles] table")
  }

  @Test func aMissingFileIsAnError() throws {
    let error = try #require(failure("no-such-theme.toml"))
    #expect(error.kind == .unreadable)
    #expect(error.description == "theme '\(Paths.fixture("no-such-theme.toml"))': file not found")
  }

  @Test func aDirectoryIsNotATheme() throws {
    let error = try #require(failure("catalog"))
    #expect(
      error.description == "theme '\(Paths.fixture("catalog"))': is a directory; expected a .toml theme file")
  }

  @Test func textThatIsNotUTF8IsAnError() throws {
    // Written at test time: a Latin-1 "é" in a comment.
    let directory = try TemporaryDirectory("rampart-theme-latin1")
    defer { directory.remove() }
    let path = directory.appending("latin1.toml").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data([0x23, 0x20, 0xE9, 0x0A])))
    let error = #expect(throws: ThemeError.self) { try Theme.load(path: path) }
    #expect(error?.description == "theme '\(path)': not UTF-8 text; theme files are TOML")
  }
}
