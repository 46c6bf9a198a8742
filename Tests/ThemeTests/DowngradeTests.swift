import TerminalUI
import Testing

@testable import Theme

/// Colours are taken down to what the terminal shows: the 256 palette (cube or grey ramp,
/// whichever is nearer), 16 or 8 ANSI colours, or none with the role's mono modifiers.
@Suite(.timeLimit(.minutes(5))) struct DowngradeTests {
  @Test(arguments: [
    (0xFF8700, 208),  // exactly cube (5, 2, 0)
    (0x000000, 16),  // the cube's black beats grey 232 (8, 8, 8)
    (0xFFFFFF, 231),  // the cube's white beats grey 255 (238, 238, 238)
    (0x808080, 244),  // grey 244 is 8 + 10 * 12 = 128 exactly; the cube's nearest is 135
    (0x767676, 243),  // grey 118 exactly
    (0x080808, 232),
    (0xEEEEEE, 255),
    (0x5FD75F, 77),
    (0x8A8A8A, 245),
  ])
  func rgbTo256PicksTheNearerOfCubeAndGreyRamp(hex: Int, index: Int) {
    let color = Color.rgb(UInt8(hex >> 16 & 0xFF), UInt8(hex >> 8 & 0xFF), UInt8(hex & 0xFF))
    #expect(color.downgraded(to: .palette256) == .indexed(UInt8(index)))
  }

  @Test func rgbTo16And8PicksTheNearestANSIColour() {
    let red = Color.rgb(255, 0, 0)
    #expect(red.downgraded(to: .ansi16) == .indexed(9))
    #expect(red.downgraded(to: .ansi8) == .indexed(1))
    #expect(Color.rgb(0, 0, 0).downgraded(to: .ansi16) == .indexed(0))
    #expect(Color.rgb(255, 255, 255).downgraded(to: .ansi16) == .indexed(15))
    #expect(Color.rgb(255, 255, 255).downgraded(to: .ansi8) == .indexed(7))
    // Orange has no ANSI colour of its own: yellow (205, 205, 0) is nearest.
    #expect(Color.rgb(255, 135, 0).downgraded(to: .ansi16) == .indexed(3))
  }

  @Test func paletteIndicesPassThroughWhereTheTerminalHasThem() {
    #expect(Color.indexed(208).downgraded(to: .trueColor) == .indexed(208))
    #expect(Color.indexed(208).downgraded(to: .palette256) == .indexed(208))
    #expect(Color.indexed(208).downgraded(to: .ansi16) == .indexed(3))
    #expect(Color.indexed(12).downgraded(to: .ansi16) == .indexed(12))
    #expect(Color.indexed(9).downgraded(to: .ansi8) == .indexed(1))
    // A grey stays a grey: bright_black (127, 127, 127) is nearer yellow (205, 205, 0) than
    // white by plain distance, but goes to white.
    #expect(Color.indexed(8).downgraded(to: .ansi8) == .indexed(7))
    #expect(Color.rgb(0x8A, 0x8A, 0x8A).downgraded(to: .ansi8) == .indexed(7))
    #expect(Color.rgb(0x3A, 0x3A, 0x3A).downgraded(to: .ansi8) == .indexed(0))
    #expect(Color.rgb(0x8A, 0x8A, 0x8A).downgraded(to: .ansi16) == .indexed(8))
    #expect(Color.rgb(1, 2, 3).downgraded(to: .trueColor) == .rgb(1, 2, 3))
  }

  @Test func theTerminalDefaultStaysAndMonochromeDropsEveryColour() {
    for depth in [ColorDepth.trueColor, .palette256, .ansi16, .ansi8] {
      #expect(Color.terminalDefault.downgraded(to: depth) == .terminalDefault)
    }
    #expect(Color.terminalDefault.downgraded(to: .monochrome) == nil)
    #expect(Color.rgb(255, 0, 0).downgraded(to: .monochrome) == nil)
    #expect(Color.indexed(3).downgraded(to: .monochrome) == nil)
  }

  @Test func monochromeKeepsOnlyTheMonoModifiers() {
    let role = RoleStyle(
      foreground: .rgb(255, 0, 0), background: .indexed(4), modifiers: [.bold, .italic], mono: .underline)
    #expect(role.style(at: .monochrome) == Style(modifiers: .underline))
    #expect(
      role.style(at: .ansi8)
        == Style(foreground: .indexed(1), background: .indexed(4), modifiers: [.bold, .italic]))
  }

  @Test func aDowngradedThemeCanGoBackToFullColour() {
    let theme = Theme.builtInDefault
    let mono = theme.downgraded(to: .monochrome)
    #expect(mono.depth == .monochrome)
    for role in ThemeRole.allCases {
      let style = mono.style(role)
      #expect(style.foreground == nil && style.background == nil)
      #expect(style.modifiers == theme.roleStyles[role]?.mono)
    }
    #expect(mono.style(.title).modifiers == .bold)
    #expect(mono.style(.selection).modifiers == .reverse)
    #expect(mono.style(.tag).modifiers == [.bold, .underline])
    #expect(mono.style(.paused).modifiers == .reverse)
    #expect(mono.style(.errorTimeout).modifiers == .bold)
    #expect(mono.downgraded(to: .trueColor) == theme)
  }

  @Test func theDefaultThemeIsExactIn256Colours() {
    // Its colours are cube and grey-ramp entries, so downgrading moves none of them.
    let theme = Theme.builtInDefault.downgraded(to: .palette256)
    for role in ThemeRole.allCases {
      guard case .rgb(let r, let g, let b) = Theme.builtInRoles[role]?.foreground,
        case .indexed(let index) = theme.style(role).foreground
      else { continue }
      let shown = XtermPalette.rgb(index)
      #expect(shown == (r, g, b), "\(role.rawValue) moved to \(index)")
    }
  }

  @Test func everyDepthGivesEveryRoleAStyleInRange() throws {
    for path in try Paths.themeFiles() {
      let theme = try Theme.load(path: path)
      for (depth, limit) in [(ColorDepth.palette256, 256), (.ansi16, 16), (.ansi8, 8)] {
        let downgraded = theme.downgraded(to: depth)
        for role in ThemeRole.allCases {
          for color in [downgraded.style(role).foreground, downgraded.style(role).background] {
            if case .indexed(let i) = color {
              #expect(Int(i) < limit, "\(path) \(role.rawValue) at \(depth)")
            }
            if case .rgb = color { Issue.record("\(path) \(role.rawValue) still RGB at \(depth)") }
          }
        }
      }
    }
  }
}
