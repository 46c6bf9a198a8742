import LoadEngine
import Metrics
import Testing
import Vocabulary

@Suite(.timeLimit(.minutes(5))) struct DurationTextTests {
  @Test(arguments: [
    ("500ms", 0.5), ("5s", 5.0), ("1m30s", 90.0), ("2h", 7_200.0), ("1.5s", 1.5), ("10", 10.0),
    ("0", 0.0), ("0.25", 0.25), ("1h2m3s", 3_723.0), ("250us", 0.000_25), (" 5s ", 5.0), ("1m", 60.0),
    ("90s", 90.0), ("1.5m", 90.0),
  ])
  func parses(text: String, seconds: Double) throws {
    let parsed = try #require(DurationText.parse(text))
    #expect(abs(parsed - seconds) < 1e-12)
  }

  @Test(arguments: [
    "-1s", "", "   ", "abc", "5x", "-1", "s", "ms", "1m30", "5 s", "1..5s", "inf", "nan", "1e400s", "5S",
    "five seconds",
  ])
  func rejects(text: String) {
    #expect(DurationText.parse(text) == nil)
  }

  @Test(
    arguments: [
      (0.5, "500ms"), (0.001, "1ms"), (5, "5s"), (0, "0s"), (59, "59s"), (60, "1m"), (90, "1m30s"),
      (3_600, "1h"), (7_200, "2h"), (1.5, "1.5s"), (3_661, "61m1s"),
    ] as [(Double, String)])
  func formats(seconds: Double, text: String) throws {
    #expect(DurationText.format(seconds) == text)
    let back = try #require(DurationText.parse(text))
    #expect(abs(back - seconds) < 1e-9)
  }
}

@Suite(.timeLimit(.minutes(5))) struct LoadPlanTests {
  @Test func summaries() {
    #expect(
      LoadPlan.steps(start: 100, step: 100, every: 5, max: 1_000).summary == "ramp 100 -> 1000 step 100/5s")
    #expect(LoadPlan.steps(start: 50, step: 0, every: 1, max: 50).summary == "constant 50")
    #expect(
      LoadPlan.stages([
        .init(duration: 30, target: 100), .init(duration: 60, target: 100), .init(duration: 30, target: 0),
      ])
      .summary == "stages 30s:100 1m:100 30s:0")
  }

  @Test func peaksAndDurations() {
    #expect(LoadPlan.steps(start: 10, step: 5, every: 1, max: 80).peakVusers == 80)
    #expect(LoadPlan.steps(start: 90, step: 5, every: 1, max: 80).peakVusers == 90)
    #expect(LoadPlan.steps(start: 10, step: 5, every: 1, max: 80).naturalDuration == nil)
    let stages = LoadPlan.stages([
      .init(duration: 10, target: 5), .init(duration: 20.5, target: 40), .init(duration: 5, target: 0),
    ])
    #expect(stages.peakVusers == 40)
    #expect(stages.naturalDuration == 35.5)
    #expect(LoadPlan.stages([]).peakVusers == 0)
  }
}

