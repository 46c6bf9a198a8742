import Foundation
import PlanFile
import SeededRandom
import TestKit
import Testing

/// SEC-03: grammar-aware fuzzing. Valid plans are mutated line by line and token by token
/// (deleted, duplicated and swapped lines, values of the wrong type, random bytes, unicode, NUL
/// and CR, truncation, deep nesting, huge numbers, unknown keys, unbalanced quotes and brackets,
/// environment references); every file must load or fail with a one-line `PlanError`, within
/// a second, and no message may hold the secret. The seed is printed; set PLAN_FUZZ_SEED to
/// replay a run, and PLAN_FUZZ_TRACE=PATH to keep the file being parsed at PATH.toml/PATH.yaml.
@Suite(.timeLimit(.minutes(5))) struct PlanFuzzTests {
  static let filesPerFormat = 5_000
  static let canary = "s3cr3t-canary"

  static var seed: UInt64 {
    if let text = ProcessInfo.processInfo.environment["PLAN_FUZZ_SEED"], let value = UInt64(text) {
      return value
    }
    return 0x5EED_2026_0C7A_11E5
  }

  @Test func fuzzTOML() throws {
    let seeds = [
      try String(contentsOfFile: Plans.fixtures + "/full.toml", encoding: .utf8),
      try String(contentsOfFile: Plans.fixtures + "/open.toml", encoding: .utf8),
      """
      name = "stages"
      target = "http://127.0.0.1:8080/base"
      [[stages]]
      duration = "30s"
      target = 100
      [[stages]]
      duration = "1m30s"
      target = 0
      [[requests]]
      path = "/x"
      headers = { "X-A" = "${env:TOKEN}" }
      [logs]
      patterns = { a = "b+" }
      """,
    ]
    try run(format: .toml, seeds: seeds, seed: Self.seed)
  }

  @Test func fuzzYAML() throws {
    let seeds = [
      try String(contentsOfFile: Plans.fixtures + "/full.yaml", encoding: .utf8),
      try String(contentsOfFile: Plans.fixtures + "/open.yaml", encoding: .utf8),
      """
      name: stages
      target: http://127.0.0.1:8080/base
      stages:
        - {duration: 30s, target: 100}
        - duration: 1m30s
          target: 0
      requests:
        - path: /x
          headers: {X-A: "${env:TOKEN}"}
          body: |
            {"multi": "line",
             "body": [1, 2]}
      logs:
        patterns: {a: "b+"}
      """,
    ]
    try run(format: .yaml, seeds: seeds, seed: Self.seed ^ 0xFFFF)
  }

  private func run(format: PlanFormat, seeds: [String], seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let mutator = Mutator(format: format)
    let environment = ["TOKEN": Self.canary, "HOST": "127.0.0.1"]
    var loaded = 0
    var failed = 0
    var slowest = Duration.zero
    var total = Duration.zero
    // CPU time of this thread: a hang or a blow-up shows there; wall time would also count a busy
    // machine keeping the thread waiting.
    for index in 0..<Self.filesPerFormat {
      var text = seeds[rng.below(seeds.count)]
      for _ in 0..<(1 + rng.below(4)) { text = mutator.mutate(text, &rng) }
      if let trace = ProcessInfo.processInfo.environment["PLAN_FUZZ_TRACE"] {
        // For a crash: the file being parsed is left at this path.
        try text.write(toFile: "\(trace).\(format.rawValue)", atomically: false, encoding: .utf8)
      }
      let start = ThreadCPU.now()
      let outcome: String?
      do {
        _ = try PlanLoader.parse(
          text: text, path: "fuzz.\(format.rawValue)", format: format, environment: environment,
          baseDirectory: Plans.fixtures)
        outcome = nil
      } catch {
        outcome = error.description
      }
      let elapsed = ThreadCPU.now() - start
      slowest = max(slowest, elapsed)
      total += elapsed
      #expect(elapsed < .seconds(1), "file \(index) took \(elapsed) (seed \(seed))")
      if let outcome {
        failed += 1
        #expect(
          !outcome.isEmpty && !outcome.contains("\n") && !outcome.contains("\r"), "file \(index): \(outcome)")
        #expect(outcome.hasPrefix("fuzz.\(format.rawValue)"), "file \(index): \(outcome)")
        #expect(!outcome.contains(Self.canary), "file \(index): \(outcome)")
      } else {
        loaded += 1
      }
    }
    print(
      "plan fuzz \(format.rawValue): seed \(seed), \(Self.filesPerFormat) files, \(loaded) loaded, \(failed) refused, "
        + "slowest parse \(slowest), all parses \(total)")
    #expect(loaded + failed == Self.filesPerFormat)
    // The mutations keep a fair share of files valid, so validation is exercised past parsing.
    #expect(loaded > Self.filesPerFormat / 20)
  }
}

/// Mutations that know a little TOML and YAML: where keys, values and nesting go.
struct Mutator {
  let format: PlanFormat

  private var values: [String] {
    let common = [
      "\"str\"", "42", "-1", "0", "1e18", "true", "\"\"", "1000000000000000000", "99999999999999999999999",
      "\"-1s\"", "\"0\"", "\"5s\"", "\"${env:TOKEN}\"", "\"${env:UNSET}\"", "\"${env:\"", "\"$${env:X}\"",
      "\"/path\"", "\"a\\r\\nb\"", "\"\\u0000\"", "\"GE T\"", "[1, 2]", "[]", "nan", "inf", "-0.0",
    ]
    switch format {
    case .toml: return common + ["{ a = 1 }", "1979-05-27", "'lit'", "\"\"\"multi\nline\"\"\"", "{}"]
    case .yaml:
      return common + [
        "{a: 1}", "yes", "~", "|\n  block", "&x 1", "*x", "!!int 5", "'sq''uote'", "? k", "- a",
      ]
    }
  }

