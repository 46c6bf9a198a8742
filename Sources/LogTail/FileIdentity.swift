#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which file a path or a descriptor names. Rename rotation keeps the path and changes this pair,
/// which is how a follower tells "the same file grew" from "another file took its name".
struct FileIdentity: Equatable {
  var device: UInt64
  var inode: UInt64

  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
  }
}

/// `close(2)`, callable from types that have a `close()` method of their own.
func closeDescriptor(_ descriptor: Int32) {
  #if canImport(Glibc)
    _ = Glibc.close(descriptor)
  #elseif canImport(Darwin)
    _ = Darwin.close(descriptor)
  #endif
}

enum FileKind {
  /// Nil for a regular file; otherwise the kind in words, for "not a regular file (fifo)". Opening
  /// any of these could block (a FIFO without a writer) or never end (`/dev/zero`).
  static func irregularKind(of mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFIFO: "fifo"
    case S_IFCHR: "character device"
    case S_IFBLK: "block device"
    case S_IFDIR: "directory"
    case S_IFSOCK: "socket"
    default: "unknown file type"
    }
  }
}

/// The directories a log path must stay inside, so `--log logs/../../etc/shadow` or a symlink out
/// of the tree cannot make the dashboard display arbitrary files.
struct LogRoots {
  let resolvedRoots: [String]

  init(_ roots: [String]) {
    resolvedRoots = roots.map(Self.resolve)
  }

  func contains(_ path: String) -> Bool {
    let resolved = Self.resolve(path)
    return resolvedRoots.contains { root in
      root == "/" || resolved == root || resolved.hasPrefix(root + "/")
    }
  }

  /// The absolute path the kernel would open: symlinks resolved wherever the path exists, `..` and
  /// `.` resolved lexically in the part that does not exist yet.
  static func resolve(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
    if let real = realPath(absolute) { return real }
    var components: [Substring] = []
    for component in absolute.split(separator: "/") {
      switch component {
      case ".": continue
      case "..": _ = components.popLast()
      default: components.append(component)
      }
    }
    // The longest prefix that exists decides where the rest will land once it is created.
    for existing in stride(from: components.count - 1, through: 0, by: -1) {
      let prefix = "/" + components[0..<existing].joined(separator: "/")
      guard let real = realPath(prefix) else { continue }
      let rest = components[existing...].joined(separator: "/")
      return real == "/" ? "/" + rest : real + "/" + rest
    }
    return "/" + components.joined(separator: "/")
  }

  private static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  private static func currentDirectory() -> String {
    guard let directory = getcwd(nil, 0) else { return "" }
    defer { free(directory) }
    return String(cString: directory)
  }
}
