import Foundation
import TestKit
import Testing

@testable import Theme

@Suite(.timeLimit(.minutes(5))) struct CatalogTests {
  private let fixtureCatalog = Paths.fixture("catalog")

  @Test func loadsEveryTomlFileSortedByNameAndKeepsTheBuiltInDefault() throws {
    let catalog = try ThemeCatalog(directory: fixtureCatalog)
    // notes.txt is not a theme; broken.toml is set aside; there is no default.toml here.
    #expect(catalog.names == ["alpha", "default", "zulu-theme"])
    #expect(Set(catalog.problems.keys) == ["broken"])
    #expect(try catalog.theme(named: "alpha").style(.tps).foreground == .indexed(10))
    #expect(try catalog.theme(named: "default") == Theme.builtInDefault)
  }

  @Test func themesAreFoundByNameOrFileNameOrPath() throws {
    let catalog = try ThemeCatalog(directory: fixtureCatalog)
    #expect(try catalog.theme(named: "zulu-theme").name == "zulu-theme")
    #expect(try catalog.theme(named: "zulu").name == "zulu-theme")
    let path = Paths.fixture("catalog/alpha.toml")
    #expect(try catalog.theme(named: path).source == path)
  }

  @Test func anUnknownNameListsTheAvailableOnes() throws {
    let catalog = try ThemeCatalog(directory: fixtureCatalog)
    let error = #expect(throws: ThemeError.self) { try catalog.theme(named: "solarized") }
    #expect(error?.kind == .notFound)
    #expect(
      error?.description
        == "theme 'solarized': not found; available: alpha, default, zulu-theme (or give the path of a .toml file)"
    )
  }

  @Test func askingForABrokenThemeReportsWhyItIsBroken() throws {
    let catalog = try ThemeCatalog(directory: fixtureCatalog)
    let error = #expect(throws: ThemeError.self) { try catalog.theme(named: "broken") }
    #expect(error?.kind == .badColor)
    #expect(error?.line == 3)
  }

  @Test func twoFilesMayNotShareAName() throws {
    let directory = Paths.fixture("duplicates")
    let catalog = try ThemeCatalog(directory: directory)
    #expect(catalog.names == ["default", "twin"])
    #expect(try catalog.theme(named: "twin").source == directory + "/first.toml")
    let problem = try #require(catalog.problems["second"])
    #expect(
      problem.description
        == "theme '\(directory)/second.toml': meta.name \"twin\" is already used by '\(directory)/first.toml'"
    )
  }

  @Test func nextCyclesInNameOrderAndWraps() throws {
    let catalog = try ThemeCatalog(directory: fixtureCatalog)
    #expect(catalog.next(after: "alpha").name == "default")
    #expect(catalog.next(after: "default").name == "zulu-theme")
    #expect(catalog.next(after: "zulu-theme").name == "alpha")
    #expect(catalog.next(after: "loaded-from-a-path").name == "alpha")
  }

  @Test func theShippedDirectoryLoadsWithoutProblems() throws {
    let catalog = try ThemeCatalog(directory: Paths.themes)
    #expect(catalog.problems.isEmpty)
    #expect(catalog.names.first == "default")
    #expect(catalog.names.count >= 6)
  }

  @Test func withoutADirectoryOnlyTheBuiltInDefaultIsThere() throws {
    let catalog = try ThemeCatalog(directory: nil)
    #expect(catalog.names == ["default"])
    #expect(catalog.next(after: "default") == Theme.builtInDefault)
  }

  @Test func aMissingDirectoryIsAnError() {
    let path = Paths.fixture("no-such-directory")
    let error = #expect(throws: ThemeError.self) { try ThemeCatalog(directory: path) }
    #expect(error?.description == "theme '\(path)': cannot list the theme directory")
  }
}

/// Finding the theme directory from the environment or from where the executable sits.
@Suite(.timeLimit(.minutes(5))) struct ThemeDirectoryTests {
  /// A scratch tree with the given files, removed afterwards.
  private func withTree(_ files: [String], _ body: (String) throws -> Void) throws {
    let directory = try TemporaryDirectory("rampart-theme-dir")
    defer { directory.remove() }
    let root = directory.path
    for file in files {
      let path = root + "/" + file
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try #require(FileManager.default.createFile(atPath: path, contents: Data()))
    }
    try body(root)
  }

  @Test func theEnvironmentVariableWins() throws {
    try withTree(["repo/themes/default.toml", "repo/.build/debug/rampart"]) { root in
      let found = ThemeCatalog.locateDirectory(
        environment: ["RAMPART_THEME_DIR": "/somewhere/else"],
        executablePath: root + "/repo/.build/debug/rampart")
      #expect(found == "/somewhere/else")
    }
  }

  @Test func aBuildInsideTheRepositoryFindsItsThemesFolder() throws {
    try withTree(["repo/themes/default.toml", "repo/.build/debug/rampart"]) { root in
      let found = ThemeCatalog.locateDirectory(
        environment: ["RAMPART_THEME_DIR": ""], executablePath: root + "/repo/.build/debug/rampart")
      #expect(found.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == root + "/repo/themes")
    }
  }

  @Test func anInstallPrefixFindsShareRampartThemes() throws {
    try withTree(["prefix/share/rampart/themes/default.toml", "prefix/bin/rampart"]) { root in
      let found = ThemeCatalog.locateDirectory(environment: [:], executablePath: root + "/prefix/bin/rampart")
      #expect(found == root + "/prefix/share/rampart/themes")
    }
  }

  @Test func nothingFoundMeansNoDirectory() throws {
    try withTree(["prefix/bin/rampart", "prefix/themes/light.toml"]) { root in
      #expect(
        ThemeCatalog.locateDirectory(environment: [:], executablePath: root + "/prefix/bin/rampart") == nil)
      #expect(ThemeCatalog.locateDirectory(environment: [:], executablePath: nil) == nil)
    }
  }
}
