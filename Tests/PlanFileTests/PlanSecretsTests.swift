import PlanFile
import Testing

/// `${env:NAME}` substitution and SEC-02: substituted values never appear in messages, and the
/// redactor scrubs them from any text.
@Suite(.timeLimit(.minutes(5))) struct PlanSecretsTests {
  let canary = "s3cr3t-canary"

  @Test func substitutesAndEscapes() throws {
    let plan = try Plans.toml(
      """
      target = "http://${env:HOST}:${env:PORT}"
      [[requests]]
      path = "/a?x=$${env:LITERAL}&y=$HOME&z=${notenv}&w=$$"
      headers = { X-User = "${env:USER_NAME}", X-Two = "${env:USER_NAME}-${env:USER_NAME}" }
      """,
      environment: ["HOST": "127.0.0.1", "PORT": "8080", "USER_NAME": "alice"])
    #expect(plan.target == "http://127.0.0.1:8080")
    #expect(plan.requests[0].path == "/a?x=${env:LITERAL}&y=$HOME&z=${notenv}&w=$$")
    #expect(plan.requests[0].headers.map(\.value) == ["alice", "alice-alice"])
    #expect(plan.secrets.names == ["HOST", "PORT", "USER_NAME"])
    #expect(
      plan.secrets.redact("to 127.0.0.1:8080 as alice") == "to ${env:HOST}:${env:PORT} as ${env:USER_NAME}")
  }

  @Test func yamlSubstitutesToo() throws {
    let plan = try Plans.yaml(
      "name: \"run-${env:RUN}\"\nthink: ${env:THINK}\n", environment: ["RUN": "7", "THINK": "250ms"])
    #expect(plan.name == "run-7")
    #expect(plan.think == 0.25)
  }

  @Test func unsetVariableNamesTheVariableOnly() {
    #expect(
      Plans.tomlError(
        "[[requests]]\nheaders = { Authorization = \"Bearer ${env:TOKEN}\" }\n",
        environment: ["OTHER": canary])
        == "plan.toml:2:13: requests[0].headers.Authorization: environment variable 'TOKEN' is not set (used as ${env:TOKEN})"
    )
    #expect(
      Plans.yamlError("name: ${env:MISSING}\n")
        == "plan.yaml:1:1: name: environment variable 'MISSING' is not set (used as ${env:MISSING})")
  }

  @Test func malformedReferences() {
    let expected =
      "plan.toml:1:1: name: malformed environment reference: expected ${env:NAME} with NAME made of letters, digits and _"
    for bad in ["${env:", "${env:A", "${env:}", "${env:1A}", "${env:A-B}", "${env: A}", "x ${env:A b} y"] {
      #expect(Plans.tomlError("name = \"\(bad)\"\n", environment: ["A": canary]) == expected)
    }
    #expect(Plans.tomlError("name = \"${env:_A1}\"\n", environment: ["_A1": "v"]) == "loaded")
  }

  /// SEC-02: the canary reaches a header; no later error, whatever its kind, shows it.
  @Test func canaryNeverAppearsInErrors() {
    let environment = ["TOKEN": canary, "SHORT": "ab"]
    let header = "[[requests]]\nheaders = { Authorization = \"Bearer ${env:TOKEN}\" }\n"
    let later = [
      "method = \"\(canary) x\"",
      "path = \"\(canary)\"",
      "path = \"${env:TOKEN}\"",
      "method = \"${env:TOKEN}/\"",
      "body_file = \"\(canary).json\"",
      "body_file = \"${env:TOKEN}\"",
      "body_file = \"../${env:TOKEN}\"",
      "weight = \"\(canary)\"",
      "\"\(canary)\" = 1",
      "name = \"${env:TOKEN}\\u0007\"",
    ]
    for line in later {
      let text = Plans.tomlError(header + line + "\n", environment: environment)
      #expect(text != "loaded")
      #expect(!text.contains(canary), "\(text)")
      #expect(!text.contains("\n"))
    }
    let timing = Plans.tomlError("timeout = \"${env:TOKEN}\"\n" + header, environment: environment)
    #expect(timing == "plan.toml:1:1: timeout: expected a duration such as 500ms, 5s or 1m30s")
    // A value too short to redact is still never quoted back.
    let short = Plans.tomlError("[[requests]]\npath = \"${env:SHORT}\"\n", environment: environment)
    #expect(short == "plan.toml:2:1: requests[0].path: must start with '/'")
    // A secret in the document's own errors (the caller's checks) is redacted too.
    let plan = try? Plans.toml(
      header + "[thresholds]\nchecks = [\"p95<${env:TOKEN}\"]\n", environment: environment)
    let error = plan?.error(at: "thresholds.checks[0]", "bad threshold 'p95<\(canary)'")
    #expect(error?.description == "plan.toml:4:11: thresholds.checks[0]: bad threshold 'p95<${env:TOKEN}'")
  }

  @Test func redactorScrubsArbitraryText() throws {
    let plan = try Plans.toml(
      "[[requests]]\nheaders = { Authorization = \"Bearer ${env:TOKEN}\" }\n", environment: ["TOKEN": canary])
    let text = "GET / HTTP/1.1\r\nAuthorization: Bearer \(canary)\r\n\r\n{\"echo\":\"\(canary)\(canary)\"}"
    let redacted = plan.secrets.redact(text)
    #expect(!redacted.contains(canary))
    #expect(
      redacted
        == "GET / HTTP/1.1\r\nAuthorization: Bearer ${env:TOKEN}\r\n\r\n{\"echo\":\"${env:TOKEN}${env:TOKEN}\"}"
    )
    #expect(plan.secrets.redact("nothing here") == "nothing here")
  }

  @Test func redactorPrefersTheLongestValueAndSkipsShortOnes() {
    var redactor = SecretRedactor()
    redactor.add(name: "A", value: "abc")
    redactor.add(name: "B", value: "abcdef")
    redactor.add(name: "C", value: "xy")
    redactor.add(name: "D", value: "abc")
    #expect(redactor.redact("abcdef abc xy") == "${env:B} ${env:A} xy")
    #expect(redactor.names == ["A", "B", "C"])
    let unicode = SecretRedactor([.init(name: "U", value: "päss🔑")])
    #expect(unicode.redact("[päss🔑]") == "[${env:U}]")
  }
}
