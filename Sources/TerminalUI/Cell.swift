/// One terminal cell: the grapheme shown there and its style. The cell to the right of a wide
/// character holds an empty symbol so that the grid's columns match the screen's.
public struct Cell: Hashable, Sendable {
  public var symbol: String
  public var style: Style

  public init(_ symbol: String = " ", style: Style = .plain) {
    self.symbol = symbol
    self.style = style
  }

  public static let blank = Cell()

  /// The trailing half of a wide character.
  public var isContinuation: Bool { symbol.isEmpty }
}
