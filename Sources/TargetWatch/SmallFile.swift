#if canImport(Glibc)
  import Glibc
#endif

/// Reads the small pseudo-files this module watches (`/proc/PID/stat`, `cpu.stat`,
/// `memory.current`) with plain open/read: they report a size of 0, so whole-file readers that
/// trust the size get nothing, and a second's worth of them must not allocate more than needed.
enum SmallFile {
  /// The file's bytes, at most `limit` of them; nil when it cannot be opened or read (the process
  /// exited, the cgroup was removed).
  static func read(_ path: String, limit: Int = 64 << 10) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < limit {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<min(count, limit - bytes.count)])
    }
    return bytes
  }

  /// The file as text with surrounding whitespace removed.
  static func text(_ path: String) -> String? {
    read(path).map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
  }

  /// Whether `path` exists and is a directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Whether `path` names something that exists.
  static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
