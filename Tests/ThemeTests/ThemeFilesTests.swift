import Foundation
import TerminalUI
import Testing

@testable import Theme

/// The shipped theme files: they load, they spell out every role, and the built-in copy of the
/// default cannot drift from themes/default.toml.
@Suite(.timeLimit(.minutes(5))) struct ThemeFilesTests {
  @Test func thereAreAtLeastSixThemesIncludingTheRequiredOnes() throws {
    let names = try Paths.themeFiles().map {
      URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent
    }
    #expect(names.count >= 6)
    for required in ["default", "light", "nord", "gruvbox", "high-contrast", "monochrome"] {
      #expect(names.contains(required), "themes/\(required).toml is missing")
    }
  }

  @Test func everyThemeFileLoadsAndSpellsOutEveryRole() throws {
    for path in try Paths.themeFiles() {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let definition = try ThemeFileParser.parse(text, file: path)
      let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      #expect(definition.name == stem, "\(path): meta.name should match the file name")
      #expect(definition.description?.isEmpty == false, "\(path): meta.description is missing")
      for role in ThemeRole.allCases {
        // Shipped themes do not lean on the fallback: each is complete on its own, so a change to
        // the default cannot leak into them (a dark background into the light theme, say).
        guard let given = definition.roles[role] else {
          Issue.record("\(path): role \(role.rawValue) is missing")
          continue
        }
        #expect(given.foreground != nil, "\(path): \(role.rawValue).fg is missing")
        #expect(given.modifiers != nil, "\(path): \(role.rawValue).modifiers is missing")
        #expect(given.mono != nil, "\(path): \(role.rawValue).mono is missing")
        if Theme.builtInRoles[role]?.background != nil {
          #expect(given.background != nil, "\(path): \(role.rawValue).bg is missing")
        }
      }
      let theme = try Theme.load(path: path)
      #expect(Set(theme.roleStyles.keys) == Set(ThemeRole.allCases))
    }
  }

  @Test func everyKeyInEveryThemeFileHasAComment() throws {
    for path in try Paths.themeFiles() {
      let lines = try String(contentsOfFile: path, encoding: .utf8).split(
        separator: "\n", omittingEmptySubsequences: false)
      for (index, line) in lines.enumerated() where line.contains("=") && !line.hasPrefix("#") {
        let previous = index > 0 ? lines[index - 1] : ""
        #expect(previous.hasPrefix("#"), "\(path) line \(index + 1) has no comment above it")
      }
    }
  }

  @Test func theBuiltInDefaultEqualsThemesDefaultToml() throws {
    let path = (Paths.themes as NSString).appendingPathComponent("default.toml")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let definition = try ThemeFileParser.parse(text, file: path)
    let builtIn = Theme.builtInDefault
    #expect(definition.name == builtIn.name)
    #expect(definition.description == builtIn.description)
    for role in ThemeRole.allCases {
      // Compared as written, not after the fallback fills gaps, so a key missing from the file is
      // caught too.
      let given = try #require(definition.roles[role])
      let expected = try #require(Theme.builtInRoles[role])
      #expect(given.foreground == expected.foreground, "\(role.rawValue).fg")
      #expect(given.background == expected.background, "\(role.rawValue).bg")
      #expect(given.modifiers == expected.modifiers, "\(role.rawValue).modifiers")
      #expect(given.mono == expected.mono, "\(role.rawValue).mono")
    }
    #expect(try Theme.load(path: path).roleStyles == builtIn.roleStyles)
  }

  @Test func theBuiltInDefaultCoversEveryRole() {
    #expect(Set(Theme.builtInRoles.keys) == Set(ThemeRole.allCases))
    #expect(Theme.builtInDefault.source == nil)
  }

  /// TPS, latency, p95, p99 and vusers must be told apart from each other and from every error
  /// kind: at least 50 apart in RGB (indices measured by their xterm colour).
  @Test func seriesAreDistinctFromEachOtherAndFromErrors() throws {
    let series: [ThemeRole] = [.tps, .latency, .p95, .p99, .vusers]
    let errors: [ThemeRole] = [
      .errorConnect, .errorTimeout, .errorReset, .errorProtocol, .error4xx, .error5xx,
    ]
    for path in try Paths.themeFiles() where !path.hasSuffix("/monochrome.toml") {
      let theme = try Theme.load(path: path)
      for (i, a) in series.enumerated() {
        for b in series[(i + 1)...] + errors {
          let distance = try rgbDistance(theme.style(a).foreground, theme.style(b).foreground)
          #expect(distance >= 50, "\(path): \(a.rawValue) and \(b.rawValue) are only \(distance) apart")
        }
      }
    }
  }

  @Test func theMonochromeThemeHasNoColoursAndShowsItsModifiers() throws {
    let theme = try Theme.load(path: (Paths.themes as NSString).appendingPathComponent("monochrome.toml"))
    for role in ThemeRole.allCases {
      let style = theme.roleStyles[role]!
      #expect(style.foreground == .terminalDefault)
      #expect(style.background == nil || style.background == .terminalDefault)
      #expect(style.modifiers == style.mono, "\(role.rawValue): modifiers should equal mono")
    }
    #expect(theme.style(.selection).modifiers == .reverse)
    #expect(theme.style(.paused).modifiers == .reverse)
    #expect(theme.style(.tag).modifiers == [.bold, .underline])
  }

  private func rgbDistance(_ a: Color?, _ b: Color?) throws -> Double {
    func rgb(_ color: Color?) throws -> (Double, Double, Double) {
      switch try #require(color) {
      case .rgb(let r, let g, let b): return (Double(r), Double(g), Double(b))
      case .indexed(let i):
        let c = XtermPalette.rgb(i)
        return (Double(c.r), Double(c.g), Double(c.b))
      case .terminalDefault:
        Issue.record("a series or error colour is the terminal default")
        return (0, 0, 0)
      }
    }
    let (x, y) = (try rgb(a), try rgb(b))
    return ((x.0 - y.0) * (x.0 - y.0) + (x.1 - y.1) * (x.1 - y.1) + (x.2 - y.2) * (x.2 - y.2)).squareRoot()
  }
}
