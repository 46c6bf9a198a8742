import Testing

@testable import TargetWatch

/// The exposition parser on the lines that trip naive ones, the figures taken from a page, and
/// the URLs a user may type.
@Suite(.timeLimit(.minutes(1)))
struct PromParserTests {
  @Test("HELP, TYPE, labels, escapes, trailing commas, specials and timestamps parse")
  func trickyLines() throws {
    let text = """
      # HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ done
      # TYPE http_requests_total counter
      http_requests_total{method="post",code="200"} 1027 1395066363000
      http_requests_total{method="post",code="400",}    3 1395066363000
      \tmsdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
      metric_without_timestamp_and_labels 12.47
      something_weird{problem="division by zero"} +Inf -3982045
      minus_inf -Inf
      not_a_number NaN
      spaced_labels { a = "1" , b="x}y,z" } 2
      odd_escape{v="a\\tb"} 1
      # a plain comment, and an OpenMetrics end marker:
      # EOF
      {"name.with.dots", le="0.5"} 4\r

      """
    let exposition = try PromParser.parse(text)
    #expect(exposition.types["http_requests_total"] == "counter")
    #expect(
      exposition.help["http_requests_total"] == "The total number of HTTP requests.\nSecond line \\ done")
    let samples = exposition.samples
    #expect(samples.count == 10)
    #expect(
      samples[0]
        == PromSample(
          name: "http_requests_total", labels: ["method": "post", "code": "200"], value: 1027,
          timestamp: 1_395_066_363_000))
    #expect(samples[1].labels == ["method": "post", "code": "400"])
    #expect(samples[1].value == 3)
    #expect(samples[2].labels["path"] == "C:\\DIR\\FILE.TXT")
    #expect(samples[2].labels["error"] == "Cannot find file:\n\"FILE.TXT\"")
    #expect(samples[2].value == 1.458255915e9)
    #expect(samples[3].labels.isEmpty && samples[3].timestamp == nil)
    #expect(samples[4].value == .infinity && samples[4].timestamp == -3_982_045)
    #expect(samples[5].value == -.infinity)
    #expect(samples[6].value.isNaN)
    #expect(samples[7].labels == ["a": "1", "b": "x}y,z"])
    // An escape the format does not define is kept as written, as Prometheus keeps it.
    #expect(samples[8].labels["v"] == "a\\tb")
    #expect(samples[9] == PromSample(name: "name.with.dots", labels: ["le": "0.5"], value: 4, timestamp: nil))
  }

  @Test(
    "garbage is an error naming its line",
    arguments: [
      ("<html><body>Not found</body></html>", 1),
      ("up 1\nhello world", 2),
      ("up{job=\"x\" 1", 1),
      ("up{job=\"unterminated} 1", 1),
      ("up{job=\"a\",job=\"b\"} 1", 1),
      ("up 1 12.5", 1),
      ("up 1 2 3", 1),
      ("up", 1),
      ("9lives 1", 1),
      ("# TYPE up whatever", 1),
      ("up{=\"x\"} 1", 1),
    ])
  func garbageFails(text: String, line: Int) {
    #expect(throws: PromParseError.self) { try PromParser.parse(text) }
    do {
      _ = try PromParser.parse(text)
    } catch {
      #expect(error.line == line, "\(error)")
    }
  }

  @Test("a value may follow a label set's brace directly; a bare name needs a blank")
  func blanks() throws {
    #expect(try PromParser.parse("up{job=\"a\"}1").samples.first?.value == 1)
    #expect(try PromParser.parse("up \t 2 \t").samples.first?.value == 2)
    #expect(throws: PromParseError.self) { try PromParser.parse("up{job=\"a\"}") }
  }

  @Test("an empty page parses to nothing")
  func emptyPage() throws {
    #expect(try PromParser.parse("").samples.isEmpty)
    #expect(try PromParser.parse("\n\n# just comments\n").samples.isEmpty)
  }

  @Test("node_exporter's figures: busy modes summed over CPUs, memory total minus available")
  func nodeFigures() throws {
    let page = """
      node_cpu_seconds_total{cpu="0",mode="idle"} 1000
      node_cpu_seconds_total{cpu="0",mode="iowait"} 50
      node_cpu_seconds_total{cpu="0",mode="user"} 30.5
      node_cpu_seconds_total{cpu="0",mode="system"} 10
      node_cpu_seconds_total{cpu="1",mode="idle"} 990
      node_cpu_seconds_total{cpu="1",mode="user"} 20
      node_cpu_seconds_total{cpu="1",mode="softirq"} 1.5
      node_cpu_seconds_total{cpu="1",mode="steal"} 2
      node_memory_MemTotal_bytes 8e9
      node_memory_MemAvailable_bytes 6e9
      process_cpu_seconds_total 0.25
      process_resident_memory_bytes 1.2e7
      """
    let figures = try #require(PromFigures(PromParser.parse(page)))
    #expect(figures.family == .node)
    #expect(figures.cpuSeconds == 64)
    #expect(figures.rssBytes == 2e9)
  }

  @Test("an instrumented process's figures; NaN is no value; a page without either is none")
  func processFigures() throws {
    let page = "process_cpu_seconds_total 12.5\nprocess_resident_memory_bytes 5.24288e7\nother 1\n"
    let figures = try #require(PromFigures(PromParser.parse(page)))
    #expect(figures.family == .process && figures.cpuSeconds == 12.5 && figures.rssBytes == 52_428_800)
    let nan = try #require(
      PromFigures(PromParser.parse("process_cpu_seconds_total NaN\nprocess_resident_memory_bytes 7\n")))
    #expect(nan.cpuSeconds == nil && nan.rssBytes == 7)
    #expect(PromFigures(try PromParser.parse("up 1\ngo_goroutines 7\n")) == nil)
  }

  @Test("URLs: http with a host and port, the rest refused with a reason")
  func urls() throws {
    let url = try PromURL("http://127.0.0.1:9100/metrics")
    #expect(url.host == "127.0.0.1" && url.port == 9100 && url.target == "/metrics")
    #expect(url.hostAndPort == "127.0.0.1:9100")
    let bare = try PromURL("HTTP://exporter.local")
    #expect(bare.port == 80 && bare.target == "/" && bare.hostAndPort == "exporter.local:80")
    let six = try PromURL("http://[::1]:9100/metrics?collect[]=cpu#x")
    #expect(six.host == "::1" && six.hostAndPort == "[::1]:9100" && six.target == "/metrics?collect[]=cpu")
    for bad in [
      "https://127.0.0.1:9100/metrics", "ftp://host/", "127.0.0.1:9100", "http://", "http://:9100/",
      "http://host:0/", "http://host:70000/", "http://host:port/", "http://user:pw@host/",
      "http://ho st/", "http://host/a b", "http://::1:9100/", "http://[::1/", "http://[::1]x/",
      "http://[host]/",
    ] {
      #expect(throws: WatchInputError.self, "\(bad)") { try PromURL(bad) }
    }
  }
}
