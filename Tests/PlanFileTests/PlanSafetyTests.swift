import Foundation
import PlanFile
import TestKit
import Testing

/// SEC-03: body files that escape the plan's directory, extreme values, oversized and deeply
/// nested input.
@Suite(.timeLimit(.minutes(5))) struct PlanSafetyTests {
  /// A plan directory with a body file inside, a secret file outside and a symlink escaping.
  struct Layout {
    let root: String
    let plans: String

    init() throws {
      root = try Plans.temporaryDirectory()
      plans = root + "/project/plans"
      let fm = FileManager.default
      try fm.createDirectory(atPath: plans + "/bodies", withIntermediateDirectories: true)
      try "inside".write(toFile: plans + "/bodies/in.json", atomically: true, encoding: .utf8)
      try "outside".write(toFile: root + "/x", atomically: true, encoding: .utf8)
      try fm.createSymbolicLink(atPath: plans + "/link.json", withDestinationPath: root + "/x")
      try fm.createSymbolicLink(atPath: plans + "/inner.json", withDestinationPath: plans + "/bodies/in.json")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func plan(_ bodyFile: String, allowOutside: Bool = false) throws(PlanError) -> PlanDocument {
      try Plans.toml("[[requests]]\nbody_file = \"\(bodyFile)\"\n", base: plans, allowOutside: allowOutside)
    }

    func error(_ bodyFile: String) -> String {
      do {
        _ = try plan(bodyFile)
        return "loaded"
      } catch {
        return error.description
      }
    }
  }

  @Test func bodyFileEscapesAreRefused() throws {
    let layout = try Layout()
    defer { layout.remove() }
    let escapes = ["../../x", layout.root + "/x", "link.json"]
    #expect(
      layout.error(escapes[0])
        == "plan.toml:2:1: requests[0].body_file: '../../x' leaves the plan's directory: body files must be inside it"
    )
    #expect(
      layout.error(escapes[1])
        == "plan.toml:2:1: requests[0].body_file: '\(layout.root)/x' is an absolute path: body files must be inside the plan's directory"
    )
    #expect(
      layout.error(escapes[2])
        == "plan.toml:2:1: requests[0].body_file: 'link.json' resolves outside the plan's directory (through a symlink)"
    )
    var refused = 0
    for escape in escapes where layout.error(escape) != "loaded" { refused += 1 }
    #expect(refused == 3)
    for escape in escapes {
      #expect(try layout.plan(escape, allowOutside: true).requests[0].body == Array("outside".utf8))
    }
  }

  @Test func bodyFilesInsideTheDirectoryLoad() throws {
    let layout = try Layout()
    defer { layout.remove() }
    for inside in ["bodies/in.json", "./bodies/../bodies/in.json", "inner.json", "bodies//in.json"] {
      #expect(try layout.plan(inside).requests[0].body == Array("inside".utf8))
    }
    // The same file through the loader: relative to the plan file's own directory.
    let path = layout.plans + "/p.yaml"
    try "requests:\n  - body_file: bodies/in.json\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try PlanLoader.load(path: path, environment: [:]).requests[0].body == Array("inside".utf8))
  }

  @Test func bodyFilesThatAreNotRegularOrTooBigAreRefused() throws {
    let layout = try Layout()
    defer { layout.remove() }
    #expect(mkfifo(layout.plans + "/fifo", 0o600) == 0)
    #expect(layout.error("fifo") == "plan.toml:2:1: requests[0].body_file: 'fifo' is not a regular file")
    #expect(layout.error("bodies") == "plan.toml:2:1: requests[0].body_file: 'bodies' is not a regular file")
    let big = layout.plans + "/big.bin"
    #expect(FileManager.default.createFile(atPath: big, contents: nil))
    let handle = try #require(FileHandle(forWritingAtPath: big))
    try handle.truncate(atOffset: UInt64(16 * 1024 * 1024 + 1))
    try handle.close()
    #expect(
      layout.error("big.bin")
        == "plan.toml:2:1: requests[0].body_file: 'big.bin' is larger than 16 MiB (16777217 bytes)")
    let unreadable = layout.plans + "/secret.json"
    try "x".write(toFile: unreadable, atomically: true, encoding: .utf8)
    #expect(chmod(unreadable, 0) == 0)
    if getuid() != 0 {
      #expect(
        layout.error("secret.json").hasPrefix(
          "plan.toml:2:1: requests[0].body_file: 'secret.json': cannot read: "))
    }
  }

  @Test func extremeValuesGiveClearErrors() {
    let header = String(repeating: "h", count: 1024 * 1024 - 100)
    let cases: [(String, String)] = [
      ("duration = \"-1s\"", "plan.toml:1:1: duration: must not be negative, got '-1s'"),
      ("[ramp]\nvusers = 0", "plan.toml:2:1: ramp.vusers: must be an integer from 1 to 1000000, got 0"),
      ("timeout = \"0\"", "plan.toml:1:1: timeout: must be greater than 0, got '0'"),
      (
        "[[requests]]\nheaders = { X-Big = \"\(header)\" }",
        "plan.toml:2:13: requests[0].headers.X-Big: header value is longer than 8 KiB (1048476 bytes)"
      ),
      (
        "target = \"http://127.0.0.1:8080/\\r\\nX-Injected: 1\"",
        "plan.toml:1:1: target: must not contain CR, LF or NUL characters (request smuggling)"
      ),
      (
        "[ramp]\nvusers = 1000000000000000000",
        "plan.toml:2:1: ramp.vusers: must be an integer from 1 to 1000000, got 1000000000000000000"
      ),
      ("[ramp]\nvusers = 1e18", "plan.toml:2:1: ramp.vusers: expected an integer, got a float"),
    ]
    for (text, expected) in cases {
      #expect(Plans.tomlError(text + "\n") == expected)
    }
    #expect(Plans.tomlError("[ramp]\nvusers = 100000000000000000000\n").hasPrefix("plan.toml:2:"))
  }

  @Test func oversizedTextIsRefusedBeforeParsing() {
    let text = String(repeating: "#", count: 1024 * 1024 + 1)
    #expect(Plans.tomlError(text) == "plan.toml: the plan file is larger than 1 MiB (1048577 bytes)")
  }

  @Test func deepNestingIsRefusedQuickly() {
    let depth = 200_000
    // CPU time (ThreadCPU): a busy machine stretches wall time, not the work.
    let start = ThreadCPU.now()
    #expect(
      Plans.tomlError("a = " + String(repeating: "[", count: depth))
        == "plan.toml:1:68: nesting deeper than 64 levels")
    #expect(
      Plans.tomlError(String(repeating: "a.", count: depth) + "b = 1")
        == "plan.toml:1:1: nesting deeper than 64 levels")
    #expect(
      Plans.tomlError("[" + String(repeating: "a.", count: depth) + "b]")
        == "plan.toml:1:1: nesting deeper than 64 levels")
    #expect(
      Plans.tomlError("a = " + String(repeating: "{b = ", count: depth))
        == "plan.toml:1:161: nesting deeper than 64 levels")
    #expect(
      Plans.yamlError("a: " + String(repeating: "[", count: depth))
        == "plan.yaml:1:66: nesting deeper than 64 levels")
    #expect(
      Plans.yamlError("a: " + String(repeating: "{b: ", count: depth))
        == "plan.yaml:1:252: nesting deeper than 64 levels")
    #expect(Plans.yamlError(String(repeating: "- ", count: depth)).hasSuffix("nesting deeper than 64 levels"))
    var block = ""
    for level in 0..<300 { block += String(repeating: " ", count: level) + "k:\n" }
    #expect(Plans.yamlError(block).hasSuffix("nesting deeper than 64 levels"))
    #expect(ThreadCPU.now() - start < .seconds(5))
  }

  /// Near the 1 MiB limit, in a debug build: a few seconds of CPU at most (release is several
  /// times faster). CPU time of this thread (ThreadCPU): beside other suites and a release build
  /// the wall clock can be several times that.
  @Test func largeFlatInputDoesNotHang() {
    let items = String(repeating: "\"a\",", count: 100_000)
    let cases = [
      ("toml", "[logs]\nfiles = [\(items)]\n"),
      ("yaml", "logs:\n  files: [\(items)]\n"),
      ("toml", (0..<20_000).map { "k\($0) = \"\($0)\"" }.joined(separator: "\n")),
      ("yaml", (0..<20_000).map { "k\($0): \($0)" }.joined(separator: "\n")),
    ]
    for (format, text) in cases {
      let start = ThreadCPU.now()
      let outcome = format == "toml" ? Plans.tomlError(text) : Plans.yamlError(text)
      let elapsed = ThreadCPU.now() - start
      print("large \(format) plan (\(text.utf8.count) bytes): \(elapsed)")
      #expect(outcome != "", "\(outcome)")
      #expect(elapsed < .seconds(10), "\(format): \(elapsed)")
    }
  }

  /// The YAML pre-scan is an estimate; when text fools it (here a plain scalar continued on a line
  /// that starts with a quote), libyaml's limit of 1000 levels and the tree conversion still stop it.
  @Test func nestingHiddenFromThePrescanIsStillRefused() {
    for depth in [990, 1100] {
      let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
      let text = Plans.yamlError("a: [x\n'y, \(deep)]\n")
      #expect(text.hasPrefix("plan.yaml:2:"), "\(text)")
      #expect(text.contains("nesting") || text.contains("invalid YAML"), "\(text)")
    }
  }
}
