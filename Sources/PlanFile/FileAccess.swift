import ConfigDiagnostics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The only file system access of the module: reading the plan and body files, with size limits
/// checked before reading, and only regular files (a FIFO or a device would block or never end).
enum FileAccess {
  struct Failure: Error {
    var message: String
  }

  enum Status {
    case missing
    case notRegular
    case regular(size: Int)
  }

  static func status(_ path: String) throws(Failure) -> Status {
    var info = stat()
    guard stat(path, &info) == 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR { return .missing }
      throw Failure(message: "cannot read: \(describe(code))")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegular }
    return .regular(size: Int(info.st_size))
  }

  /// The whole file, or a failure when it holds more than `limit` bytes.
  static func readAll(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw Failure(message: "cannot read: \(describe(errno))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw Failure(message: "not a regular file")
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw Failure(message: "cannot read: \(describe(errno))")
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
      if bytes.count > limit { throw Failure(message: "larger than \(limit / (1024 * 1024)) MiB") }
    }
    return bytes
  }

  /// The canonical absolute path (symlinks resolved), or nil.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  static func describe(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text).lowercased()
  }
}

/// `body_file`: a file relative to the plan's directory. Unless outside files are allowed, an
/// absolute path, a `..` that leaves the directory and a symlink that resolves outside it are
/// refused.
struct BodyFileReader {
  static let limit = 16 * 1024 * 1024

  struct Failure: Error {
    var message: String
  }

  var baseDirectory: String
  var allowOutsideFiles: Bool

  func read(_ name: String, secret: Bool) throws(Failure) -> [UInt8] {
    let shown = secret ? "the file" : OneLine.quoted(name)
    if name.isEmpty { throw Failure(message: "must not be empty") }
    if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
      throw Failure(message: "must not contain control characters")
    }
    let absolute = name.hasPrefix("/")
    if !allowOutsideFiles {
      if absolute {
        throw Failure(message: "\(shown) is an absolute path: body files must be inside the plan's directory")
      }
      if Self.escapes(name) {
        throw Failure(message: "\(shown) leaves the plan's directory: body files must be inside it")
      }
    }
    let base = baseDirectory.isEmpty ? "." : baseDirectory
    let full = absolute ? name : (base.hasSuffix("/") ? base + name : "\(base)/\(name)")
    let size: Int
    do throws(FileAccess.Failure) {
      switch try FileAccess.status(full) {
      case .missing: throw FileAccess.Failure(message: "\(shown) does not exist")
      case .notRegular: throw FileAccess.Failure(message: "\(shown) is not a regular file")
      case .regular(let bytes): size = bytes
      }
    } catch {
      throw Failure(message: error.message.hasPrefix("cannot") ? "\(shown): \(error.message)" : error.message)
    }
    if size > Self.limit { throw Failure(message: "\(shown) is larger than 16 MiB (\(size) bytes)") }
    if !allowOutsideFiles {
      guard let root = FileAccess.realPath(base), let resolved = FileAccess.realPath(full) else {
        throw Failure(message: "\(shown): cannot resolve the path")
      }
      let inside =
        root == "/" ? resolved.hasPrefix("/") : (resolved == root || resolved.hasPrefix(root + "/"))
      if !inside {
        throw Failure(message: "\(shown) resolves outside the plan's directory (through a symlink)")
      }
    }
    do {
      return try FileAccess.readAll(full, limit: Self.limit)
    } catch {
      throw Failure(message: "\(shown): \(error.message)")
    }
  }

  /// Whether a relative path climbs above its start with `..`.
  static func escapes(_ path: String) -> Bool {
    var depth = 0
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == ".." {
        depth -= 1
        if depth < 0 { return true }
      } else if part != "." {
        depth += 1
      }
    }
    return false
  }
}
