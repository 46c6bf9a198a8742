import Foundation
import TerminalUI

#if canImport(Glibc)
  import Glibc
#endif

/// A test hook for FAULTS TUI-03: with `RAMPART_CRASH_DRILL=fatal|segv|abort|trap|try` the
/// dashboard crashes that way right after its second frame, so tests can check that every crash
/// path gives the terminal back. Unset (always, outside those tests) it is not installed.
final class CrashDrillBackend: TerminalBackend {
  enum Kind: String { case fatal, segv, abort, trap, `try` }

  private let inner: any TerminalBackend
  private let kind: Kind
  private var frames = 0

  static func wrap(_ backend: any TerminalBackend, environment: [String: String]) -> any TerminalBackend {
    guard let raw = environment["RAMPART_CRASH_DRILL"], let kind = Kind(rawValue: raw) else { return backend }
    return CrashDrillBackend(inner: backend, kind: kind)
  }

  private init(inner: any TerminalBackend, kind: Kind) {
    self.inner = inner
    self.kind = kind
  }

  var size: (width: Int, height: Int) { inner.size }
  func readKey(timeoutMilliseconds: Int) -> Key? { inner.readKey(timeoutMilliseconds: timeoutMilliseconds) }
  func invalidate() { inner.invalidate() }

  func present(_ grid: Grid) {
    inner.present(grid)
    frames += 1
    guard frames == 2 else { return }
    // Something written to stderr while the screen is up must come out after it, not inside it.
    FileHandle.standardError.write(Data("rampart: crash drill \(kind.rawValue)\n".utf8))
    switch kind {
    case .fatal: fatalError("crash drill")
    case .segv: raise(SIGSEGV)
    case .abort: abort()
    case .trap: raise(SIGTRAP)
    case .try: _ = try! failingRender()
    }
  }

  private struct DrillError: Error {}
  private func failingRender() throws -> Int { throw DrillError() }
}