@Suite(.timeLimit(.minutes(5))) struct HTTPTargetTests {
  @Test(
    arguments: [
      ("http://example.com", HTTPTarget.Scheme.http, "example.com", 80, "/"),
      ("https://example.com", .https, "example.com", 443, "/"),
      ("http://example.com/", .http, "example.com", 80, "/"),
      (
        "http://example.com:8080/api/v1/items?limit=10&q=a%20b", .http, "example.com", 8080,
        "/api/v1/items?limit=10&q=a%20b"
      ),
      ("https://example.com:8443/x?", .https, "example.com", 8443, "/x?"),
      ("http://example.com?q=1", .http, "example.com", 80, "/?q=1"),
      ("http://example.com/page#section", .http, "example.com", 80, "/page"),
      ("HTTP://Example.COM/Path", .http, "Example.COM", 80, "/Path"),
      ("http://[::1]:8080/health", .http, "::1", 8080, "/health"),
      ("https://[2001:db8::1]/", .https, "2001:db8::1", 443, "/"),
      ("http://127.0.0.1:65535/", .http, "127.0.0.1", 65_535, "/"),
      ("http://localhost:1", .http, "localhost", 1, "/"),
    ] as [(String, HTTPTarget.Scheme, String, Int, String)])
  func parses(url: String, scheme: HTTPTarget.Scheme, host: String, port: Int, path: String) throws {
    let target = try HTTPTarget(parsing: url)
    #expect(target == HTTPTarget(scheme: scheme, host: host, port: port, pathAndQuery: path))
  }

  @Test(arguments: [
    ("ftp://example.com/file", "unsupported scheme 'ftp'"),
    ("file:///etc/passwd", "unsupported scheme 'file'"),
    ("example.com:8080", "unsupported scheme"),
    ("example.com", "not a URL"),
    ("", "not a URL"),
    ("http://", "no host"),
    ("http:///path", "no host"),
    ("http://example.com:0/", "port 0 out of range"),
    ("http://example.com:70000/", "port 70000 out of range"),
    ("http://example.com/\r\nX-Injected: 1", "control character"),
    ("http://example.com/\n", "control character"),
    ("http://example.com/\0", "control character"),
    ("http://user:secret@example.com/", "credentials"),
  ])
  func rejects(url: String, message: String) {
    #expect {
      try HTTPTarget(parsing: url)
    } throws: { error in
      guard let error = error as? ConfigError else { return false }
      return error.message.contains(message) && !error.message.contains("\n")
    }
  }

  @Test func credentialsAreNotEchoedBack() {
    do {
      _ = try HTTPTarget(parsing: "http://user:secret@example.com/")
      Issue.record("accepted a URL with credentials")
    } catch {
      #expect(!error.message.contains("secret"))
    }
  }

  @Test(
    arguments: [
      (HTTPTarget.Scheme.http, "h", 80, "h"), (.http, "h", 443, "h:443"), (.https, "h", 443, "h"),
      (.https, "h", 80, "h:80"), (.http, "h", 8080, "h:8080"), (.http, "::1", 80, "[::1]"),
      (.http, "::1", 8080, "[::1]:8080"), (.https, "fe80::1", 8443, "[fe80::1]:8443"),
    ] as [(HTTPTarget.Scheme, String, Int, String)])
  func hostHeader(scheme: HTTPTarget.Scheme, host: String, port: Int, header: String) {
    let target = HTTPTarget(scheme: scheme, host: host, port: port, pathAndQuery: "/")
    #expect(target.hostHeader == header)
    #expect(target.origin == "\(scheme.rawValue)://\(header)")
  }

  @Test func descriptionIsTheURL() throws {
    #expect(
      try HTTPTarget(parsing: "http://[::1]:8080/health?x=1").description == "http://[::1]:8080/health?x=1")
    #expect(try HTTPTarget(parsing: "https://example.com:443/").description == "https://example.com/")
  }

  @Test func addressesAreRecognised() throws {
    #expect(try HTTPTarget(parsing: "http://127.0.0.1/").hostIsAddress)
    #expect(try HTTPTarget(parsing: "http://[::1]/").hostIsAddress)
    #expect(try !HTTPTarget(parsing: "https://example.com/").hostIsAddress)
    #expect(try !HTTPTarget(parsing: "http://localhost/").hostIsAddress)
  }

  @Test(
    arguments: [
      ("/next", "/next"),
      ("/next?page=2&x=%20", "/next?page=2&x=%20"),
      ("http://api.example.com:8080/x?y=1", "/x?y=1"),
      ("http://API.Example.COM:8080/x", "/x"),
      ("http://api.example.com:8080", "/"),
      ("//evil.example/x", nil),
      ("https://api.example.com:8080/x", nil),
      ("http://api.example.com/x", nil),
      ("http://api.example.com:8081/x", nil),
      ("http://other.example.com:8080/x", nil),
      ("relative/path", nil),
      ("", nil),
      ("ftp://api.example.com:8080/x", nil),
    ] as [(String, String?)])
  func sameOriginPath(location: String, path: String?) throws {
    let target = try HTTPTarget(parsing: "http://api.example.com:8080/start")
    #expect(target.sameOriginPath(forLocation: location) == path)
  }

  @Test func sameOriginWithDefaultPorts() throws {
    let http = try HTTPTarget(parsing: "http://h/")
    #expect(http.sameOriginPath(forLocation: "http://h:80/a") == "/a")
    #expect(http.sameOriginPath(forLocation: "http://h:8080/a") == nil)
    let https = try HTTPTarget(parsing: "https://[::1]/")
    #expect(https.sameOriginPath(forLocation: "https://[::1]:443/b") == "/b")
    #expect(https.sameOriginPath(forLocation: "http://[::1]/b") == nil)
  }
}

