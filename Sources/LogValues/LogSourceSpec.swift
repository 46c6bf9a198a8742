/// A log source as the user named it: a file followed like `tail -F`, or a command whose output is
/// followed (`ssh web1 tail -F /var/log/app.log`, `journalctl -f`).
public enum LogSourceSpec: Sendable, Equatable, Hashable {
  case file(String)
  case command(String)

  /// The short name shown before each line when there are several sources.
  public var displayName: String {
    switch self {
    case .file(let path):
      let name = path.split(separator: "/").last.map(String.init) ?? path
      return name.isEmpty ? path : name
    case .command(let command):
      return command.count > 24 ? String(command.prefix(23)) + "…" : command
    }
  }
}
