/// What the dashboard needs from a terminal: its size, a way to show a grid, and keys. The real
/// one is ncurses; tests use `MemoryBackend`.
public protocol TerminalBackend: AnyObject {
  /// Columns and rows right now.
  var size: (width: Int, height: Int) { get }
  /// Shows `grid` (already sized to `size`).
  func present(_ grid: Grid)
  /// The next key, waiting at most `timeoutMilliseconds`; nil when none came.
  func readKey(timeoutMilliseconds: Int) -> Key?
  /// Forget what is on screen so the next `present` repaints every cell (Ctrl-L, theme change).
  func invalidate()
}

/// A terminal in memory: records what was presented and replays queued keys.
public final class MemoryBackend: TerminalBackend {
  public var size: (width: Int, height: Int)
  public private(set) var presented: [Grid] = []
  public var pendingKeys: [Key]

  public init(width: Int, height: Int, keys: [Key] = []) {
    size = (width, height)
    pendingKeys = keys
  }

  public var lastFrame: Grid? { presented.last }

  public func present(_ grid: Grid) { presented.append(grid) }

  public func readKey(timeoutMilliseconds: Int) -> Key? {
    pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
  }
}

extension TerminalBackend {
  public func invalidate() {}
}
