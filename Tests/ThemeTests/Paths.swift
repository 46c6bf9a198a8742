import Foundation

/// Where the repository's theme files and this target's fixtures are, found from this source
/// file's own path so the tests do not depend on the working directory.
enum Paths {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
  static let themes = repositoryRoot.appendingPathComponent("themes").path
  static let fixtures = testsDirectory.appendingPathComponent("Fixtures").path

  static func fixture(_ name: String) -> String {
    (fixtures as NSString).appendingPathComponent(name)
  }

  static func themeFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: themes)
      .filter { $0.hasSuffix(".toml") }
      .sorted()
      .map { (themes as NSString).appendingPathComponent($0) }
  }
}
