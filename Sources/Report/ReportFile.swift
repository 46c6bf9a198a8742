import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing a report: a temp file beside the target (created exclusively, never through a
/// symlink), fsynced, then renamed over it, so a reader sees the old report or the new one.
/// Mode 0644: a report is meant to be shared.
public enum ReportFile {
  public struct WriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
  }

  public static func write(_ text: String, to path: String) throws(WriteError) {
    let temp = path + ".tmp.\(getpid())"
    unlink(temp)
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriteError(path: path, errno: errno) }
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { buffer in
        #if canImport(Glibc)
          Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        #else
          Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        #endif
      }
      if n < 0 {
        if errno == EINTR { continue }
        let code = errno
        close(fd)
        unlink(temp)
        throw WriteError(path: path, errno: code)
      }
      offset += n
    }
    fchmod(fd, 0o644)  // the umask may have taken bits the mode asked for
    let synced = fsync(fd) == 0 ? 0 : errno
    close(fd)
    if synced != 0 {
      unlink(temp)
      throw WriteError(path: path, errno: synced)
    }
    guard rename(temp, path) == 0 else {
      let code = errno
      unlink(temp)
      throw WriteError(path: path, errno: code)
    }
  }
}
