/// The in-memory screen every widget draws into (ratatui's Buffer). A backend presents it; tests
/// compare it with golden text. Writes outside the grid are clipped, never a crash.
public struct Grid: Sendable, Equatable {
  public private(set) var width: Int
  public private(set) var height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int, fill: Cell = .blank) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: fill, count: self.width * self.height)
  }

  public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set {
      guard x >= 0, x < width, y >= 0, y < height else { return }
      cells[y * width + x] = newValue
    }
  }

  public func contains(x: Int, y: Int) -> Bool { x >= 0 && x < width && y >= 0 && y < height }

  /// Puts one grapheme at (x, y), patching its style over the cell's. A wide grapheme that does
  /// not fit before `limitX` is replaced by a space; one that would split an existing wide
  /// character clears the other half.
  public mutating func put(_ character: Character, x: Int, y: Int, style: Style, limitX: Int? = nil) -> Int {
    let limit = min(limitX ?? width, width)
    guard y >= 0, y < height, x >= 0, x < limit else { return 0 }
    let w = DisplayWidth.of(character)
    if w == 0 { return 0 }
    if w == 2 && x + 1 >= limit {
      setSymbol(" ", x: x, y: y, style: style)
      return 1
    }
    setSymbol(String(character), x: x, y: y, style: style)
    if w == 2 { setSymbol("", x: x + 1, y: y, style: style) }
    return w
  }

  private mutating func setSymbol(_ symbol: String, x: Int, y: Int, style: Style) {
    let i = y * width + x
    if cells[i].isContinuation && x > 0 { cells[i - 1].symbol = " " }
    if !symbol.isEmpty && x + 1 < width && cells[i + 1].isContinuation
      && DisplayWidth.of(cells[i].symbol) == 2
    {
      cells[i + 1].symbol = " "
    }
    cells[i].symbol = symbol
    cells[i].style = cells[i].style.patched(with: style)
  }

  /// Writes `text` from (x, y) without wrapping; returns the columns used. Control characters
  /// are shown inert (`^[`) so nothing a string holds can move the real cursor.
  @discardableResult
  public mutating func write(
    _ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil
  )
    -> Int
  {
    let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
    var column = x
    for character in text {
      if column >= limit { break }
      if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
        scalar.value < 0x20 || scalar.value == 0x7F
      {
        let caret = scalar.value == 0x7F ? "?" : String(UnicodeScalar(UInt8(scalar.value) + 0x40))
        for c in "^" + caret where column < limit {
          column += put(c, x: column, y: y, style: style, limitX: limit)
        }
        continue
      }
      if column < 0 {
        column += DisplayWidth.of(character)
        continue
      }
      column += put(character, x: column, y: y, style: style, limitX: limit)
    }
    return column - x
  }

  /// Patches `style` over every cell of `rect`, keeping the symbols.
  public mutating func setStyle(_ style: Style, in rect: Rect) {
    let r = rect.intersection(area)
    for y in r.y..<r.maxY {
      for x in r.x..<r.maxX { cells[y * width + x].style = cells[y * width + x].style.patched(with: style) }
    }
  }

  /// Replaces every cell of `rect` with `cell`.
  public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
    let r = rect.intersection(area)
    for y in r.y..<r.maxY {
      for x in r.x..<r.maxX { cells[y * width + x] = cell }
    }
  }

  /// The text of each row, trailing spaces kept, continuation cells skipped.
  public func lines() -> [String] {
    (0..<height).map { y in
      var line = ""
      for x in 0..<width { line += cells[y * width + x].symbol }
      return line
    }
  }
}
