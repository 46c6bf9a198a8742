import TerminalUI
import Testing

@testable import Theme

/// Keys a theme leaves out take the default theme's value for that role, key by key.
@Suite(.timeLimit(.minutes(5))) struct FallbackTests {
  @Test func missingRolesAndFieldsComeFromTheDefault() throws {
    let text = """
      [meta]
      name = "partial"

      [roles]
      tps = { fg = "red" }
      """
    let theme = try Theme.parse(text, file: "partial.toml", fallbackName: "partial")
    let builtIn = Theme.builtInDefault
    #expect(theme.name == "partial")
    #expect(theme.style(.tps).foreground == .indexed(1))
    // The fields tps leaves out, and every other role, are the default's.
    #expect(theme.roleStyles[.tps]?.mono == builtIn.roleStyles[.tps]?.mono)
    #expect(theme.roleStyles[.tps]?.modifiers == builtIn.roleStyles[.tps]?.modifiers)
    for role in ThemeRole.allCases where role != .tps {
      #expect(theme.style(role) == builtIn.style(role), "\(role.rawValue)")
    }
  }

  @Test func aFileWithoutMetaTakesItsNameFromTheFileName() throws {
    let theme = try Theme.parse("[roles]\nmuted = { fg = 8 }\n", file: "x/plain.toml", fallbackName: "plain")
    #expect(theme.name == "plain")
    #expect(theme.description == "")
    #expect(theme.style(.muted).foreground == .indexed(8))
  }

  @Test func rolesCanAlsoBeWrittenAsTablesOrDottedKeys() throws {
    let text = """
      [roles.tps]
      fg = "#FF8700"
      bg = "default"
      modifiers = ["bold", "italic"]
      mono = ["underline"]

      [roles]
      latency.fg = "bright_blue"
      """
    let theme = try Theme.parse(text, file: "tables.toml", fallbackName: "tables")
    #expect(
      theme.roleStyles[.tps]
        == RoleStyle(
          foreground: .rgb(0xFF, 0x87, 0), background: .terminalDefault, modifiers: [.bold, .italic],
          mono: .underline))
    #expect(theme.style(.latency).foreground == .indexed(12))
  }

  @Test func colourSpellings() {
    #expect(ColorSyntax.color("#ff8700") == .rgb(255, 135, 0))
    #expect(ColorSyntax.color("#FF8700") == .rgb(255, 135, 0))
    #expect(ColorSyntax.color("default") == .terminalDefault)
    #expect(ColorSyntax.color("black") == .indexed(0))
    #expect(ColorSyntax.color("white") == .indexed(7))
    #expect(ColorSyntax.color("bright_black") == .indexed(8))
    #expect(ColorSyntax.color("bright_white") == .indexed(15))
    #expect(ColorSyntax.color(index: 0) == .indexed(0))
    #expect(ColorSyntax.color(index: 255) == .indexed(255))
    for bad in ["#12345", "#1234567", "#GGGGGG", "ff8700", "orange", "bright-red", ""] {
      #expect(ColorSyntax.color(bad) == nil, "\(bad)")
    }
    #expect(ColorSyntax.color(index: 256) == nil)
    #expect(ColorSyntax.color(index: -1) == nil)
  }

  @Test func themeNamesAreCheckedToo() {
    let error = #expect(throws: ThemeError.self) {
      try Theme.parse("[meta]\nname = \"\"\n", file: "t.toml", fallbackName: "t")
    }
    #expect(
      error?.description == #"theme t.toml:2:1: meta.name is empty: expected a name such as "nord""#)
  }
}
