import Foundation

/// The themes a user can pick with `--theme` and cycle through with `T`: every `*.toml` in one
/// directory, sorted by name, plus the built-in default when the directory has none.
///
/// A broken file does not take the other themes down with it: it is left out of the cycle and
/// kept in `problems`, and asking for it by name reports its error.
public struct ThemeCatalog: Sendable {
  /// Where the themes were read from; `nil` when only the built-in default is available.
  public let directory: String?
  /// Every theme that loaded, sorted by name.
  public let themes: [Theme]
  /// Files that did not load, keyed by file name without `.toml`.
  public let problems: [String: ThemeError]

  /// The names to offer, in cycling order.
  public var names: [String] { themes.map(\.name) }

  /// Loads every `*.toml` in `directory`; `nil` gives a catalog with only the built-in default.
  /// Throws only when the directory itself cannot be read.
  public init(directory: String?) throws(ThemeError) {
    self.directory = directory
    var loaded: [Theme] = []
    var problems: [String: ThemeError] = [:]
    if let directory {
      let files: [String]
      do {
        files = try FileManager.default.contentsOfDirectory(atPath: directory)
      } catch {
        throw ThemeError(.unreadable, file: directory, message: "cannot list the theme directory")
      }
      // Hidden files are editor leftovers such as Emacs's `.#nord.toml` lock links.
      for file in files.sorted() where file.hasSuffix(".toml") && !file.hasPrefix(".") {
        let path = (directory as NSString).appendingPathComponent(file)
        let stem = String(file.dropLast(".toml".count))
        do throws(ThemeError) {
          let theme = try Theme.load(path: path)
          // Names pick themes and drive the T cycle, so two files may not share one.
          if let other = loaded.first(where: { $0.name == theme.name }) {
            throw ThemeError(
              .duplicateName, file: path,
              message: "meta.name \"\(theme.name)\" is already used by '\(other.source ?? "")'")
          }
          loaded.append(theme)
        } catch {
          problems[stem] = error
        }
      }
    }
    if !loaded.contains(where: { $0.name == Theme.builtInDefault.name }) && problems["default"] == nil {
      loaded.append(Theme.builtInDefault)
    }
    self.themes = loaded.sorted { $0.name < $1.name }
    self.problems = problems
  }

  /// The theme called `nameOrPath` (its `meta.name` or its file name), or the file at that path
  /// when it contains a `/` or ends in `.toml`.
  public func theme(named nameOrPath: String) throws(ThemeError) -> Theme {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
      return try Theme.load(path: nameOrPath)
    }
    if let theme = themes.first(where: { $0.name == nameOrPath }) { return theme }
    if let theme = themes.first(where: { $0.source.map(ThemeCatalog.stem) == nameOrPath }) { return theme }
    if let problem = problems[nameOrPath] { throw problem }
    let available = names.joined(separator: ", ")
    throw ThemeError(
      .notFound, file: nameOrPath,
      message: "not found; available: \(available) (or give the path of a .toml file)")
  }

  /// The theme after the one named `name`, wrapping around; the first theme when `name` is not in
  /// the catalog (a theme loaded from a path, say).
  public func next(after name: String) -> Theme {
    // Empty only when every file failed, default.toml included.
    guard let first = themes.first else { return Theme.builtInDefault }
    guard let index = themes.firstIndex(where: { $0.name == name }) else { return first }
    return themes[(index + 1) % themes.count]
  }

  /// The catalog rampart uses: the directory `locateDirectory` finds, else the built-in only.
  public static func standard() throws(ThemeError) -> ThemeCatalog {
    try ThemeCatalog(
      directory: locateDirectory(
        environment: ProcessInfo.processInfo.environment, executablePath: currentExecutablePath()))
  }

  static func stem(_ path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  }
}
