/// A rectangle of cells; x grows right, y grows down.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }
  public var area: Int { width * height }
  public var description: String { "\(width)x\(height)+\(x)+\(y)" }

  /// Shrinks every side by `margin` (never below zero size).
  public func inset(by margin: Int) -> Rect {
    inset(horizontal: margin, vertical: margin)
  }

  public func inset(horizontal: Int, vertical: Int) -> Rect {
    Rect(x: x + horizontal, y: y + vertical, width: width - 2 * horizontal, height: height - 2 * vertical)
  }

  public func intersection(_ other: Rect) -> Rect {
    let left = max(x, other.x)
    let top = max(y, other.y)
    return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
  }

  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < maxX && py >= y && py < maxY
  }

  /// A rectangle of the given size centred in this one (clipped to it).
  public func centered(width w: Int, height h: Int) -> Rect {
    let cw = min(w, width)
    let ch = min(h, height)
    return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
  }

  /// The top `rows` rows, and the rest.
  public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
    let r = min(max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: r),
      Rect(x: x, y: y + r, width: width, height: height - r)
    )
  }

  /// The bottom `rows` rows, and the rest above them.
  public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
    let r = min(max(0, rows), height)
    return (
      Rect(x: x, y: y, width: width, height: height - r),
      Rect(x: x, y: maxY - r, width: width, height: r)
    )
  }

  /// The right `columns` columns, and the rest to their left.
  public func splitRight(_ columns: Int) -> (rest: Rect, right: Rect) {
    let c = min(max(0, columns), width)
    return (
      Rect(x: x, y: y, width: width - c, height: height),
      Rect(x: maxX - c, y: y, width: c, height: height)
    )
  }

  /// The left `columns` columns, and the rest to their right.
  public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
    let c = min(max(0, columns), width)
    return (
      Rect(x: x, y: y, width: c, height: height),
      Rect(x: x + c, y: y, width: width - c, height: height)
    )
  }
}
