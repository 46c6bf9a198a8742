/// The log panel's view state: focus, width, scroll anchor, filter, folding. Only the view; the
/// entries themselves come from the log feed's snapshot.
public struct LogPanelState: Sendable, Equatable {
  /// Keys such as `<`/`>` act on the panel while it has focus (Tab).
  public var focused = false
  /// Columns; nil = the default share of the screen.
  public var width: Int?
  /// The entry at the bottom of the view while scrolled back; nil = following the newest.
  public var anchor: UInt64?
  /// Text or regular expression; lines that do not match are hidden.
  public var filter: String?
  /// Only error events (and none of the ordinary lines).
  public var errorsOnly = false
  /// Folded blocks the user opened with Enter.
  public var expanded: Set<UInt64> = []

  public init() {}

  public var isFollowing: Bool { anchor == nil }

  public static let minimumWidth = 30
  public static let widthStep = 4

  /// The panel's width on a screen this wide: a third by default, never so wide the charts go.
  public func columns(screenWidth: Int) -> Int {
    let wanted = width ?? screenWidth * 35 / 100
    return min(max(Self.minimumWidth, wanted), max(Self.minimumWidth, screenWidth - 50))
  }
}

/// A one-line text entry in the key bar (the log filter; typed values later).
public struct Prompt: Sendable, Equatable {
  public enum Purpose: Sendable, Equatable {
    case logFilter
    /// An exact vuser count (`V`).
    case vusers
    /// A tag's label (`t`); Enter on an empty prompt keeps the default label.
    case tag
  }

  public var purpose: Purpose
  public var text: String

  public init(_ purpose: Purpose, text: String = "") {
    self.purpose = purpose
    self.text = text
  }

  public var label: String {
    switch purpose {
    case .logFilter: "filter logs (text or regex)"
    case .vusers: "vusers (exact count)"
    case .tag: "tag label (Enter: \(Self.defaultTagLabel))"
    }
  }

  public static let defaultTagLabel = "knee?"

  /// Long enough for any filter; stops a stuck key from growing it forever.
  public static let maximumLength = 200
}
