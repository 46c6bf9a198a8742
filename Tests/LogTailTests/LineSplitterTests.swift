import LogValues
import Testing

@testable import LogTail

@Suite(.timeLimit(.minutes(5))) struct LineSplitterTests {
  /// Feeds `pieces` one after the other and returns every line emitted.
  private func split(_ pieces: [[UInt8]], into splitter: inout LineSplitter) -> [RawLine] {
    var lines: [RawLine] = []
    for piece in pieces {
      piece.withUnsafeBytes { splitter.feed($0) { lines.append($0) } }
    }
    return lines
  }

  private func split(_ pieces: [String]) -> (lines: [String], rest: String?) {
    var splitter = LineSplitter()
    let lines = split(pieces.map { Array($0.utf8) }, into: &splitter)
    let rest = splitter.flushPartial().map { String(decoding: $0.bytes, as: UTF8.self) }
    return (lines.map { String(decoding: $0.bytes, as: UTF8.self) }, rest)
  }

  @Test func splitsLinesAndHoldsTheUnterminatedRest() {
    let result = split(["one\ntwo\n\nthree"])
    #expect(result.lines == ["one", "two", ""])
    #expect(result.rest == "three")
  }

  @Test func removesOneCarriageReturnBeforeTheNewline() {
    let result = split(["dos\r\n", "cr in\rside\n", "two\r\r\n", "split\r", "\n"])
    #expect(result.lines == ["dos", "cr in\rside", "two\r", "split"])
    #expect(result.rest == nil)
  }

  @Test func lineWrittenInPiecesIsEmittedOnceWhenComplete() {
    var splitter = LineSplitter()
    #expect(split([Array("ERROR foo".utf8)], into: &splitter).isEmpty)
    #expect(splitter.hasPartial)
    #expect(split([Array(" bar".utf8)], into: &splitter).isEmpty)
    let lines = split([Array("\nnext".utf8)], into: &splitter)
    #expect(lines == [RawLine("ERROR foo bar")])
    #expect(splitter.flushPartial() == RawLine("next"))
    #expect(splitter.flushPartial() == nil)
    #expect(!splitter.hasPartial)
  }

  @Test func resetForgetsThePartialLine() {
    var splitter = LineSplitter()
    _ = split([Array("torn".utf8)], into: &splitter)
    splitter.reset()
    #expect(split([Array("whole\n".utf8)], into: &splitter) == [RawLine("whole")])
  }

  @Test func emptyFeedDoesNothing() {
    var splitter = LineSplitter()
    #expect(split([[]], into: &splitter).isEmpty)
    #expect(!splitter.hasPartial)
  }

  @Test(arguments: [1000, 64 * 1024, 11 * 1024 * 1024])
  func tenMebibyteLineKeepsOnlyTheCap(chunkBytes: Int) {
    let length = 10 * 1024 * 1024
    let data = [UInt8](repeating: UInt8(ascii: "x"), count: length) + Array("\nafter\n".utf8)
    var splitter = LineSplitter()
    var lines: [RawLine] = []
    data.withUnsafeBytes { all in
      var start = 0
      while start < all.count {
        let end = min(start + chunkBytes, all.count)
        splitter.feed(UnsafeRawBufferPointer(rebasing: all[start..<end])) { lines.append($0) }
        start = end
      }
    }
    #expect(lines.count == 2)
    #expect(lines.first?.bytes.count == LineLimits.keptBytes)
    #expect(lines.first?.droppedBytes == length - LineLimits.keptBytes)
    #expect(lines.first?.isCut == true)
    #expect(lines.first?.bytes.allSatisfy { $0 == UInt8(ascii: "x") } == true)
    #expect(lines.last == RawLine("after"))
  }

  @Test func longLineFedOneByteAtATimeKeepsOnlyTheCap() {
    let length = LineLimits.keptBytes + 100
    var splitter = LineSplitter()
    let pieces = [[UInt8]](repeating: [UInt8(ascii: "w")], count: length) + [Array("\r\n".utf8)]
    let lines = split(pieces, into: &splitter)
    #expect(lines.count == 1)
    #expect(lines.first?.bytes.count == LineLimits.keptBytes)
    #expect(lines.first?.droppedBytes == 100)
  }

  @Test func carriageReturnBeyondTheCapIsNotCounted() {
    let body = [UInt8](repeating: UInt8(ascii: "y"), count: LineLimits.keptBytes + 10)
    var splitter = LineSplitter()
    let held = split([body + Array("\r".utf8), Array("\n".utf8)], into: &splitter)
    let whole = split([body + Array("\r\n".utf8)], into: &splitter)
    for lines in [held, whole] {
      #expect(lines.count == 1)
      #expect(lines.first?.bytes.count == LineLimits.keptBytes)
      #expect(lines.first?.droppedBytes == 10)
    }
  }

  @Test func lineOfExactlyTheCapIsNotCut() {
    let body = [UInt8](repeating: UInt8(ascii: "z"), count: LineLimits.keptBytes)
    var splitter = LineSplitter()
    let lines = split([Array(body[0..<100]), Array(body[100...]) + [UInt8(ascii: "\n")]], into: &splitter)
    #expect(lines == [RawLine(body)])
    #expect(lines.first?.isCut == false)
  }

  @Test func thousandLinesOf64KiBFedInChunks() {
    let lineLength = 64 * 1024
    let period = lineLength + 1
    let total = period * 1000
    let chunkBytes = 64 * 1024
    var splitter = LineSplitter()
    var count = 0
    var allCut = true
    // 65 537-byte lines in 64 KiB chunks: each chunk holds at most one line end, at a different
    // place every time. The chunk is filled once and only its newline moves.
    var chunk = [UInt8](repeating: UInt8(ascii: "q"), count: chunkBytes)
    var position = 0
    while position < total {
      let size = min(chunkBytes, total - position)
      let newlineIndex = period - 1 - position % period
      if newlineIndex < size { chunk[newlineIndex] = UInt8(ascii: "\n") }
      chunk.withUnsafeBytes { bytes in
        splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<size])) { raw in
          count += 1
          allCut =
            allCut && raw.bytes.count == LineLimits.keptBytes
            && raw.droppedBytes == lineLength - LineLimits.keptBytes
        }
      }
      if newlineIndex < size { chunk[newlineIndex] = UInt8(ascii: "q") }
      position += size
    }
    #expect(count == 1000)
    #expect(allCut)
    #expect(!splitter.hasPartial)
  }
}
