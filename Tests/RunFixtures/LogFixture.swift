import LogValues

/// A log panel's content with a known shape: uvicorn access lines, folded BrokenPipeError
/// tracebacks, a 503 line, an nginx upstream timeout and notices about the sources.
public enum LogFixture {
  public static let traceback = [
    "ERROR    uvicorn.error: Exception in ASGI application",
    "Traceback (most recent call last):",
    "  File \"/srv/app/.venv/lib/python3.11/site-packages/uvicorn/protocols/http/httptools_impl.py\", line 426, in run_asgi",
    "    result = await app(  # type: ignore[func-returns-value]",
    "  File \"/usr/lib/python3.11/asyncio/selector_events.py\", line 1058, in write",
    "    n = self._sock.send(data)",
    "BrokenPipeError: [Errno 32] Broken pipe",
  ]

  /// `count` entries ending at run time `seconds`; with `sources` > 1 they alternate between the
  /// backend log and nginx's error log.
  public static func snapshot(entries count: Int = 60, seconds: Double = 480, sources: Int = 1) -> LogSnapshot
  {
    let specs: [LogSourceSpec] = [
      .file("/var/log/app/uvicorn.log"), .file("/var/log/nginx/error.log"),
    ].prefix(max(1, min(2, sources))).map { $0 }
    var entries: [LogEntry] = []
    var errors: [String: Int] = [:]
    for i in 0..<count {
      let id = UInt64(1000 + i)
      let elapsed = seconds - Double(count - i) * 0.2
      let source = specs.count > 1 ? i % 2 : 0
      let stamp =
        "2026-11-27 09:\(String(format: "%02d", 10 + i / 60)):\(String(format: "%02d", i % 60)),\(100 + i)"
      let event: LogEvent
      var kind = LogEntry.Kind.live
      if i == 3 {
        kind = .notice
        event = LogEvent(headline: SourceNotice.replaced.description, level: .info)
      } else if source == 1 {
        event =
          i % 6 == 1
          ? LogEvent(
            headline:
              "2026/11/27 09:10:\(String(format: "%02d", i % 60)) [error] 31#0: *\(i) upstream timed out (110: Connection timed out) while reading response header from upstream",
            level: .error, errorClass: "upstream_timed_out")
          : LogEvent(
            headline:
              "2026/11/27 09:10:\(String(format: "%02d", i % 60)) [warn] 31#0: *\(i) an upstream response is buffered",
            level: .warning)
      } else if i % 7 == 5 {
        event = LogEvent(
          headline: traceback.last!, lines: traceback, level: .error, errorClass: "BrokenPipeError")
      } else if i % 11 == 8 {
        event = LogEvent(
          headline:
            "\(stamp) WARNING  uvicorn.access: 127.0.0.1:\(40000 + i) - \"GET /work HTTP/1.1\" 503 Service Unavailable 0.2ms",
          level: .warning, errorClass: "access_5xx")
      } else {
        event = LogEvent(
          headline:
            "\(stamp) INFO     uvicorn.access: 127.0.0.1:\(40000 + i) - \"GET /work HTTP/1.1\" 200 OK 21.\(i % 10)ms",
          level: .info)
      }
      if let name = event.errorClass { errors[name, default: 0] += 1 }
      entries.append(LogEntry(id: id, source: source, elapsed: elapsed, kind: kind, event: event))
    }
    let names = specs.map(\.displayName)
    return LogSnapshot(
      sources: zip(specs, names).map { LogSourceState(name: $1, spec: $0, linesRead: count) },
      entries: entries,
      droppedForDisplay: 0, errorCounts: errors)
  }
}
