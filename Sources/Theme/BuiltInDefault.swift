import TerminalUI

// A compiled-in copy of themes/default.toml, so rampart has a theme even when no theme directory
// is found and so theme files can leave keys out. A test loads themes/default.toml and compares
// it with these values: change both together.

extension Theme {
  /// The default theme (dark), available without any theme file.
  public static let builtInDefault = Theme(
    name: "default", description: builtInDescription, source: nil, roles: builtInRoles)

  static let builtInDescription = "Dark theme for the xterm 256-colour palette; the fallback for every theme"

  static let builtInRoles: [ThemeRole: RoleStyle] = [
    // Chrome
    .text: role(.terminalDefault),
    .muted: role(hex(0x8A8A8A), mono: .dim),
    .border: role(hex(0x585858)),
    .title: role(hex(0x87AFFF), modifiers: .bold, mono: .bold),
    .header: role(hex(0xD7D7D7), modifiers: .bold, mono: [.bold, .underline]),
    .keyHint: role(hex(0x87D7FF), modifiers: .bold, mono: .bold),
    .selection: role(hex(0xFFFFFF), background: hex(0x005F87), mono: .reverse),
    .background: role(.terminalDefault, background: .terminalDefault),
    // Series
    .tps: role(hex(0x5FD75F), mono: .bold),
    .latency: role(hex(0xFFD75F)),
    .p95: role(hex(0x5FD7FF)),
    .p99: role(hex(0xAF87FF), mono: .dim),
    .vusers: role(hex(0x5F87FF)),
    .targetVusers: role(hex(0x8787AF), mono: .dim),
    .offered: role(hex(0x8787AF), mono: .dim),
    // Errors by kind
    .errorConnect: role(hex(0xFF5F5F), mono: .bold),
    .errorTimeout: role(hex(0xFF8700), mono: .bold),
    .errorReset: role(hex(0xFF5FAF), mono: .bold),
    .errorProtocol: role(hex(0xD700D7), mono: .bold),
    .error4xx: role(hex(0xD7875F), mono: .bold),
    .error5xx: role(hex(0xD70000), mono: .bold),
    // Markers and states
    .tag: role(hex(0xFFFFFF), modifiers: [.bold, .underline], mono: [.bold, .underline]),
    .paused: role(hex(0x1C1C1C), background: hex(0xFFAF00), modifiers: .bold, mono: .reverse),
    .knee: role(hex(0xD7FF00), modifiers: .bold, mono: .bold),
    .rampChange: role(hex(0x8A8A8A)),
    .running: role(hex(0x5FD75F), modifiers: .bold, mono: .bold),
    .stopping: role(hex(0xFFAF00), modifiers: .bold, mono: [.bold, .underline]),
    .done: role(hex(0x87AFFF), modifiers: .bold, mono: .bold),
    .good: role(hex(0x5FD75F)),
    .warning: role(hex(0xFFAF00), mono: .underline),
    .bad: role(hex(0xFF5F5F), modifiers: .bold, mono: .bold),
    .gaugeFilled: role(hex(0x5F87FF)),
    .gaugeEmpty: role(hex(0x3A3A3A), mono: .dim),
    // Log panel levels
    .logDebug: role(hex(0x6C6C6C), mono: .dim),
    .logInfo: role(.terminalDefault),
    .logWarning: role(hex(0xFFAF00), mono: .underline),
    .logError: role(hex(0xFF5F5F), mono: .bold),
    .logCritical: role(hex(0xFFFFFF), background: hex(0xD70000), modifiers: .bold, mono: [.bold, .reverse]),
    // Compared runs
    .compareA: role(hex(0x5FAFFF), mono: .bold),
    .compareB: role(hex(0xD78700)),
    .compareC: role(hex(0x00AF87), mono: .underline),
    .compareD: role(hex(0xD787AF), mono: .dim),
    // Watched target sources
    .watchA: role(hex(0xAFD75F), mono: .bold),
    .watchB: role(hex(0x5FD7D7)),
    .watchC: role(hex(0xD7AFFF), mono: .underline),
    .watchD: role(hex(0xFFD787), mono: .dim),
  ]

  private static func hex(_ value: UInt32) -> Color {
    .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
  }

  private static func role(
    _ foreground: Color, background: Color? = nil, modifiers: Modifiers = [], mono: Modifiers = []
  ) -> RoleStyle {
    RoleStyle(foreground: foreground, background: background, modifiers: modifiers, mono: mono)
  }
}
