import Foundation

/// One complete line as a source delivered it: raw bytes without the line end, capped so a
/// 10 MiB line costs no more memory than a short one.
public struct RawLine: Sendable, Equatable {
  /// At most `LineLimits.keptBytes` bytes; no trailing `\n` or `\r`.
  public var bytes: [UInt8]
  /// Bytes of the line beyond the cap that were not kept.
  public var droppedBytes: Int

  public init(_ bytes: [UInt8], droppedBytes: Int = 0) {
    self.bytes = bytes
    self.droppedBytes = droppedBytes
  }

  public init(_ text: String) {
    self.init(Array(text.utf8))
  }

  public var isCut: Bool { droppedBytes > 0 }
}

/// Caps that keep memory bounded whatever a source writes.
public enum LineLimits {
  /// Bytes of one line kept for display and matching; the rest is counted and dropped.
  public static let keptBytes = 16 * 1024
  /// Columns a line may take on screen after sanitising; longer lines end in a cut marker.
  public static let displayColumns = 4096
}

/// A change in a source's state, in the words of GNU `tail -F` where it has them.
public enum SourceNotice: Sendable, Equatable, CustomStringConvertible {
  /// The path does not exist (yet); the follower keeps looking.
  case waiting
  /// The file appeared after it was missing.
  case appeared
  /// The path now names a different file (rename rotation); the old one was drained first.
  case replaced
  /// The file shrank or its first bytes changed (copytruncate); reading restarts at offset 0.
  case truncated
  /// The file was removed; the follower waits for it to reappear.
  case deleted
  /// The path cannot be followed at all (a FIFO, a device, a directory, outside the log roots).
  case refused(String)
  /// Opening or reading failed (permissions, I/O); retried every second.
  case unreadable(String)
  /// A command started with this PID.
  case started(pid: Int32)
  /// A command ended ("exit status 1", "killed by signal 9").
  case exited(String)
  /// A command will be started again after this many seconds.
  case restarting(afterSeconds: Double)

  public var description: String {
    switch self {
    case .waiting: "waiting for file"
    case .appeared: "has appeared; following new file"
    case .replaced: "has been replaced; following new file"
    case .truncated: "file truncated"
    case .deleted: "has been deleted; waiting for it to reappear"
    case .refused(let why): "cannot follow: \(why)"
    case .unreadable(let why): "cannot read: \(why)"
    case .started(let pid): "started (pid \(pid))"
    case .exited(let how): "exited (\(how))"
    case .restarting(let seconds):
      "restarting in \(seconds < 10 ? String(format: "%.1f", seconds) : String(Int(seconds))) s"
    }
  }

  /// Whether the source is in trouble (shown as a warning) rather than reporting progress.
  public var isProblem: Bool {
    switch self {
    case .waiting, .deleted, .refused, .unreadable, .exited, .restarting: true
    case .appeared, .replaced, .truncated, .started: false
    }
  }
}
