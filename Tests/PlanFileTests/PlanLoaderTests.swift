import Foundation
import PlanFile
import Testing

@Suite(.timeLimit(.minutes(5))) struct PlanLoaderTests {
  let environment = ["TOKEN": "abc123"]

  @Test func fullTOMLPlanLoadsEveryKey() throws {
    let plan = try PlanLoader.load(path: Plans.fixtures + "/full.toml", environment: environment)
    #expect(plan.format == .toml)
    #expect(plan.name == "checkout")
    #expect(plan.target == "http://127.0.0.1:8080")
    #expect(plan.think == 0.1)
    #expect(plan.timeout == 5)
    #expect(plan.connectTimeout == 2)
    #expect(plan.grace == 5)
    #expect(plan.duration == 120)
    #expect(plan.insecure == false)
    #expect(plan.theme == "nord")
    #expect(plan.maxRedirects == 10)
    #expect(plan.ramp == PlanRamp(vusers: 100, processes: 2, threads: 50, start: 10, step: 10, every: 5))
    #expect(plan.stages.isEmpty)
    #expect(plan.requests.count == 3)
    let home = plan.requests[0]
    #expect(home.name == "home")
    #expect(home.method == "GET")
    #expect(home.path == "/")
    #expect(home.weight == 3)
    #expect(
      home.headers == [
        PlanHeader(name: "Authorization", value: "Bearer abc123"),
        PlanHeader(name: "Content-Type", value: "application/json"),
        PlanHeader(name: "Accept", value: "*/*"),
      ])
    #expect(home.body == nil)
    #expect(plan.requests[1].body == Array(#"{"a":1}"#.utf8))
    #expect(plan.requests[1].weight == 1)
    #expect(plan.requests[2].body == Array("{\"upload\": [1, 2, 3]}\n".utf8))
    #expect(plan.requests[2].bodyFile == "req.json")
    #expect(
      plan.requests[2].headers == [
        PlanHeader(name: "X-Trace", value: "${env:NOT_EXPANDED}"),
        PlanHeader(name: "Accept", value: "application/json"),
      ])
    #expect(plan.thresholds.map(\.text) == ["p95<300ms", "errors<1%", "tps>500"])
    #expect(
      plan.thresholds.map(\.key) == ["thresholds.checks[0]", "thresholds.checks[1]", "thresholds.checks[2]"])
    #expect(plan.abortOnFail == true)
    #expect(plan.abortDelay == 10)
    #expect(plan.logFiles == ["/var/log/nginx/error.log"])
    #expect(plan.logCommands == ["ssh web1 tail -F /var/log/app.log"])
    #expect(plan.logRoots == ["/var/log"])
    #expect(
      plan.logPatterns == [
        PlanLogPattern(name: "broken_pipe", regex: "BrokenPipeError", key: "logs.patterns.broken_pipe"),
        PlanLogPattern(name: "timeout", regex: #"Timeout\w+"#, key: "logs.patterns.timeout"),
      ])
    #expect(plan.secrets.names == ["TOKEN"])
  }

  @Test func sameplanInTOMLAndYAMLIsEqual() throws {
    let toml = try PlanLoader.load(path: Plans.fixtures + "/full.toml", environment: environment)
    let yaml = try PlanLoader.load(path: Plans.fixtures + "/full.yaml", environment: environment)
    #expect(yaml.format == .yaml)
    #expect(toml == yaml)
    #expect(toml.path != yaml.path)
  }

  @Test func locationsPointAtKeysInBothFormats() throws {
    let toml = try PlanLoader.load(path: Plans.fixtures + "/full.toml", environment: environment)
    let file = Plans.fixtures + "/full.toml"
    #expect(toml.location(of: "name") == PlanLocation(file: file, line: 2, column: 1))
    #expect(toml.location(of: "ramp") == PlanLocation(file: file, line: 13, column: 1))
    #expect(toml.location(of: "ramp.step") == PlanLocation(file: file, line: 17, column: 1))
    #expect(toml.location(of: "requests[1]") == PlanLocation(file: file, line: 27, column: 1))
    #expect(toml.location(of: "requests[0].headers.Authorization")?.description == "\(file):25:13")
    #expect(toml.location(of: "requests[0].headers.Content-Type")?.description == "\(file):25:52")
    #expect(toml.location(of: "requests[2].headers.X-Trace")?.description == "\(file):40:1")
    #expect(toml.location(of: "thresholds.checks[1]")?.description == "\(file):44:24")
    // A key the file does not set: the nearest enclosing one.
    #expect(toml.location(of: "requests[1].weight")?.description == "\(file):27:1")
    #expect(toml.location(of: "nothing") == nil)

    let yaml = try PlanLoader.load(path: Plans.fixtures + "/full.yaml", environment: environment)
    let yfile = Plans.fixtures + "/full.yaml"
    #expect(yaml.location(of: "ramp.step")?.description == "\(yfile):17:3")
    #expect(yaml.location(of: "requests[1]")?.description == "\(yfile):29:5")
    #expect(yaml.location(of: "requests[0].headers.Content-Type")?.description == "\(yfile):27:7")
    #expect(yaml.location(of: "thresholds.checks[1]")?.description == "\(yfile):42:25")
  }

  @Test func callerErrorsPointAtTheKey() throws {
    let plan = try Plans.toml(
      """
      [thresholds]
      checks = ["p95<300ms",
        "bogus"]
      """)
    let error = plan.error(at: plan.thresholds[1].key, "not a threshold: 'bogus'")
    #expect(error.description == "plan.toml:3:3: thresholds.checks[1]: not a threshold: 'bogus'")
  }

  @Test func emptyPlansLoadWithEverythingAbsent() throws {
    let empty = try Plans.toml("")
    #expect(empty == PlanDocument(path: "x.toml", format: .toml))
    #expect(empty.requests.isEmpty && empty.ramp == nil && empty.target == nil)
    #expect(try Plans.yaml("") == empty)
    #expect(try Plans.yaml("# only a comment\n") == empty)
  }

  @Test func requestDefaults() throws {
    let plan = try Plans.toml("[[requests]]\nname = \"only\"\n")
    #expect(plan.requests.count == 1)
    #expect(plan.requests[0].method == "GET")
    #expect(plan.requests[0].path == nil)
    #expect(plan.requests[0].weight == 1)
    #expect(plan.requests[0].headers.isEmpty)
  }

  @Test func stagesInBothFormats() throws {
    let toml = try Plans.toml(
      """
      [[stages]]
      duration = "30s"
      target = 100
      [[stages]]
      duration = "1m"
      target = 0
      """)
    #expect(toml.stages == [PlanStage(duration: 30, target: 100), PlanStage(duration: 60, target: 0)])
    let yaml = try Plans.yaml(
      """
      stages:
        - {duration: 30s, target: 100}
        - duration: 1m
          target: 0
      """)
    #expect(yaml == toml)
  }

  @Test func durationsAcceptNumbersOfSeconds() throws {
    let plan = try Plans.toml("think = 0.25\ngrace = 3\n")
    #expect(plan.think == 0.25)
    #expect(plan.grace == 3)
  }

  @Test func fileTypeComesFromTheExtension() throws {
    #expect(PlanFormat(path: "a/b.toml") == .toml)
    #expect(PlanFormat(path: "b.YAML") == .yaml)
    #expect(PlanFormat(path: "b.yml") == .yaml)
    #expect(PlanFormat(path: "b.json") == nil)
    #expect(throws: PlanError.self) {
      try PlanLoader.load(path: Plans.fixtures + "/req.json", environment: [:])
    }
    do {
      _ = try PlanLoader.load(path: "plan.json", environment: [:])
      Issue.record("loaded")
    } catch {
      #expect(error.description == "plan.json: unsupported plan file type: use .toml, .yaml or .yml")
    }
  }

  @Test func missingAndOversizedPlanFiles() throws {
    let dir = try Plans.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    do {
      _ = try PlanLoader.load(path: dir + "/none.toml", environment: [:])
      Issue.record("loaded")
    } catch {
      #expect(error.description == "\(dir)/none.toml: no such plan file")
    }
    let big = dir + "/big.toml"
    let line = "# " + String(repeating: "x", count: 1021) + "\n"
    try String(repeating: line, count: 1025).write(toFile: big, atomically: true, encoding: .utf8)
    do {
      _ = try PlanLoader.load(path: big, environment: [:])
      Issue.record("loaded")
    } catch {
      #expect(error.description == "\(big): the plan file is larger than 1 MiB (1049600 bytes)")
    }
    try FileManager.default.createDirectory(atPath: dir + "/d.toml", withIntermediateDirectories: false)
    #expect(throws: PlanError(file: dir + "/d.toml", message: "not a regular file")) {
      try PlanLoader.load(path: dir + "/d.toml", environment: [:])
    }
    let bad = dir + "/bad.yaml"
    try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: bad))
    #expect(throws: PlanError(file: bad, line: 1, column: 7, message: "not valid UTF-8")) {
      try PlanLoader.load(path: bad, environment: [:])
    }
  }

  @Test func syntaxErrorsHaveAPosition() {
    #expect(Plans.tomlError("name = \"a\"\nramp = [1,\n").hasPrefix("plan.toml:2:12: invalid TOML: "))
    #expect(
      Plans.tomlError("[\u{D5}x]\n") == "plan.toml:1:2: invalid TOML: expected a key in the table header")
    #expect(
      Plans.tomlError("[[ \u{1}x]]\n") == "plan.toml:1:4: invalid TOML: expected a key in the table header")
    // Input that trips toml++'s assertions (an abort in a debug build) is refused before it.
    #expect(Plans.tomlError("a = [[[}]]]\n") == "plan.toml:1:8: invalid TOML: expected a value")
    #expect(Plans.tomlError("a = [1,\u{2028}2]\n") == "plan.toml:1:8: invalid TOML: expected a value")
    #expect(Plans.tomlError("a = [\n  # c\n  \u{85}]\n") == "plan.toml:3:3: invalid TOML: expected a value")
    #expect(Plans.tomlError("name = \"a\"\nname = \"b\"\n").hasPrefix("plan.toml:2:"))
    #expect(Plans.yamlError("name: a\n  bad: [\n").hasPrefix("plan.yaml:"))
    #expect(Plans.yamlError("name: a\nname: b\n") == "plan.yaml:1:1: duplicate key 'name'")
    #expect(Plans.yamlError("- a\n- b\n") == "plan.yaml:1:1: the plan must be a table of keys, got an array")
    #expect(Plans.yamlError("a: *x\n") == "plan.yaml:1:4: YAML aliases (*name) are not supported")
    #expect(
      Plans.tomlError("name = \"a\\u0000b\"\n") == "plan.toml:1:10: NUL characters (\\u0000) are not allowed")
    #expect(Plans.yamlError("name: a\0b\n") == "plan.yaml:1:8: NUL characters are not allowed")
  }

  @Test func yamlScalarsFollowTheCoreSchema() {
    #expect(
      Plans.yamlError("insecure: yes\n")
        == "plan.yaml:1:1: insecure: expected a boolean (true or false), got a string")
    #expect(
      Plans.yamlError("max_redirects: '5'\n")
        == "plan.yaml:1:1: max_redirects: expected an integer, got a string")
    #expect(Plans.yamlError("name: 5\n") == "plan.yaml:1:1: name: expected a string, got an integer")
    #expect(Plans.yamlError("name:\n") == "plan.yaml:1:1: name: expected a string, got an empty value")
    #expect(Plans.yamlError("name: !!str 5\n") == "loaded")
    #expect(
      Plans.yamlError("max_redirects: !!int 5\n")
        == "plan.yaml:1:16: YAML tags other than !!str are not supported")
  }
}
