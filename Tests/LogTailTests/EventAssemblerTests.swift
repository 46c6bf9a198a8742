import LogValues
import SeededRandom
import Testing

@testable import LogTail

/// Text exactly as the programs print it.
enum PythonOutput {
  static let dashes = String(repeating: "-", count: 40)

  /// CPython 3.11 `http.server` (ThreadingHTTPServer + SimpleHTTPRequestHandler) when the client
  /// disconnects mid-response: socketserver's `handle_error`, captured from Python 3.11.7.
  static func socketServerBlock(port: Int, exception: String) -> [String] {
    let lib = "/usr/lib/python3.11"
    return [
      dashes,
      "Exception occurred during processing of request from ('127.0.0.1', \(port))",
      "Traceback (most recent call last):",
      "  File \"\(lib)/socketserver.py\", line 691, in process_request_thread",
      "    self.finish_request(request, client_address)",
      "  File \"\(lib)/socketserver.py\", line 361, in finish_request",
      "    self.RequestHandlerClass(request, client_address, self)",
      "  File \"\(lib)/http/server.py\", line 671, in __init__",
      "    super().__init__(*args, **kwargs)",
      "  File \"\(lib)/socketserver.py\", line 755, in __init__",
      "    self.handle()",
      "  File \"\(lib)/http/server.py\", line 436, in handle",
      "    self.handle_one_request()",
      "  File \"\(lib)/http/server.py\", line 424, in handle_one_request",
      "    method()",
      "  File \"\(lib)/http/server.py\", line 678, in do_GET",
      "    self.copyfile(f, self.wfile)",
      "  File \"\(lib)/http/server.py\", line 877, in copyfile",
      "    shutil.copyfileobj(source, outputfile)",
      "  File \"\(lib)/shutil.py\", line 200, in copyfileobj",
      "    fdst_write(buf)",
      "  File \"\(lib)/socketserver.py\", line 834, in write",
      "    self._sock.sendall(b)",
      exception,
      dashes,
    ]
  }

  static let brokenPipe = "BrokenPipeError: [Errno 32] Broken pipe"
  static let connectionReset = "ConnectionResetError: [Errno 104] Connection reset by peer"

  static func httpServerAccess(_ path: String, status: Int) -> String {
    #"127.0.0.1 - - [27/Nov/2026 09:32:35] "GET \#(path) HTTP/1.1" \#(status) -"#
  }

  /// What the demo target writes (Sources/DemoTarget/TargetLog.swift, `Traceback.sendFailed`)
  /// after uvicorn's error record when the client has gone.
  static func uvicornSendFailed(_ exception: String) -> [String] {
    let packages = "/srv/app/.venv/lib/python3.11/site-packages"
    return [
      "2026-11-27 09:00:00,123 ERROR    uvicorn.error: Exception in ASGI application",
      "Traceback (most recent call last):",
      "  File \"\(packages)/uvicorn/protocols/http/httptools_impl.py\", line 426, in run_asgi",
      "    result = await app(  # type: ignore[func-returns-value]",
      "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"\(packages)/uvicorn/middleware/proxy_headers.py\", line 84, in __call__",
      "    return await self.app(scope, receive, send)",
      "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "  File \"\(packages)/starlette/responses.py\", line 164, in __call__",
      "    await send(",
      "  File \"/usr/lib/python3.11/asyncio/selector_events.py\", line 1058, in write",
      "    n = self._sock.send(data)",
      "        ^^^^^^^^^^^^^^^^^^^^^",
      exception,
    ]
  }

  static let uvicornAccess =
    #"2026-11-27 09:00:00,124 INFO     uvicorn.access: 127.0.0.1:5555 - "GET / HTTP/1.1" 200 OK 0.3ms"#
}

