import TerminalUI

/// How one role looks, as a theme file gives it: colours and modifiers for a colour terminal, and
/// the `mono` modifiers that stand in for colour where there is none, so that no state is shown
/// by colour alone.
public struct RoleStyle: Hashable, Sendable {
  public var foreground: Color?
  public var background: Color?
  public var modifiers: Modifiers
  /// Used instead of `modifiers` (not added to them) on a terminal without colour.
  public var mono: Modifiers

  public init(
    foreground: Color? = nil, background: Color? = nil, modifiers: Modifiers = [], mono: Modifiers = []
  ) {
    self.foreground = foreground
    self.background = background
    self.modifiers = modifiers
    self.mono = mono
  }

  /// The style to draw with on a terminal of `depth`.
  public func style(at depth: ColorDepth) -> Style {
    if depth == .monochrome { return Style(modifiers: mono) }
    return Style(
      foreground: foreground?.downgraded(to: depth), background: background?.downgraded(to: depth),
      modifiers: modifiers)
  }
}
