/// A watch source that cannot be used, found before the run starts. The CLI prints
/// `description` as one line and exits with code 2.
public enum WatchInputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `--watch-pid` names no running process.
  case noSuchProcess(pid: Int32)
  /// `--watch-process` matches no process now, and waiting for one was not asked for.
  case noMatchingProcess(pattern: String)
  /// `--watch-process` with an empty pattern would match every process.
  case emptyPattern
  /// `--watch-cgroup` is not a cgroup directory.
  case notACgroup(path: String, reason: String)
  /// `--watch-prom` is not an `http://` URL with a host.
  case badPrometheusURL(url: String, reason: String)

  public var description: String {
    switch self {
    case .noSuchProcess(let pid):
      return "--watch-pid \(pid): no such process"
    case .noMatchingProcess(let pattern):
      return
        "--watch-process '\(Self.shown(pattern))': no running process matches it (--watch-wait waits for one to start)"
    case .emptyPattern:
      return "--watch-process: the pattern is empty and would match every process"
    case .notACgroup(let path, let reason):
      return "--watch-cgroup \(Self.shown(path)): \(reason)"
    case .badPrometheusURL(let url, let reason):
      return "--watch-prom \(Self.shown(url)): \(reason)"
    }
  }

  /// User text made safe for one line: control characters (a newline in a pasted argument)
  /// shown as `?`, and cut at 200 characters.
  static func shown(_ text: String) -> String {
    let visible = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    return visible.count > 200 ? String(visible.prefix(200)) + "…" : visible
  }
}
