import TerminalUI

/// What one theme file says, before the keys it leaves out are filled from the default theme.
/// Kept apart from `Theme` so tests can check that the shipped files spell out every role.
struct ThemeDefinition: Equatable {
  var name: String?
  var description: String?
  var roles: [ThemeRole: PartialRoleStyle] = [:]

  /// The complete theme: each key left out takes the built-in default's value for that role.
  func theme(source: String?, fallbackName: String) -> Theme {
    var complete: [ThemeRole: RoleStyle] = [:]
    for role in ThemeRole.allCases {
      let base = Theme.builtInRoles[role] ?? RoleStyle()
      complete[role] = roles[role]?.filled(from: base) ?? base
    }
    return Theme(
      name: name ?? fallbackName, description: description ?? "", source: source, roles: complete)
  }
}

/// One role as a file gives it; `nil` is a key the file leaves out.
struct PartialRoleStyle: Equatable {
  var foreground: Color?
  var background: Color?
  var modifiers: Modifiers?
  var mono: Modifiers?

  func filled(from base: RoleStyle) -> RoleStyle {
    RoleStyle(
      foreground: foreground ?? base.foreground, background: background ?? base.background,
      modifiers: modifiers ?? base.modifiers, mono: mono ?? base.mono)
  }
}
