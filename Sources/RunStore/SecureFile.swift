import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file descriptor for journal files: created exclusively (never through a symlink or over an
/// existing file) with mode 0600, written with one `write` per record so a killed process leaves
/// whole lines behind, and cut back to the last whole record when a write fails half-way (a full
/// disk), so the file never ends in a torn line.
final class SecureFile: @unchecked Sendable {
  private let fd: Int32
  let path: String
  private let lock = NSLock()
  /// Bytes of whole records written so far (the file is created empty and only this writes it).
  private var length: off_t = 0

  /// Creates `path` exclusively; fails if anything already exists there, symlinks included.
  init(creating path: String) throws(StoreError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw StoreError.io(path: path, errno: errno) }
    self.fd = fd
    self.path = path
  }

  deinit { close(fd) }

  /// Appends all of `bytes` (retrying short writes). Throws on ENOSPC and other write errors,
  /// after truncating whatever part of `bytes` reached the file: truncating frees space, so it
  /// works on a full disk too.
  func write(_ bytes: [UInt8]) throws(StoreError) {
    lock.lock()
    defer { lock.unlock() }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
      if n < 0 {
        let code = errno
        if code == EINTR { continue }
        if offset > 0 { ftruncate(fd, length) }
        throw StoreError.io(path: path, errno: code)
      }
      offset += n
    }
    length += off_t(bytes.count)
  }

  func sync() { fsync(fd) }

  /// Writes `data` to `path` atomically: a temp file beside it, fsync, then rename, so a reader
  /// sees the old file or the new one, never a torn one.
  static func writeAtomically(_ data: [UInt8], to path: String) throws(StoreError) {
    let temp = path + ".tmp.\(getpid())"
    unlink(temp)
    let file = try SecureFile(creating: temp)
    do {
      try file.write(data)
      file.sync()
    } catch {
      unlink(temp)
      throw error
    }
    guard rename(temp, path) == 0 else {
      let code = errno
      unlink(temp)
      throw StoreError.io(path: path, errno: code)
    }
    // The rename itself survives a power loss only once the directory is synced.
    let dir = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dir >= 0 {
      fsync(dir)
      close(dir)
    }
  }
}

public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case io(path: String, errno: Int32)
  case notARun(String)
  case corrupt(path: String, reason: String)

  public var description: String {
    switch self {
    case .io(let path, let code): "\(path): \(String(cString: strerror(code)))"
    case .notARun(let path): "\(path) is not a rampart run directory (no meta.json)"
    case .corrupt(let path, let reason): "\(path): \(reason)"
    }
  }

  public var isDiskFull: Bool {
    if case .io(_, let code) = self { return code == ENOSPC || code == EDQUOT }
    return false
  }

  /// Why, in a few words for a badge or a report: "disk full", else the system's error text.
  public var reason: String {
    switch self {
    case .io(_, let code): isDiskFull ? "disk full" : String(cString: strerror(code))
    case .notARun: "not a run directory"
    case .corrupt(_, let reason): reason
    }
  }
}

@inline(__always) private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(fd, buf, count)
  #else
    Darwin.write(fd, buf, count)
  #endif
}
