import Foundation

extension ThemeCatalog {
  /// Where the theme files are: `$RAMPART_THEME_DIR` when set, else the first directory found
  /// walking up from the executable that holds `themes/default.toml` (a build inside the
  /// repository, `.build/debug/rampart`) or `share/rampart/themes/default.toml` (an install
  /// prefix, `/usr/local/bin/rampart`). `nil` when there is none: the built-in default remains.
  public static func locateDirectory(environment: [String: String], executablePath: String?) -> String? {
    if let override = environment["RAMPART_THEME_DIR"], !override.isEmpty { return override }
    guard let executablePath else { return nil }
    var directory = URL(fileURLWithPath: executablePath).deletingLastPathComponent().standardizedFileURL
    while true {
      for candidate in ["themes", "share/rampart/themes"] {
        let themes = directory.appendingPathComponent(candidate)
        if FileManager.default.fileExists(atPath: themes.appendingPathComponent("default.toml").path) {
          return themes.path
        }
      }
      let parent = directory.deletingLastPathComponent().standardizedFileURL
      if parent.path == directory.path { return nil }
      directory = parent
    }
  }

  /// The running executable with symbolic links resolved, so an installed symlink leads to the
  /// real install prefix: `/proc/self/exe` on Linux, else `argv[0]` (looked up in `PATH` when it
  /// has no `/`).
  public static func currentExecutablePath() -> String? {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return path
    }
    guard let argument = CommandLine.arguments.first, !argument.isEmpty else { return nil }
    var path = argument
    if !argument.contains("/") {
      let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
      let found = searchPath.split(separator: ":").map { "\($0)/\(argument)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
      guard let found else { return nil }
      path = found
    }
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }
}
