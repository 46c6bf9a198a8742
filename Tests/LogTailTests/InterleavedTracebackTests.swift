import Foundation
import LogValues
import SeededRandom
import TestKit
import Testing

@testable import LogTail

/// Threads of one server writing tracebacks into one file at the same time, line by line: every
/// exception line is one event named by its exception, and no header, error record or dashes
/// turn into classes of their own ("Traceback", "exception").
@Suite(.timeLimit(.minutes(2))) struct InterleavedTracebackTests {
  static func classes(_ lines: [String]) -> [String: Int] {
    var assembler = EventAssembler(classifier: LogClassifier())
    var counts: [String: Int] = [:]
    let count: (LogEvent) -> Void = { event in
      if let name = event.errorClass { counts[name, default: 0] += 1 }
    }
    for line in lines { assembler.add(RawLine(line), now: 0, emit: count) }
    assembler.finish(emit: count)
    return counts
  }

  /// How many lines of `lines` are each exception's.
  static func exceptionLines(_ lines: [String]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for line in lines {
      if line.hasPrefix("BrokenPipeError: ") { counts["BrokenPipeError", default: 0] += 1 }
      if line.hasPrefix("ConnectionResetError: ") { counts["ConnectionResetError", default: 0] += 1 }
    }
    return counts
  }

  /// True when some traceback's header is followed by another's before its exception line.
  static func interleaves(_ lines: [String]) -> Bool {
    var open = 0
    for line in lines {
      if line.hasPrefix("Traceback (most recent call last):") {
        open += 1
        if open > 1 { return true }
      } else if line.hasSuffix("Broken pipe") || line.hasSuffix("reset by peer") {
        open = max(0, open - 1)
      }
    }
    return false
  }

  @Test func fourWritersMergedLineByLineCountEachExceptionOnce() {
    for seed: UInt64 in 1...20 {
      var random = SplitMix64(seed: seed)
      // Four writers, each with 25 socketserver blocks and access lines between them.
      var writers: [[String]] = (0..<4).map { writer in
        (0..<25).flatMap { block -> [String] in
          let reset = random.below(4) == 0
          return [PythonOutput.httpServerAccess("/w\(writer)/\(block)", status: 200)]
            + PythonOutput.socketServerBlock(
              port: 40_000 + writer * 100 + block,
              exception: reset ? PythonOutput.connectionReset : PythonOutput.brokenPipe)
        }
      }
      var merged: [String] = []
      while writers.contains(where: { !$0.isEmpty }) {
        let ready = writers.indices.filter { !writers[$0].isEmpty }
        let writer = ready[random.below(ready.count)]
        merged.append(writers[writer].removeFirst())
      }
      #expect(Self.interleaves(merged), "seed \(seed)")
      #expect(Self.classes(merged) == Self.exceptionLines(merged), "seed \(seed)")
    }
  }

  @Test func uvicornRecordsInterleavedCountOnce() {
    var random = SplitMix64(seed: 9)
    var writers: [[String]] = (0..<4).map { _ in
      (0..<20).flatMap { _ in
        PythonOutput.uvicornSendFailed(PythonOutput.brokenPipe) + [PythonOutput.uvicornAccess]
      }
    }
    var merged: [String] = []
    while writers.contains(where: { !$0.isEmpty }) {
      let ready = writers.indices.filter { !writers[$0].isEmpty }
      merged.append(writers[ready[random.below(ready.count)]].removeFirst())
    }
    #expect(Self.interleaves(merged))
    #expect(Self.classes(merged) == ["BrokenPipeError": 80])
  }

  /// The seed experiment's server: four Python threads print socketserver's report of a client
  /// that went away (dashes, the record, the traceback, dashes) into one file at once, one write
  /// per line as `traceback.print_exc` does, yielding between lines.
  @Test func fourPythonThreadsWritingAtOnce() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path + "/app.log"
    let script = """
      import sys, threading, time, traceback
      out = open(sys.argv[1], "w", buffering=1)
      def handle(n):
          raise BrokenPipeError(32, "Broken pipe")
      def worker(w):
          for i in range(120):
              try:
                  handle(i)
              except BrokenPipeError:
                  lines = ["-" * 40, "Exception occurred during processing of request from ('127.0.0.1', %d)" % (40000 + w * 1000 + i)]
                  lines += traceback.format_exc().splitlines() + ["-" * 40]
                  for line in lines:
                      out.write(line + "\\n")
                      time.sleep(0)
      threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
      for t in threads: t.start()
      for t in threads: t.join()
      out.close()
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["timeout", "60", "python3", "-c", script, path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false
    )
    .map(String.init).filter { !$0.isEmpty }
    #expect(Self.exceptionLines(lines) == ["BrokenPipeError": 480])
    // Python switches threads between the lines: the tracebacks do interleave.
    #expect(Self.interleaves(lines))
    #expect(Self.classes(lines) == ["BrokenPipeError": 480])
  }
}
