/// A screen that `FrameLoop` drives: it says whether to go on, draws itself at a size and takes
/// keys. The loop owns the waiting, the screen what a pass and a key mean.
public protocol FrameScreen: AnyObject {
  /// Called before every pass, on the terminal's thread; false ends the loop. A live screen
  /// reads what it will draw here, once per pass.
  func continues() -> Bool
  /// Whether the screen changes without a key (a running test): drawn every pass. A still screen
  /// (a comparison of finished runs) is drawn again only after a key.
  var isLive: Bool { get }
  func render(width: Int, height: Int) -> Grid
  func handle(_ key: Key)
}

/// The one frame loop of every screen: draws a frame when there is something new, waits at most
/// `waitMilliseconds` for a key, hands it to the screen (a resize arrives as a key too). Runs on
/// the one thread that owns the terminal; a still screen with no keys costs nothing.
public enum FrameLoop {
  public static func run(_ screen: some FrameScreen, on backend: any TerminalBackend, waitMilliseconds: Int) {
    var keyArrived = true
    while screen.continues() {
      if keyArrived || screen.isLive {
        let size = backend.size
        backend.present(screen.render(width: size.width, height: size.height))
      }
      guard let key = backend.readKey(timeoutMilliseconds: waitMilliseconds) else {
        keyArrived = false
        continue
      }
      screen.handle(key)
      keyArrived = true
    }
  }
}
