import Foundation
import Testing

/// The documentation read against the tree: every relative link in README.md and docs/*.md names a
/// file that exists (and, with an `#anchor`, a heading of it), and every screen shown under a
/// `<!-- screen: PATH -->` comment is that golden file's rows, so a re-recorded screen fails here
/// until the docs show it.
@Suite(.timeLimit(.minutes(1)))
struct DocsTests {
  /// The package root, found from this file (`Tests/RampartTests/DocsTests.swift`).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// README.md and the Markdown files in docs/, as paths from the root.
  static func documents() throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(
      atPath: root.appendingPathComponent("docs").path)
    return ["README.md"] + names.filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
  }

  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// The lines of a Markdown text outside its fenced code blocks.
  static func prose(_ text: String) -> [String] {
    var lines: [String] = []
    var fenced = false
    for line in text.components(separatedBy: "\n") {
      if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
        fenced.toggle()
        continue
      }
      if !fenced { lines.append(line) }
    }
    return lines
  }

  /// GitHub's anchor for a heading: lowercased, punctuation other than `-` and `_` removed, each
  /// space turned into `-`.
  static func slug(_ heading: String) -> String {
    var slug = String.UnicodeScalarView()
    for scalar in heading.lowercased().unicodeScalars {
      if scalar == " " {
        slug.append("-")
      } else if scalar == "-" || scalar == "_" || CharacterSet.alphanumerics.contains(scalar) {
        slug.append(scalar)
      }
    }
    return String(slug)
  }

  /// The anchors of a Markdown text's headings; a repeated heading gets `-1`, `-2`, ... as on GitHub.
  static func anchors(_ text: String) -> Set<String> {
    var anchors: Set<String> = []
    var seen: [String: Int] = [:]
    for line in prose(text) {
      guard let match = line.firstMatch(of: /^#{1,6}\s+(.+?)\s*#*\s*$/) else { continue }
      let base = slug(String(match.output.1))
      let count = seen[base, default: 0]
      seen[base] = count + 1
      anchors.insert(count == 0 ? base : "\(base)-\(count)")
    }
    return anchors
  }

  /// The targets of the inline links and images of a Markdown text, code left out.
  static func linkTargets(_ text: String) -> [String] {
    // Code spans may run over a line break but not over a paragraph.
    let paragraphs = prose(text).joined(separator: "\n").components(separatedBy: "\n\n")
    var targets: [String] = []
    for paragraph in paragraphs {
      let outsideCode = paragraph.replacing(/(`+)[\s\S]*?\1/, with: "")
      for match in outsideCode.matches(of: /\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/) {
        targets.append(String(match.output.1))
      }
    }
    return targets
  }

  /// What is wrong with one link of `document`, or nil when it resolves.
  static func problem(with target: String, in document: String) throws -> String? {
    if target.isEmpty { return "an empty link" }
    if target.contains("://") || target.hasPrefix("mailto:") { return nil }
    if target.hasPrefix("/") { return "\(target): not a relative link" }
    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
    let fragment = parts.count > 1 ? String(parts[1]) : nil
    let directory = (document as NSString).deletingLastPathComponent
    let resolved =
      path.isEmpty
      ? document : ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    guard !resolved.hasPrefix("..") else { return "\(target): outside the repository" }
    guard FileManager.default.fileExists(atPath: root.appendingPathComponent(resolved).path) else {
      return "\(target): no file \(resolved)"
    }
    guard let fragment else { return nil }
    guard resolved.hasSuffix(".md") else { return "\(target): an anchor into a file that is not Markdown" }
    let anchors = anchors(try read(resolved))
    return anchors.contains(fragment) ? nil : "\(target): no heading '#\(fragment)' in \(resolved)"
  }

  /// A row without its trailing spaces (an editor may strip them from the docs).
  static func trimmed<Row: StringProtocol>(_ row: Row) -> String {
    var row = Substring(row)
    while row.last == " " { row = row.dropLast() }
    return String(row)
  }

  /// The rows of a golden screen file (`size WxH`, then H rows framed by `|`, then its styles),
  /// without the frame and trailing spaces.
  static func goldenRows(_ path: String) throws -> [String] {
    let lines = try read(path).components(separatedBy: "\n")
    let size = try #require(lines.first?.firstMatch(of: /^size (\d+)x(\d+)$/), "\(path): no size line")
    let height = try #require(Int(size.output.2))
    try #require(lines.count > height, "\(path): fewer than \(height) rows")
    return lines[1...height].map { row in
      var row = Substring(row)
      if row.hasPrefix("|") { row = row.dropFirst() }
      if row.hasSuffix("|") { row = row.dropLast() }
      return trimmed(row)
    }
  }

  /// Each `<!-- screen: PATH -->` comment of a document with the rows of the fenced block after it.
  static func screens(in text: String) -> [(golden: String, rows: [String])] {
    let lines = text.components(separatedBy: "\n")
    var screens: [(String, [String])] = []
    for (index, line) in lines.enumerated() {
      guard let match = line.firstMatch(of: /^<!-- screen: (\S+) -->$/) else { continue }
      var rows: [String] = []
      if index + 1 < lines.count, lines[index + 1] == "```" {
        for row in lines[(index + 2)...] {
          if row == "```" { break }
          rows.append(trimmed(row))
        }
      }
      screens.append((String(match.output.1), rows))
    }
    return screens
  }

  @Test("every relative link in README.md and docs/*.md names an existing file and heading")
  func everyLinkResolves() throws {
    let documents = try Self.documents()
    #expect(documents.count >= 9, "found only \(documents)")
    var checked = 0
    var problems: [String] = []
    for document in documents {
      for target in Self.linkTargets(try Self.read(document)) {
        checked += 1
        if let problem = try Self.problem(with: target, in: document) {
          problems.append("\(document): \(problem)")
        }
      }
    }
    #expect(checked > 50, "found only \(checked) links: is the link pattern still right?")
    #expect(problems.isEmpty, "broken links:\n\(problems.joined(separator: "\n"))")
  }

  @Test("the anchors follow GitHub's rules")
  func anchorsFollowGitHub() {
    #expect(Self.slug("`rampart run URL [options]`") == "rampart-run-url-options")
    #expect(
      Self.slug("`rampart find`: the highest rate within your SLOs")
        == "rampart-find-the-highest-rate-within-your-slos")
    #expect(Self.slug("The open model (arrival rate)") == "the-open-model-arrival-rate")
    #expect(Self.slug("2026-11-28, 01:45-02:00") == "2026-11-28-0145-0200")
    #expect(Self.slug("log_errors and the knee") == "log_errors-and-the-knee")
    #expect(Self.anchors("# A\n## B\n```\n# not a heading\n```\n## B\n") == ["a", "b", "b-1"])
    #expect(
      Self.linkTargets("[a](x.md) `[b](y.md)` [c](z.md#h \"title\")\n```\n[d](w.md)\n```\n")
        == ["x.md", "z.md#h"])
  }

  @Test("each screen in the docs is its golden file's rows, the README's picture first")
  func screensMatchTheirGoldenFiles() throws {
    let readme = Self.screens(in: try Self.read("README.md"))
    #expect(!readme.isEmpty, "README.md shows no screen under a <!-- screen: PATH --> comment")
    for document in try Self.documents() {
      for (golden, rows) in Self.screens(in: try Self.read(document)) {
        let expected = try Self.goldenRows(golden)
        #expect(rows.count == expected.count, "\(document): \(golden) has \(expected.count) rows")
        if let row = rows.indices.first(where: { $0 < expected.count && rows[$0] != expected[$0] }) {
          Issue.record(
            """
            \(document): row \(row + 1) of the screen differs from \(golden) (re-recorded?):
              docs:   \(rows[row])
              golden: \(expected[row])
            """)
        }
      }
    }
  }

  /// The rampart modules each Swift module under `Sources` imports, read from its `import` lines.
  static func sourceImports() throws -> [String: Set<String>] {
    let sources = root.appendingPathComponent("Sources")
    let modules = Set(try FileManager.default.contentsOfDirectory(atPath: sources.path))
    var imports: [String: Set<String>] = [:]
    for module in modules {
      let enumerator = FileManager.default.enumerator(atPath: sources.appendingPathComponent(module).path)
      while let name = enumerator?.nextObject() as? String {
        guard name.hasSuffix(".swift") else { continue }
        let text = try read("Sources/\(module)/\(name)")
        for line in text.components(separatedBy: "\n") {
          guard let match = line.firstMatch(of: /^(?:@\w+(?:\([^)]*\))?\s+)*import\s+(\w+)/) else {
            continue
          }
          let imported = String(match.output.1)
          if modules.contains(imported) { imports[module, default: []].insert(imported) }
        }
        if imports[module] == nil { imports[module] = [] }
      }
    }
    return imports
  }

  @Test("the module table in docs/architecture.md is what Sources imports")
  func theModuleTableIsTrue() throws {
    var table: [String: Set<String>] = [:]
    for line in try Self.read("docs/architecture.md").components(separatedBy: "\n") {
      guard let row = line.firstMatch(of: /^(\w+) +──> (.+?)(?: {2,}\+ .*)?$/) else { continue }
      let imports = row.output.2 == "(none)" ? [] : row.output.2.components(separatedBy: ", ")
      table[String(row.output.1)] = Set(imports)
    }
    let imports = try Self.sourceImports()
    #expect(imports.count > 10, "found only \(imports.keys.sorted()) under Sources")
    for (module, imported) in imports.sorted(by: { $0.key < $1.key }) {
      if module == "rampart" {
        // The executable only parses and dispatches: it imports the command layer alone.
        #expect(imported == ["RampartCommands"], "rampart imports \(imported.sorted())")
        continue
      }
      #expect(
        table[module] == imported,
        "docs/architecture.md: \(module) ──> \(table[module]?.sorted() ?? []), Sources: \(imported.sorted())")
    }
  }

  @Test("the README's test command is `swift test`, which .ci/run runs")
  func theReadmeTestCommandIsSwiftTest() throws {
    let readme = try Self.read("README.md")
    let quickStart = try #require(readme.firstRange(of: "## Quick start"))
    let commands = readme[quickStart.upperBound...].components(separatedBy: "\n")
      .prefix { !$0.hasPrefix("## ") }
    #expect(commands.contains { $0.hasPrefix("swift test ") || $0 == "swift test" })
    #expect(try Self.read(".ci/run").contains("\nswift test\n"))
  }
}
