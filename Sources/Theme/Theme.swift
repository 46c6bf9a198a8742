import TerminalUI

/// A complete mapping from every `ThemeRole` to a style, at one colour depth. The dashboard asks
/// for meanings (`theme.style(.tps)`), never for colours, so a theme can change everything.
public struct Theme: Hashable, Sendable {
  /// The name `--theme` and the `T` key use (the file's `meta.name`, else its file name).
  public let name: String
  /// One line about the theme, from `meta.description`.
  public let description: String
  /// The file it was read from; `nil` for the built-in default.
  public let source: String?
  /// The depth the styles are downgraded to; `.trueColor` until `downgraded(to:)` is called.
  public let depth: ColorDepth
  /// The theme as written, for every role. Downgrading always starts from these, so a theme can
  /// be taken down to monochrome and back up without losing its colours.
  public let roleStyles: [ThemeRole: RoleStyle]
  private let styles: [ThemeRole: Style]

  /// A theme from `roles`; roles it leaves out take the built-in default's style.
  public init(
    name: String, description: String = "", source: String? = nil, roles: [ThemeRole: RoleStyle],
    depth: ColorDepth = .trueColor
  ) {
    let complete = Theme.builtInRoles.merging(roles) { _, given in given }
    self.name = name
    self.description = description
    self.source = source
    self.depth = depth
    self.roleStyles = complete
    self.styles = complete.mapValues { $0.style(at: depth) }
  }

  /// The style for `role` at this theme's depth. Every role has one.
  public func style(_ role: ThemeRole) -> Style {
    styles[role] ?? .plain
  }

  /// This theme as a terminal of `depth` can show it.
  public func downgraded(to depth: ColorDepth) -> Theme {
    Theme(name: name, description: description, source: source, roles: roleStyles, depth: depth)
  }
}