@Suite(.timeLimit(.minutes(5))) struct RequestTemplateTests {
  let target = HTTPTarget(scheme: .http, host: "api.example.com", port: 8080, pathAndQuery: "/health?full=1")
  let ua = "User-Agent: rampart/\(RampartVersion.current)\r\n"

  func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  @Test func getBytesAreExact() throws {
    let template = try RequestTemplate(headers: [("Accept", "application/json"), ("X-Trace", "a b\tc")])
    #expect(template.method == "GET")
    let expected =
      "GET /health?full=1 HTTP/1.1\r\nHost: api.example.com:8080\r\n\(ua)"
      + "Accept: application/json\r\nX-Trace: a b\tc\r\n\r\n"
    #expect(text(template.serialized(for: target)) == expected)
    #expect(template.serialized(for: target) == Array(expected.utf8))
  }

  @Test func postBytesAreExactWithContentLengthAdded() throws {
    let body = Array(#"{"name":"ünïcode"}"#.utf8)
    let template = try RequestTemplate(
      method: "post", headers: [("Content-Type", "application/json")], body: body)
    #expect(template.method == "POST")
    let head =
      "POST /items HTTP/1.1\r\nHost: api.example.com:8080\r\n\(ua)"
      + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
    #expect(template.serialized(for: target, path: "/items") == Array(head.utf8) + body)
    #expect(body.count == 20)
  }

  @Test func emptyPostSaysContentLengthZero() throws {
    let template = try RequestTemplate(method: "POST")
    let expected =
      "POST /health?full=1 HTTP/1.1\r\nHost: api.example.com:8080\r\n\(ua)Content-Length: 0\r\n\r\n"
    #expect(text(template.serialized(for: target)) == expected)
    let delete = try RequestTemplate(method: "DELETE")
    #expect(!text(delete.serialized(for: target)).contains("Content-Length"))
  }

  @Test func userHostUserAgentAndContentLengthAreKeptNotDuplicated() throws {
    let template = try RequestTemplate(
      method: "PUT", headers: [("host", "virtual.example"), ("USER-AGENT", "k6"), ("Content-Length", "3")],
      body: Array("abc".utf8))
    let expected =
      "PUT /health?full=1 HTTP/1.1\r\nhost: virtual.example\r\nUSER-AGENT: k6\r\nContent-Length: 3\r\n\r\nabc"
    #expect(text(template.serialized(for: target)) == expected)
  }

  @Test func defaultPortIsLeftOutOfHost() throws {
    let template = try RequestTemplate(method: "HEAD")
    let plain = HTTPTarget(scheme: .https, host: "example.com", port: 443, pathAndQuery: "/")
    #expect(text(template.serialized(for: plain)) == "HEAD / HTTP/1.1\r\nHost: example.com\r\n\(ua)\r\n")
    #expect(template.expectsNoBody)
    #expect(try !RequestTemplate().expectsNoBody)
  }

  @Test func redirectMethodOverrideDropsTheBodyAndItsHeaders() throws {
    let template = try RequestTemplate(
      method: "POST",
      headers: [("Content-Type", "application/json"), ("X-Keep", "1"), ("content-length", "7")],
      body: Array(#"{"a":1}"#.utf8))
    let redirected = template.serialized(for: target, path: "/next", method: "GET")
    #expect(text(redirected) == "GET /next HTTP/1.1\r\nHost: api.example.com:8080\r\n\(ua)X-Keep: 1\r\n\r\n")
  }

  @Test func redirectKeepingTheMethodKeepsTheBody() throws {
    let body = Array("k=v".utf8)
    let template = try RequestTemplate(method: "POST", headers: [("Content-Type", "text/plain")], body: body)
    let redirected = template.serialized(for: target, path: "/again", method: "POST")
    #expect(
      text(redirected)
        == "POST /again HTTP/1.1\r\nHost: api.example.com:8080\r\n\(ua)Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nk=v"
    )
  }

  @Test(arguments: ["", "GE T", "GET\r\n", "G(E)T", "GET\0", "Ü"])
  func rejectsBadMethods(method: String) {
    #expect(throws: ConfigError.self) { try RequestTemplate(method: method) }
  }

  @Test(arguments: ["", "X Bad", "X:Y", "X\r\nY", "Bad\0", "(x)", "X/Y", "Ünï"])
  func rejectsBadHeaderNames(name: String) {
    #expect(throws: ConfigError.self) { try RequestTemplate(headers: [(name, "v")]) }
  }

  @Test(arguments: ["a\rb", "a\nb", "a\0b", "\r\nX-Injected: 1", "trailing\n"])
  func rejectsControlCharactersInHeaderValues(value: String) {
    #expect {
      try RequestTemplate(headers: [("X-Ok", "fine"), ("X-Evil", value)])
    } throws: { error in
      guard let error = error as? ConfigError else { return false }
      return error.message.contains("X-Evil") && !error.message.contains("\r")
        && !error.message.contains("\n")
    }
  }

  @Test func errorMessagesStayOnOneLine() {
    do {
      _ = try RequestTemplate(headers: [("X\r\nInjected", "v")])
      Issue.record("accepted a header name with CR LF")
    } catch {
      #expect(!error.message.contains("\r") && !error.message.contains("\n"))
    }
  }

  @Test func acceptsTokenCharactersAndTabsInValues() throws {
    let t = try RequestTemplate(method: "PATCH", headers: [("X-!#$%&'*+-.^_`|~09az", "tab\there ünïcode")])
    #expect(t.headers.count == 1)
  }

  @Test func idempotentMethods() throws {
    for m in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"] {
      #expect(try RequestTemplate(method: m).isIdempotent, "\(m)")
    }
    for m in ["POST", "PATCH", "CONNECT"] {
      #expect(try !RequestTemplate(method: m).isIdempotent, "\(m)")
    }
  }

  @Test func equalityComparesHeadersInOrder() throws {
    let a = try RequestTemplate(headers: [("A", "1"), ("B", "2")])
    #expect(try a == RequestTemplate(headers: [("A", "1"), ("B", "2")]))
    #expect(try a != RequestTemplate(headers: [("B", "2"), ("A", "1")]))
    #expect(try a != RequestTemplate(method: "HEAD", headers: [("A", "1"), ("B", "2")]))
    #expect(try a != RequestTemplate(headers: [("A", "1"), ("B", "2")], body: [1]))
  }
}
