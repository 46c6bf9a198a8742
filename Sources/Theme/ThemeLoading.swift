import Foundation

extension Theme {
  /// Reads the theme file at `path`. Keys it leaves out take the default theme's values.
  public static func load(path: String) throws(ThemeError) -> Theme {
    let text = try readText(path)
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return try parse(text, file: path, fallbackName: stem)
  }

  /// A theme from TOML `text`; `file` names it in errors, and `fallbackName` is its name when the
  /// text has no `meta.name`.
  public static func parse(_ text: String, file: String, fallbackName: String) throws(ThemeError) -> Theme {
    try ThemeFileParser.parse(text, file: file).theme(source: file, fallbackName: fallbackName)
  }

  /// The file's text, or an error saying why there is none.
  static func readText(_ path: String) throws(ThemeError) -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ThemeError(.unreadable, file: path, message: "file not found")
    }
    if isDirectory.boolValue {
      throw ThemeError(.unreadable, file: path, message: "is a directory; expected a .toml theme file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ThemeError(.unreadable, file: path, message: "cannot read the file (check its permissions)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ThemeError(.unreadable, file: path, message: "not UTF-8 text; theme files are TOML")
    }
    return text
  }
}
