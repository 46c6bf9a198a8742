import LogValues
import Testing

@testable import LogTail

@Suite(.timeLimit(.minutes(5))) struct ClassifierTests {
  private let classifier = LogClassifier()

  private func classify(_ text: String, with classifier: LogClassifier? = nil) -> Classified {
    let result = (classifier ?? self.classifier).classify(RawLine(text))
    return Classified(level: result.level, errorClass: result.errorClass)
  }

  struct Classified: Equatable, CustomStringConvertible {
    var level: LogLevel?
    var errorClass: String?
    var description: String { "(\(level.map { "\($0)" } ?? "nil"), \(errorClass ?? "nil"))" }
  }

  private func expectClass(
    _ text: String, _ level: LogLevel?, _ errorClass: String?,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      classify(text) == Classified(level: level, errorClass: errorClass), "\(text)",
      sourceLocation: sourceLocation)
  }

  @Test func workerTimeouts() {
    expectClass(
      "[2024-01-01 12:00:00 +0000] [7] [CRITICAL] WORKER TIMEOUT (pid:123)", .critical, "worker_timeout")
    expectClass(
      "[2024-01-01 12:00:00 +0000] [7] [ERROR] Worker timeout after 30s (pid:9)", .critical, "worker_timeout")
    expectClass("[2024-01-01 12:00:00 +0000] [7] [INFO] Booting worker with pid: 123", .info, nil)
    expectClass("[2024-01-01 12:00:00 +0000] [7] [INFO] worker timed out? no", .info, nil)
  }

  @Test func nginxErrorLog() {
    let prefix = "2024/01/01 12:00:00 [error] 123#0: *1 "
    expectClass(
      prefix + "upstream timed out (110: Connection timed out) while reading response header from upstream, "
        + #"client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/""#,
      .error, "upstream_timed_out")
    expectClass(
      prefix + "connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1",
      .error, "connect_failed")
    expectClass(
      prefix + "no live upstreams while connecting to upstream, client: 127.0.0.1", .error,
      "no_live_upstreams")
    // Measured against the shared FastAPI target when one of its backends was killed mid-run.
    expectClass(
      "2026/11/27 10:06:17 [error] 22815#22815: *4833 recv() failed (104: Connection reset by peer) while "
        + "reading response header from upstream, client: 127.0.0.1, server: , request: \"GET /work HTTP/1.1\"",
      .error, "upstream_reset")
    expectClass(
      prefix + "upstream prematurely closed connection while reading response header from upstream", .error,
      "upstream_closed")
    expectClass(
      prefix + "recv() failed (104: Connection reset by peer) while sending to client, client: 127.0.0.1",
      .error, "error")
    expectClass(
      "2024/01/01 12:00:00 [alert] 123#0: 768 worker_connections are not enough", .critical,
      "worker_connections")
    expectClass(
      "2024/01/01 12:00:00 [warn] 123#0: 1024 worker_connections are not enough, reusing connections",
      .warning, "worker_connections")
    expectClass(
      prefix + "open() \"/srv/www/favicon.ico\" failed (2: No such file or directory)", .error, "error")
    expectClass("2024/01/01 12:00:00 [crit] 123#0: *1 SSL_do_handshake() failed", .critical, "critical")
    expectClass(
      "2024/01/01 12:00:00 [emerg] 123#0: bind() to 0.0.0.0:80 failed (98: in use)", .critical, "critical")
    expectClass(
      "2024/01/01 12:00:00 [warn] 123#0: *1 an upstream response is buffered to a temporary file", .warning,
      nil)
    expectClass("2024/01/01 12:00:00 [notice] 123#0: signal process started", .info, nil)
    // Through syslog or a container runtime the header comes after a prefix.
    expectClass(
      "Nov 27 09:00:00 web1 nginx: 2024/01/01 12:00:00 [error] 123#0: *9 upstream timed out (110: x)",
      .error, "upstream_timed_out")
    // The phrases count only in nginx's own lines.
    expectClass("INFO:     retrying after upstream timed out earlier", .info, nil)
  }

  @Test func accessLogsCountFiveHundreds() {
    expectClass(
      #"127.0.0.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.5.0""#, .error,
      "access_5xx")
    expectClass(#"INFO:     127.0.0.1:5555 - "GET / HTTP/1.1" 503 Service Unavailable"#, .error, "access_5xx")
    expectClass(
      "2026-11-27 09:00:00,123 WARNING  uvicorn.access: "
        + #"127.0.0.1:5555 - "GET / HTTP/1.1" 503 Service Unavailable 0.1ms"#,
      .error, "access_5xx")
    expectClass(#"127.0.0.1 - - [27/Nov/2026 09:32:35] "GET /big.bin HTTP/1.1" 500 -"#, .error, "access_5xx")
    expectClass(
      #"10.0.0.1 - - [27/Nov/2026:09:00:00 +0000] "POST /api HTTP/2.0" 504 0 "-" "k6""#, .error, "access_5xx")
    expectClass(#"127.0.0.1 - - [27/Nov/2026 09:32:35] "GET /x HTTP/1.1" 500"#, .error, "access_5xx")

    // 2xx-4xx count nothing, whatever the logger's level or the path says.
    expectClass(
      #"127.0.0.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0""#, nil, nil)
    expectClass(#"INFO:     127.0.0.1:5555 - "GET / HTTP/1.1" 200 OK"#, .info, nil)
    expectClass(#"INFO:     127.0.0.1:5555 - "GET /missing HTTP/1.1" 404 Not Found"#, .info, nil)
    expectClass(
      "2026-11-27 09:00:00,123 WARNING  django.request: "
        + #"127.0.0.1 - "GET /x HTTP/1.1" 429 Too Many Requests"#,
      .warning, nil)
    expectClass(
      #"127.0.0.1 - - [27/Nov/2026:09:00:00 +0000] "GET /ERROR?e=Exception HTTP/1.1" 200 5 "-" "-""#, nil, nil
    )
    expectClass(
      #"127.0.0.1 - - [27/Nov/2026:09:00:00 +0000] "GET /HTTP/1.1 HTTP/1.1" 503 5 "-" "-""#, .error,
      "access_5xx")
    // A status-like number elsewhere is not a status.
    expectClass(#"INFO:     sent "HTTP/1.1" 5000 bytes"#, .info, nil)
  }

  @Test func pythonLoggingRecords() {
    expectClass("ERROR:    Exception in ASGI application", .error, "error")
    expectClass(
      "2026-11-27 09:00:00,123 ERROR    uvicorn.error: Exception in ASGI application", .error, "error")
    expectClass("[2024-01-01 12:00:00 +0000] [7] [ERROR] Error handling request /api", .error, "error")
    expectClass("2026-11-27 09:00:00,123 CRITICAL app: database is gone", .critical, "critical")
    expectClass("CRITICAL:root:out of file descriptors", .critical, "critical")
    expectClass("ERROR:root:boom", .error, "error")
    expectClass("2026-11-27 09:00:00,123 WARNING  app.backend: backend-1 queue 9/10 (90%)", .warning, nil)
    expectClass("WARNING:  Invalid HTTP request received.", .warning, nil)
    expectClass("INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", .info, nil)
    expectClass("2026-11-27 09:00:00,123 DEBUG    asyncio: Using selector: EpollSelector", .debug, nil)
    // A stated level below error wins over alarming words in the message.
    expectClass(
      "2026-11-27 09:00:00,123 INFO     app: retried after ERROR, Exception and panic: all fine", .info, nil)
    expectClass("[2024-01-01 12:00:00 +0000] [7] [WARNING] FATAL-looking message", .warning, nil)
  }

  @Test func otherFormatsStateLevelsToo() {
    expectClass("time=2026-11-27T09:00:00Z level=ERROR msg=\"db down\"", .error, "error")
    expectClass("time=\"2026-11-27T09:00:00Z\" level=error msg=\"db down\"", .error, "error")
    expectClass(#"{"level":"warn","ts":1732698000.1,"msg":"slow"}"#, .warning, nil)
    expectClass(#"{"level":"error","msg":"failed"}"#, .error, "error")
    expectClass(
      "[Wed Nov 27 09:00:00.123456 2026] [proxy:error] [pid 12] AH00957: connect failed", .error, "error")
    expectClass("[Wed Nov 27 09:00:00.123456 2026] [mpm_event:notice] [pid 1] AH00489: resuming", .info, nil)
    expectClass("2026-11-27 09:00:00.000 UTC [42] FATAL:  password authentication failed", .critical, "fatal")
    expectClass("2026-11-27 09:00:00.000 UTC [42] PANIC:  could not write to file", .critical, "panic")
  }

  @Test func genericErrors() {
    expectClass("FATAL: could not open config", .critical, "fatal")
    expectClass("panic: runtime error: index out of range [5] with length 3", .critical, "panic")
    expectClass("2026/11/27 09:00:00 panic: boom", .critical, "panic")
    expectClass("ValueError: bad", .error, "ValueError")
    expectClass("BrokenPipeError: [Errno 32] Broken pipe", .error, "BrokenPipeError")
    expectClass("asyncio.exceptions.TimeoutError", .error, "TimeoutError")
    expectClass("java.lang.IllegalStateException: boom", .error, "IllegalStateException")
    expectClass("psycopg2.OperationalError: FATAL:  too many connections", .error, "OperationalError")
    expectClass("Error: connect ECONNREFUSED 127.0.0.1:5432", .error, "error")
    expectClass(#"Exception in thread "main" java.lang.OutOfMemoryError"#, .error, "exception")
    expectClass("Exception ignored in: <function Foo.__del__ at 0x7f>", .error, "exception")
    expectClass("request 42 failed with ERROR 17", .error, "error")
  }

  @Test func ordinaryLinesCountNothing() {
    for text in [
      "", "----------------------------------------", "Shutting down", "KeyboardInterrupt",
      "DeprecationWarning: use foo instead", "ERRORS=0 WARNINGS=0", "error_count=0 errors=0",
      "MY_ERROR_CODE=3",
      "panicked = false", "Exceptional throughput today", "  File \"/srv/app/main.py\", line 3, in <module>",
      "ValueError is a class name, not a line start", "Traceback (most recent call last):",
    ] {
      #expect(classify(text).errorClass == nil, "\(text)")
    }
    expectClass("Shutting down", nil, nil)
  }

  @Test func userPatternsComeFirst() throws {
    let classifier = LogClassifier(patterns: [
      try LogPattern.parse("slowq=took [0-9]{4,}ms"),
      try LogPattern.parse("upstream=upstream timed out"),
      try LogPattern.parse("teapot=\" 418 "),
    ])
    #expect(
      classify("2026-11-27 09:00:00,123 INFO     db: query took 1234ms", with: classifier)
        == Classified(level: .info, errorClass: "slowq"))
    #expect(
      classify("query took 12345ms", with: classifier) == Classified(level: .error, errorClass: "slowq"))
    #expect(
      classify("2024/01/01 12:00:00 [error] 1#0: *1 upstream timed out (110: x)", with: classifier)
        == Classified(level: .error, errorClass: "upstream"))
    #expect(
      classify(#"INFO:     127.0.0.1:5555 - "GET / HTTP/1.1" 418 I'm a teapot"#, with: classifier)
        == Classified(level: .info, errorClass: "teapot"))
    // Lines no pattern matches get the built-in rules.
    #expect(classify("query took 12ms", with: classifier) == Classified(level: nil, errorClass: nil))
    #expect(classify("ERROR:    boom", with: classifier) == Classified(level: .error, errorClass: "error"))
    // Matching sees the kept bytes, even with invalid UTF-8 among them.
    #expect(
      classifier.classify(RawLine([0xFF] + Array("took 9999ms".utf8), droppedBytes: 10)).errorClass == "slowq"
    )
  }

  @Test func patternNamesAndCase() throws {
    let pattern = try LogPattern.parse("db.slow-query_2=(?i)deadlock")
    #expect(pattern.name == "db.slow-query_2")
    #expect(
      LogClassifier(patterns: [pattern]).classify(RawLine("DEADLOCK detected")).errorClass
        == "db.slow-query_2")
    // Only the first '=' separates the name.
    #expect(try LogPattern.parse("eq=a=b").regex.pattern == "a=b")
  }

  @Test func badPatternsSayWhatIsWrongOnOneLine() {
    func message(_ text: String) -> String {
      do {
        _ = try LogPattern.parse(text)
        return "parsed"
      } catch {
        return error.description
      }
    }
    #expect(
      message("slowq=(unclosed")
        == "--log-pattern 'slowq=(unclosed': invalid regular expression (missing ')')")
    #expect(message("x=[abc") == "--log-pattern 'x=[abc': invalid regular expression (missing ']')")
    #expect(
      message("x=*a") == "--log-pattern 'x=*a': invalid regular expression (nothing to repeat before '*')")
    #expect(message("x=a)") == "--log-pattern 'x=a)': invalid regular expression (unmatched ')')")
    #expect(message("x=a{2,1}") == "--log-pattern 'x=a{2,1}': invalid regular expression")
    #expect(message("x=(?i)(") == "--log-pattern 'x=(?i)(': invalid regular expression (missing ')')")
    #expect(message("justregex") == "--log-pattern 'justregex': expected NAME=REGEX")
    #expect(message("=abc") == "--log-pattern '=abc': the name before '=' is empty")
    #expect(message("x=") == "--log-pattern 'x=': the regular expression after '=' is empty")
    #expect(
      message("my name=x")
        == "--log-pattern 'my name=x': the name may only contain letters, digits, '_', '-' and '.'")
    #expect(message("all=.*") == "--log-pattern 'all=.*': the regular expression matches every line")
    #expect(
      message("it's=(")
        == #"--log-pattern 'it'\''s=(': the name may only contain letters, digits, '_', '-' and '.'"#)
    // Control characters in the argument never reach the terminal.
    let injected = message("x=\u{1B}[2J(")
    #expect(injected == "--log-pattern 'x=^[[2J(': invalid regular expression (missing ']')")
    #expect(!injected.contains("\n"))
  }
}
