import ConfigDiagnostics
import PlanFile
import Testing

/// Every rule of the schema, by the exact one-line message it gives.
@Suite(.timeLimit(.minutes(5))) struct PlanValidationTests {
  @Test func unknownKeysAreNamedWithASuggestion() {
    #expect(
      Plans.tomlError("[ramp]\nstep = 1\nstpe = 2\n")
        == "plan.toml:3:1: ramp.stpe: unknown key (did you mean 'ramp.step'?)")
    #expect(Plans.tomlError("nmae = \"x\"\n") == "plan.toml:1:1: nmae: unknown key (did you mean 'name'?)")
    #expect(Plans.tomlError("colour = \"x\"\n") == "plan.toml:1:1: colour: unknown key")
    #expect(
      Plans.tomlError("[[requests]]\nheaderz = {}\n")
        == "plan.toml:2:1: requests[0].headerz: unknown key (did you mean 'requests[0].headers'?)")
    #expect(
      Plans.yamlError("logs:\n  file: [a]\n")
        == "plan.yaml:2:3: logs.file: unknown key (did you mean 'logs.files'?)")
  }

  @Test func wrongTypesAreNamed() {
    #expect(
      Plans.tomlError("[ramp]\nstep = \"5\"\n")
        == "plan.toml:2:1: ramp.step: expected an integer, got a string")
    #expect(
      Plans.tomlError("[ramp]\nstep = 1.5\n") == "plan.toml:2:1: ramp.step: expected an integer, got a float")
    #expect(
      Plans.tomlError("insecure = \"no\"\n")
        == "plan.toml:1:1: insecure: expected a boolean (true or false), got a string")
    #expect(Plans.tomlError("ramp = 5\n") == "plan.toml:1:1: ramp: expected a table, got an integer")
    #expect(
      Plans.tomlError("requests = \"/\"\n") == "plan.toml:1:1: requests: expected an array, got a string")
    #expect(
      Plans.tomlError("think = 1979-05-27\n")
        == "plan.toml:1:1: think: expected a duration such as \"5s\", got a date")
    #expect(Plans.tomlError("name = [\"a\"]\n") == "plan.toml:1:1: name: expected a string, got an array")
    #expect(
      Plans.tomlError("[logs]\nfiles = [\"a\", 5]\n")
        == "plan.toml:2:15: logs.files[1]: expected a string, got an integer")
    #expect(
      Plans.yamlError("requests:\n  - headers: [a]\n")
        == "plan.yaml:2:5: requests[0].headers: expected a table of NAME = VALUE, got an array")
  }

  @Test func durations() {
    #expect(
      Plans.tomlError("duration = \"-1s\"\n") == "plan.toml:1:1: duration: must not be negative, got '-1s'")
    #expect(Plans.tomlError("think = -2\n") == "plan.toml:1:1: think: must not be negative, got -2")
    #expect(Plans.tomlError("timeout = \"0\"\n") == "plan.toml:1:1: timeout: must be greater than 0, got '0'")
    #expect(
      Plans.tomlError("connect_timeout = \"0s\"\n")
        == "plan.toml:1:1: connect_timeout: must be greater than 0, got '0s'")
    #expect(
      Plans.tomlError("[ramp]\nevery = 0\n") == "plan.toml:2:1: ramp.every: must be greater than 0, got 0")
    #expect(
      Plans.tomlError("[[stages]]\nduration = \"0s\"\ntarget = 1\n")
        == "plan.toml:2:1: stages[0].duration: must be greater than 0, got '0s'")
    #expect(
      Plans.tomlError("grace = \"5 minutes\"\n")
        == "plan.toml:1:1: grace: expected a duration such as 500ms, 5s or 1m30s, got '5 minutes'")
    #expect(
      Plans.tomlError("duration = \"300h\"\n")
        == "plan.toml:1:1: duration: must be at most 1000000s, got '300h'")
    #expect(
      Plans.tomlError("think = inf\n")
        == "plan.toml:1:1: think: expected a duration such as 500ms, 5s or 1m30s")
    #expect(
      Plans.tomlError("think = nan\n")
        == "plan.toml:1:1: think: expected a duration such as 500ms, 5s or 1m30s")
    #expect(Plans.tomlError("think = \"0\"\ngrace = \"0s\"\n") == "loaded")
    // As --duration 0 is refused: a run of no length is a mistake, not a plan.
    #expect(
      Plans.tomlError("think = \"0\"\nduration = 0\n")
        == "plan.toml:2:1: duration: must be greater than 0, got 0")
    #expect(
      Plans.tomlError("[thresholds]\nabort_delay = \"-5s\"\n")
        == "plan.toml:2:1: thresholds.abort_delay: must not be negative, got '-5s'")
  }

  @Test func integerRanges() {
    #expect(
      Plans.tomlError("[ramp]\nvusers = 0\n")
        == "plan.toml:2:1: ramp.vusers: must be an integer from 1 to 1000000, got 0")
    #expect(
      Plans.tomlError("[ramp]\nvusers = 1000000000000000000\n")
        == "plan.toml:2:1: ramp.vusers: must be an integer from 1 to 1000000, got 1000000000000000000")
    #expect(
      Plans.tomlError("[ramp]\nvusers = 1e18\n")
        == "plan.toml:2:1: ramp.vusers: expected an integer, got a float")
    #expect(
      Plans.yamlError("ramp:\n  vusers: 100000000000000000000000\n")
        == "plan.yaml:2:3: ramp.vusers: must be an integer from 1 to 1000000, got '100000000000000000000000'")
    #expect(
      Plans.yamlError("ramp:\n  vusers: 1e18\n")
        == "plan.yaml:2:3: ramp.vusers: expected an integer, got a float")
    #expect(
      Plans.tomlError("[ramp]\nstart = -1\n")
        == "plan.toml:2:1: ramp.start: must be an integer from 0 to 1000000, got -1")
    #expect(
      Plans.tomlError("[ramp]\nstep = 0\n")
        == "plan.toml:2:1: ramp.step: must be an integer from 1 to 1000000, got 0")
    #expect(
      Plans.tomlError("[ramp]\nprocesses = 0\nthreads = 1\n")
        == "plan.toml:2:1: ramp.processes: must be an integer from 1 to 1000000, got 0")
    #expect(
      Plans.tomlError("[[stages]]\nduration = \"1s\"\ntarget = 1000001\n")
        == "plan.toml:3:1: stages[0].target: must be an integer from 0 to 1000000, got 1000001")
    #expect(
      Plans.tomlError("[[requests]]\nweight = -1\n")
        == "plan.toml:2:1: requests[0].weight: must be an integer from 1 to 1000000, got -1")
    #expect(
      Plans.tomlError("max_redirects = 101\n")
        == "plan.toml:1:1: max_redirects: must be an integer from 0 to 100, got 101")
    #expect(Plans.tomlError("max_redirects = 0\n[ramp]\nstart = 0\n") == "loaded")
  }

  @Test func rampRules() throws {
    #expect(
      Plans.tomlError("[ramp]\nprocesses = 2\nthreads = 50\nvusers = 120\n")
        == "plan.toml:4:1: ramp.vusers: must equal processes x threads (2 x 50 = 100), got 120")
    #expect(
      Plans.tomlError("[ramp]\nprocesses = 2\n")
        == "plan.toml:2:1: ramp.processes: needs ramp.threads as well (vusers = processes x threads)")
    #expect(
      Plans.tomlError("[ramp]\nprocesses = 1000\nthreads = 1001\n")
        == "plan.toml:3:1: ramp.threads: processes x threads must be at most 1000000, got 1000 x 1001 = 1001000"
    )
    #expect(
      try Plans.toml("[ramp]\nvusers = 30\nstep = 5\nevery = \"2s\"\n").ramp
        == PlanRamp(vusers: 30, step: 5, every: 2))
    #expect(
      Plans.tomlError("[ramp]\nvusers = 10\n[[stages]]\nduration = \"1s\"\ntarget = 1\n")
        == "plan.toml:3:1: stages: [ramp] and [[stages]] cannot be used together")
    #expect(
      Plans.yamlError("stages: []\nramp: {vusers: 1}\n")
        == "plan.yaml:2:1: ramp: [ramp] and [[stages]] cannot be used together")
    #expect(
      Plans.tomlError("[[stages]]\ntarget = 1\n")
        == "plan.toml:1:1: stages[0]: missing 'duration' (each stage needs duration and target)")
    #expect(
      Plans.yamlError("stages:\n  - duration: 1s\n")
        == "plan.yaml:2:5: stages[0]: missing 'target' (each stage needs duration and target)")
  }

  @Test func requestRules() {
    #expect(Plans.tomlError("requests = []\n") == "plan.toml:1:1: requests: must hold at least one request")
    #expect(
      Plans.tomlError("[[requests]]\nmethod = \"GE T\"\n")
        == "plan.toml:2:1: requests[0].method: must be an HTTP token such as GET or POST, got 'GE T'")
    #expect(
      Plans.tomlError("[[requests]]\npath = \"index.html\"\n")
        == "plan.toml:2:1: requests[0].path: must start with '/', got 'index.html'")
    #expect(
      Plans.tomlError("[[requests]]\npath = \"/a b\"\n")
        == "plan.toml:2:1: requests[0].path: must not contain spaces, got '/a b'")
    #expect(
      Plans.tomlError("[[requests]]\npath = \"/a\\r\\nHost: evil\"\n")
        == "plan.toml:2:1: requests[0].path: must not contain CR, LF or NUL characters (request smuggling)")
    #expect(
      Plans.tomlError("[[requests]]\nmethod = \"GET /x HTTP/1.1\\r\\n\"\n")
        == "plan.toml:2:1: requests[0].method: must not contain CR, LF or NUL characters (request smuggling)")
    #expect(
      Plans.tomlError("[[requests]]\nbody = \"a\"\nbody_file = \"req.json\"\n")
        == "plan.toml:3:1: requests[0].body_file: body and body_file cannot be used together (requests[0].body is set too)"
    )
    #expect(
      Plans.tomlError("[[requests]]\nbody_file = \"missing.json\"\n")
        == "plan.toml:2:1: requests[0].body_file: 'missing.json' does not exist")
    #expect(
      Plans.tomlError("[[requests]]\nbody_file = \".\"\n")
        == "plan.toml:2:1: requests[0].body_file: '.' is not a regular file")
    #expect(
      Plans.tomlError("[[requests]]\nmethod = \"PURGE\"\npath = \"/x?y=%20\"\nbody = \"\"\n") == "loaded")
  }

  @Test func headerRules() {
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { \"Bad Name\" = \"x\" }\n")
        == "plan.toml:2:13: requests[0].headers.\"Bad Name\": header name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
    )
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { \"X\\r\\nY\" = \"x\" }\n")
        == "plan.toml:2:13: requests[0].headers.\"X\\u{d}\\u{a}Y\": header name must not contain CR, LF or NUL characters (request smuggling)"
    )
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { X-A = \"1\\r\\nX-Injected: 1\" }\n")
        == "plan.toml:2:13: requests[0].headers.X-A: must not contain CR, LF or NUL characters (request smuggling)"
    )
    #expect(
      Plans.yamlError("requests:\n  - headers:\n      X-A: \"a\\nb\"\n")
        == "plan.yaml:3:7: requests[0].headers.X-A: must not contain CR, LF or NUL characters (request smuggling)"
    )
    #expect(
      Plans.yamlError("requests:\n  - headers:\n      X-A: \"a\\0b\"\n")
        == "plan.yaml:3:7: requests[0].headers.X-A: must not contain CR, LF or NUL characters (request smuggling)"
    )
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { X-A = \"a\\u0007\" }\n")
        == "plan.toml:2:13: requests[0].headers.X-A: must not contain control characters")
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { X-A = 5 }\n")
        == "plan.toml:2:13: requests[0].headers.X-A: expected a string, got an integer")
    let big = String(repeating: "v", count: 8 * 1024 + 1)
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { X-Big = \"\(big)\" }\n")
        == "plan.toml:2:13: requests[0].headers.X-Big: header value is longer than 8 KiB (8193 bytes)")
    let exact = String(repeating: "v", count: 8 * 1024)
    #expect(
      Plans.tomlError("[[requests]]\nheaders = { X-Big = \"\(exact)\", Tab = \"a\\tb\" }\n") == "loaded")
  }

  @Test func targetRules() {
    #expect(
      Plans.tomlError("target = \"http://a/\\r\\nGET /admin\"\n")
        == "plan.toml:1:1: target: must not contain CR, LF or NUL characters (request smuggling)")
    #expect(
      Plans.yamlError("target: \"http://a/\\nx\"\n")
        == "plan.yaml:1:1: target: must not contain CR, LF or NUL characters (request smuggling)")
    #expect(
      Plans.tomlError("target = \"http://a b/\"\n")
        == "plan.toml:1:1: target: must not contain spaces, got 'http://a b/'")
    #expect(Plans.tomlError("target = \"\"\n") == "plan.toml:1:1: target: must not be empty")
    #expect(
      Plans.tomlError("name = \"a\\u001b[31m\"\n")
        == "plan.toml:1:1: name: must not contain control characters")
  }

  @Test func thresholdsAndLogs() throws {
    #expect(
      Plans.tomlError("[thresholds]\nchecks = \"p95<1s\"\n")
        == "plan.toml:2:1: thresholds.checks: expected an array, got a string")
    #expect(
      Plans.tomlError("[thresholds]\nchecks = [\"\"]\n")
        == "plan.toml:2:11: thresholds.checks[0]: must not be empty")
    #expect(
      Plans.tomlError("[logs]\npatterns = { x = 1 }\n")
        == "plan.toml:2:14: logs.patterns.x: expected a string, got an integer")
    #expect(
      Plans.tomlError("[logs]\npatterns = [\"a\"]\n")
        == "plan.toml:2:1: logs.patterns: expected a table of NAME = REGEX, got an array")
    let plan = try Plans.yaml("logs:\n  patterns:\n    zeta: z+\n    alpha: a+\n")
    #expect(plan.logPatterns.map(\.name) == ["zeta", "alpha"])
    let toml = try Plans.toml("[logs.patterns]\nzeta = \"z+\"\nalpha = \"a+\"\n")
    #expect(toml.logPatterns.map(\.name) == ["zeta", "alpha"])
  }

  @Test func errorsAreOneLine() {
    let text = Plans.tomlError("[[requests]]\nmethod = \"a\\u2028b\"\n")
    #expect(!text.contains("\n") && !text.contains("\u{2028}"))
    let error = PlanError(file: "a\nb.toml", line: 1, key: "k", message: "x\r\ny")
    #expect(error.description == "a\\nb.toml:1: k: x\\r\\ny")
  }
}