@Suite(.timeLimit(.minutes(5))) struct EventAssemblerTests {
  /// Feeds lines 1 ms apart, then finishes.
  private func events(
    _ lines: [String], classifier: LogClassifier = LogClassifier(), idleChecks: Bool = false
  ) -> [LogEvent] {
    var assembler = EventAssembler(classifier: classifier)
    var events: [LogEvent] = []
    for (index, line) in lines.enumerated() {
      let now = Double(index) * 0.001
      assembler.add(RawLine(line), now: now) { events.append($0) }
      if idleChecks { assembler.flushIfIdle(now: now + 0.0005) { events.append($0) } }
    }
    assembler.finish { events.append($0) }
    return events
  }

  /// LOG-08: 500 socketserver blocks among access log lines count 500 events, none split.
  @Test func socketServerBlocksFoldIntoOneEventEach() {
    var random = SplitMix64(seed: 8)
    var lines: [String] = []
    var expectedClasses: [String] = []
    var fiveHundreds = 0
    for block in 0..<500 {
      for _ in 0..<random.below(4) {
        let status = random.below(10) == 0 ? 500 : 200
        if status == 500 { fiveHundreds += 1 }
        lines.append(PythonOutput.httpServerAccess("/item/\(block)", status: status))
      }
      let reset = random.below(5) == 0
      lines += PythonOutput.socketServerBlock(
        port: 40000 + block, exception: reset ? PythonOutput.connectionReset : PythonOutput.brokenPipe)
      expectedClasses.append(reset ? "ConnectionResetError" : "BrokenPipeError")
    }
    lines.append(PythonOutput.httpServerAccess("/last", status: 200))

    let events = events(lines)
    let blocks = events.filter(\.isBlock)
    #expect(blocks.count == 500)
    #expect(blocks.map(\.errorClass) == expectedClasses)
    #expect(blocks.allSatisfy { $0.lines.count == 23 && $0.level == .error && $0.omittedLines == 0 })
    #expect(
      blocks.allSatisfy { $0.lines.first!.hasPrefix("Exception occurred during processing of request") })
    #expect(blocks.allSatisfy { $0.headline == $0.lines.last! })
    #expect(blocks.first?.headline == PythonOutput.brokenPipe)

    // Every other line is an event of its own; only the blocks and the 5xx lines count as errors.
    let counted = events.compactMap(\.errorClass)
    #expect(counted.count == 500 + fiveHundreds)
    #expect(counted.filter { $0 == "access_5xx" }.count == fiveHundreds)
    #expect(events.filter { $0.headline == PythonOutput.dashes }.count == 1000)
    #expect(events.count == lines.count - 500 * 23 + 500)
  }

  @Test func uvicornRecordAndTracebackAreOneEvent() {
    let lines = PythonOutput.uvicornSendFailed(PythonOutput.brokenPipe) + [PythonOutput.uvicornAccess]
    let events = events(lines)
    #expect(events.count == 2)
    let block = events[0]
    #expect(block.errorClass == "BrokenPipeError")
    #expect(block.level == .error)
    #expect(block.headline == PythonOutput.brokenPipe)
    #expect(block.lines == Array(lines.dropLast()))
    #expect(events[1] == LogEvent(headline: PythonOutput.uvicornAccess, level: .info))

    let reset = self.events(PythonOutput.uvicornSendFailed(PythonOutput.connectionReset))
    #expect(reset.map(\.errorClass) == ["ConnectionResetError"])
  }

  @Test func uvicornDefaultFormatPreamble() {
    let lines =
      ["ERROR:    Exception in ASGI application"]
      + PythonOutput.uvicornSendFailed("asyncio.exceptions.TimeoutError").dropFirst()
    let events = events(lines)
    #expect(events.count == 1)
    #expect(events[0].errorClass == "TimeoutError")
    #expect(events[0].headline == "asyncio.exceptions.TimeoutError")
    #expect(events[0].lines.first == "ERROR:    Exception in ASGI application")
  }

  @Test func chainedExceptionsStayTogether() {
    let lines = [
      "ERROR:root:lookup failed",
      "Traceback (most recent call last):",
      "  File \"/srv/app/main.py\", line 3, in lookup",
      "    return table[key]",
      "           ~~~~~^^^^^",
      "KeyError: 'user'",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      "  File \"/srv/app/main.py\", line 5, in lookup",
      "    raise LookupFailed(key) from None",
      "app.errors.LookupFailed: user",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "Traceback (most recent call last):",
      "  File \"/srv/app/main.py\", line 9, in handler",
      "    raise RuntimeError(\"handler failed\") from error",
      "RuntimeError: handler failed",
      "",
      "INFO:     next request",
    ]
    let events = events(lines)
    #expect(events.count == 3)
    #expect(events[0].errorClass == "RuntimeError")
    #expect(events[0].headline == "RuntimeError: handler failed")
    #expect(events[0].lines == Array(lines[0..<20]))
    // The blank line after the last exception is ordinary output.
    #expect(events[1] == LogEvent(headline: ""))
    #expect(events[2].level == .info)
  }

  @Test func backToBackTracebacksAreSeparate() {
    let first = [
      "Traceback (most recent call last):", "  File \"a.py\", line 1, in <module>", "ValueError: one",
    ]
    let second = [
      "Traceback (most recent call last):", "  File \"b.py\", line 2, in <module>", "KeyError: 'two'",
    ]
    let events = events(first + second)
    #expect(events.map(\.errorClass) == ["ValueError", "KeyError"])
    #expect(events.map(\.lines.count) == [3, 3])
  }

  @Test func tracebackCutShortIsStillOneEvent() {
    let lines = [
      "ERROR:    Exception in ASGI application",
      "Traceback (most recent call last):",
      "  File \"/srv/app/main.py\", line 3, in handler",
      "----------------------------------------",
      "INFO:     127.0.0.1:1 - \"GET / HTTP/1.1\" 200 OK",
    ]
    // Another writer's lines may still come between its frames, so the traceback waits: the dashes
    // join it, the access line passes, and the source's end emits it.
    let events = events(lines)
    #expect(events.map(\.errorClass) == [nil, "Traceback"])
    #expect(events[0].headline == lines[4])
    #expect(events[1].headline == "ERROR:    Exception in ASGI application")
    #expect(events[1].lines == Array(lines[0..<4]))
    // On a busy source it is emitted once `strayLimit` lines have passed with none of its own.
    let access = (0..<EventAssembler.strayLimit + 1).map {
      "INFO:     127.0.0.1:\($0) - \"GET / HTTP/1.1\" 200 OK"
    }
    let busy = self.events(Array(lines[0..<3]) + access)
    #expect(
      busy.map(\.errorClass) == Array(repeating: nil, count: EventAssembler.strayLimit) + ["Traceback", nil])
    #expect(busy.last?.headline == access.last)
  }

  @Test func preambleWithoutTracebackCountsOnce() {
    let events = events(["ERROR:    something failed", "INFO:     ok", "ERROR:    again"])
    #expect(events.map(\.errorClass) == ["error", nil, "error"])
    #expect(events.map(\.isBlock) == [false, false, false])
    #expect(events[0] == LogEvent(headline: "ERROR:    something failed", level: .error, errorClass: "error"))

    let socketServer = self.events([
      PythonOutput.dashes, "Exception occurred during processing of request from ('127.0.0.1', 1)",
      PythonOutput.dashes,
    ])
    #expect(socketServer.map(\.errorClass) == [nil, "exception", nil])
  }

  @Test func idleFlushEmitsWhatIsHeld() {
    var assembler = EventAssembler(classifier: LogClassifier())
    var events: [LogEvent] = []
    assembler.add(RawLine("ERROR:    Exception in ASGI application"), now: 10) { events.append($0) }
    assembler.flushIfIdle(now: 10.3) { events.append($0) }
    #expect(events.isEmpty)
    #expect(assembler.isHolding)
    assembler.flushIfIdle(now: 10.5) { events.append($0) }
    #expect(events.map(\.errorClass) == ["error"])
    #expect(!assembler.isHolding)

    // A traceback whose exception line came last is emitted named once the source is quiet.
    for (offset, line) in PythonOutput.uvicornSendFailed(PythonOutput.brokenPipe).enumerated() {
      assembler.add(RawLine(line), now: 20 + Double(offset) * 0.01) { events.append($0) }
    }
    assembler.flushIfIdle(now: 20.2) { events.append($0) }
    #expect(events.count == 1)
    assembler.flushIfIdle(now: 21, idleSeconds: 0.5) { events.append($0) }
    #expect(events.map(\.errorClass) == ["error", "BrokenPipeError"])

    // One cut off in the middle is emitted as a Traceback.
    assembler.add(RawLine("Traceback (most recent call last):"), now: 30) { events.append($0) }
    assembler.add(RawLine("  File \"x.py\", line 1, in <module>"), now: 30.1) { events.append($0) }
    assembler.flushIfIdle(now: 31) { events.append($0) }
    #expect(events.map(\.errorClass) == ["error", "BrokenPipeError", "Traceback"])
    #expect(events.last?.lines.count == 2)
    assembler.flushIfIdle(now: 40) { events.append($0) }
    #expect(events.count == 3)
  }

  /// Polls between lines (the hub calls flushIfIdle on every pass) change nothing while lines
  /// keep coming.
  @Test func frequentIdleChecksChangeNothing() {
    var random = SplitMix64(seed: 3)
    var lines: [String] = []
    for block in 0..<50 {
      lines.append(PythonOutput.uvicornAccess)
      if random.below(2) == 0 {
        lines += PythonOutput.uvicornSendFailed(PythonOutput.brokenPipe)
      } else {
        lines += PythonOutput.socketServerBlock(port: block, exception: PythonOutput.connectionReset)
      }
    }
    #expect(events(lines, idleChecks: true) == events(lines))
    #expect(events(lines).filter { $0.errorClass != nil }.count == 50)
  }

  @Test func longBlocksKeepTheirLastLine() {
    let frames = (0..<500).map { "  File \"r.py\", line \($0), in recurse" }
    let lines =
      ["Traceback (most recent call last):"] + frames + ["RecursionError: maximum recursion depth exceeded"]
    let events = events(lines)
    #expect(events.count == 1)
    #expect(events[0].lines.count == LogEvent.maximumLines)
    #expect(events[0].omittedLines == lines.count - LogEvent.maximumLines)
    #expect(events[0].lines.last == "RecursionError: maximum recursion depth exceeded")
    #expect(events[0].errorClass == "RecursionError")
  }

  @Test func blockLinesAreSanitised() {
    var assembler = EventAssembler(classifier: LogClassifier())
    var events: [LogEvent] = []
    let lines = [
      RawLine("Traceback (most recent call last):"),
      RawLine(Array("  File \"x.py\", line 1, in \u{1B}]0;pwned".utf8) + [0x07, 0xFF]),
      RawLine(Array("ValueError: ".utf8) + Array(repeating: UInt8(ascii: "v"), count: 100), droppedBytes: 7),
    ]
    for line in lines { assembler.add(line, now: 0) { events.append($0) } }
    assembler.finish { events.append($0) }
    #expect(events.count == 1)
    #expect(events[0].lines[1] == "  File \"x.py\", line 1, in ^[]0;pwned^G\u{FFFD}")
    #expect(events[0].isCut)
    #expect(events[0].headline.hasSuffix(" …[+7 bytes]"))
    #expect(events[0].lines.allSatisfy(LineSanitizer.isTerminalInert))
  }

  @Test func userPatternsCanNameABlock() throws {
    let classifier = LogClassifier(patterns: [try LogPattern.parse("client_gone=Broken pipe|reset by peer")])
    let events = events(PythonOutput.uvicornSendFailed(PythonOutput.brokenPipe), classifier: classifier)
    #expect(events.map(\.errorClass) == ["client_gone"])
  }

  /// LOG-05 through the assembler: garbage, then normal lines that all come out intact.
  @Test func garbageDoesNotSwallowLaterLines() {
    var random = SplitMix64(seed: 55)
    var assembler = EventAssembler(classifier: LogClassifier())
    var events: [LogEvent] = []
    let garbage = random.bytes(1 << 20)
    for piece in garbage.split(separator: 0x0A) {
      let kept = Array(piece.prefix(LineLimits.keptBytes))
      assembler.add(RawLine(kept, droppedBytes: piece.count - kept.count), now: 0) { events.append($0) }
    }
    let normal = (1...10).map { "INFO:     normal \($0)" }
    for line in normal { assembler.add(RawLine(line), now: 1) { events.append($0) } }
    assembler.finish { events.append($0) }
    #expect(Array(events.suffix(normal.count).map(\.headline)) == normal)
    #expect(events.allSatisfy { $0.lines.allSatisfy(LineSanitizer.isTerminalInert) })
  }
}