  private var keys: [String] {
    [
      "name", "target", "think", "timeout", "ramp", "vusers", "stpe", "step", "requests", "headers", "weight",
      "body", "body_file", "method", "path", "stages", "bogus", "thresholds", "checks", "logs", "patterns",
      "\"quoted key\"", "max_redirects", "insecure",
    ]
  }

  private let noise: [String] = [
    "\0", "\r", "\r\n", "\t", "\u{1B}[31m", "\u{FEFF}", "\u{2028}", "é", "🔥", "e\u{301}", "\u{7F}", "\"", "'",
    "[", "]", "{", "}", "[[", "]]", "\"\"\"", "'''", "=", ":", ",", "#", "\\", "\\u", "$", "${env:", "&", "*",
    "!",
    "|", ">", "- ", "? ", "---", "...", "%YAML 1.2", "\n", "  ", "\u{0}\u{0}", "\u{10FFFF}",
  ]

  func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
    var lines = text.components(separatedBy: "\n")
    let pick = { (rng: inout SplitMix64, count: Int) in count == 0 ? 0 : rng.below(count) }
    switch rng.below(14) {
    case 0:  // delete a line
      if !lines.isEmpty { lines.remove(at: pick(&rng, lines.count)) }
    case 1:  // duplicate a line
      if !lines.isEmpty {
        let i = pick(&rng, lines.count)
        lines.insert(lines[i], at: i)
      }
    case 2:  // swap two lines
      if lines.count > 1 { lines.swapAt(pick(&rng, lines.count), pick(&rng, lines.count)) }
    case 3, 4:  // a value of another type
      let i = pick(&rng, lines.count)
      let separator: Character = format == .toml ? "=" : ":"
      if let cut = lines[i].firstIndex(of: separator) {
        lines[i] = String(lines[i][...cut]) + " " + values[rng.below(values.count)]
      }
    case 5:  // random unicode, NUL, CR and syntax characters
      return insert(noise[rng.below(noise.count)], into: text, &rng)
    case 6:  // random bytes, as the loader would see them after UTF-8 decoding
      let bytes = rng.bytes(1 + rng.below(8))
      return insert(String(decoding: bytes, as: UTF8.self), into: text, &rng)
    case 7:  // truncate
      let scalars = Array(text.unicodeScalars)
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars.prefix(pick(&rng, scalars.count + 1)))
      return String(view)
    case 8:  // deep nesting
      let depth = [10, 70, 500, 3000][rng.below(4)]
      let opener: String
      switch (format, rng.below(4)) {
      case (.toml, 0): opener = "["
      case (.toml, 1): opener = "{a="
      case (.toml, 2): opener = "a."
      case (.yaml, 0): opener = "["
      case (.yaml, 1): opener = "{a: "
      case (.yaml, 2): opener = "- "
      default: opener = format == .toml ? "[[" : "\n" + String(repeating: " ", count: rng.below(3)) + "k: "
      }
      var nest = String(repeating: opener, count: depth)
      if rng.below(2) == 0 {
        nest += String(repeating: opener == "{a=" || opener == "{a: " ? "}" : "]", count: depth)
      }
      let i = pick(&rng, lines.count)
      lines.insert((format == .toml && opener != "a." ? "deep = " : "deep: ") + nest, at: i)
    case 9:  // huge numbers
      let huge = [
        "99999999999999999999999999999", "-9223372036854775809", "9223372036854775807", "1e400",
        "0x7FFFFFFFFFFFFFFFFF",
      ]
      let i = pick(&rng, lines.count)
      if let digit = lines[i].firstIndex(where: \.isNumber) {
        lines[i].replaceSubrange(digit...digit, with: huge[rng.below(huge.count)])
      }
    case 10:  // unknown or misspelt keys
      let key = keys[rng.below(keys.count)]
      let line =
        format == .toml
        ? "\(key) = \(values[rng.below(values.count)])" : "\(key): \(values[rng.below(values.count)])"
      lines.insert(line, at: pick(&rng, lines.count + 1))
    case 11:  // unbalanced quotes and brackets
      let marks = ["\"", "'", "[", "]", "{", "}", "\"\"\"", "'''", "[[", "}}"]
      return insert(marks[rng.below(marks.count)], into: text, &rng)
    case 12:  // indentation changes (YAML) / table headers (TOML)
      let i = pick(&rng, lines.count)
      if format == .yaml {
        lines[i] = String(repeating: " ", count: rng.below(9)) + lines[i].drop { $0 == " " }
      } else {
        let headers = [
          "[ramp]", "[[stages]]", "[[requests]]", "[thresholds]", "[logs]", "[requests.headers]", "[a.b.c]",
        ]
        lines.insert(headers[rng.below(headers.count)], at: i)
      }
    default:  // a long line
      let i = pick(&rng, lines.count)
      lines[i] += String(repeating: ["a", "\\", "\"", " ", "é"][rng.below(5)], count: 1 + rng.below(4_000))
    }
    return lines.joined(separator: "\n")
  }

  private func insert(_ piece: String, into text: String, _ rng: inout SplitMix64) -> String {
    var scalars = Array(text.unicodeScalars)
    scalars.insert(contentsOf: piece.unicodeScalars, at: rng.below(scalars.count + 1))
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}
