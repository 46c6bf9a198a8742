/// A colour as a theme names it. The backend maps it to what the terminal can show.
public enum Color: Hashable, Sendable {
  /// The terminal's own default foreground or background.
  case terminalDefault
  /// One of the 256 palette entries (0-15 are the ANSI colours).
  case indexed(UInt8)
  case rgb(UInt8, UInt8, UInt8)
}

/// Text attributes. They carry meaning on their own where colour is not available.
public struct Modifiers: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let bold = Modifiers(rawValue: 1 << 0)
  public static let dim = Modifiers(rawValue: 1 << 1)
  public static let italic = Modifiers(rawValue: 1 << 2)
  public static let underline = Modifiers(rawValue: 1 << 3)
  public static let reverse = Modifiers(rawValue: 1 << 4)
}

/// How a cell looks. `nil` colours inherit whatever is underneath when patched onto a cell.
public struct Style: Hashable, Sendable {
  public var foreground: Color?
  public var background: Color?
  public var modifiers: Modifiers

  public init(foreground: Color? = nil, background: Color? = nil, modifiers: Modifiers = []) {
    self.foreground = foreground
    self.background = background
    self.modifiers = modifiers
  }

  public static let plain = Style()

  /// This style with `other` laid over it: set colours replace, modifiers add up.
  public func patched(with other: Style) -> Style {
    Style(
      foreground: other.foreground ?? foreground, background: other.background ?? background,
      modifiers: modifiers.union(other.modifiers))
  }

  public func adding(_ extra: Modifiers) -> Style {
    var copy = self
    copy.modifiers.formUnion(extra)
    return copy
  }
}
