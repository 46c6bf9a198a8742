@preconcurrency import CNcurses
import CSupport
import CTestSupport
import Foundation
import Synchronization
import Testing

@testable import NcursesBackend

/// A pseudo-terminal: the test plays the user on the master side, the terminal runs on the slave.
/// A thread keeps reading the master, as a terminal emulator would: a full frame is more than the
/// pty buffers, and an unread master would block the terminal's writes.
final class Pty {
  let master: Int32
  let slave: Int32
  private let output = PtyOutput()
  private let readerDone = DispatchSemaphore(value: 0)

  init(rows: UInt16 = 24, columns: UInt16 = 80) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    guard cs_openpty(&master, &slave, rows, columns) == 0 else { throw POSIXError(.ENXIO) }
    self.master = master
    self.slave = slave
    let output = output
    let done = readerDone
    let fd = master
    Thread.detachNewThread {
      var buffer = [UInt8](repeating: 0, count: 65536)
      while !output.stopped.load(ordering: .relaxed) {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 10) == 1 else { continue }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        output.append(buffer[0..<n])
      }
      done.signal()
    }
  }

  deinit {
    output.stopped.store(true, ordering: .relaxed)
    readerDone.wait()
    Foundation.close(master)
    Foundation.close(slave)
  }

  func type(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  func resize(rows: UInt16, columns: UInt16) {
    _ = cs_set_window_size(slave, rows, columns)
  }

  /// What the terminal wrote since the last call, once nothing new came for `quietMilliseconds`.
  func drain(quietMilliseconds: Int = 30) -> String {
    var last = output.count
    while true {
      usleep(useconds_t(quietMilliseconds * 1000))
      let now = output.count
      if now == last { break }
      last = now
    }
    return String(decoding: output.take(), as: UTF8.self)
  }

  func modes() -> termios {
    var modes = termios()
    _ = tcgetattr(slave, &modes)
    return modes
  }
}

private final class PtyOutput: Sendable {
  let stopped = Atomic<Bool>(false)
  private let bytes = Mutex<[UInt8]>([])

  var count: Int { bytes.withLock { $0.count } }

  func append(_ more: ArraySlice<UInt8>) { bytes.withLock { $0 += more } }

  func take() -> [UInt8] {
    bytes.withLock { taken in
      defer { taken.removeAll() }
      return taken
    }
  }
}

/// The termios fields a shell cares about, comparable.
struct Modes: Equatable, CustomStringConvertible {
  let input, output, control, local: UInt32
  let characters: [UInt8]

  init(_ t: termios) {
    input = t.c_iflag
    output = t.c_oflag
    control = t.c_cflag
    local = t.c_lflag
    var cc = t.c_cc
    characters = withUnsafeBytes(of: &cc) { Array($0) }
  }

  var description: String { "iflag=\(input) oflag=\(output) cflag=\(control) lflag=\(local)" }
}

/// A descriptor on /dev/null, for terminals nobody watches.
func openDevNull() -> Int32 { open("/dev/null", O_RDWR | O_CLOEXEC) }

/// One cell of ncurses' virtual screen as `present` left it.
struct ScreenCell {
  let text: String
  let attributes: attr_t
  let pair: Int32

  var colors: (foreground: Int32, background: Int32) {
    var foreground: Int32 = 0
    var background: Int32 = 0
    _ = extended_pair_content(pair, &foreground, &background)
    return (foreground, background)
  }
}

enum Screen {
  static func cell(x: Int, y: Int) -> ScreenCell {
    var cells = [cchar_t](repeating: cchar_t(), count: 2)
    _ = mvwin_wchnstr(cn_stdscr(), Int32(y), Int32(x), &cells, 1)
    var characters = [wchar_t](repeating: 0, count: 8)
    var attributes: attr_t = 0
    var shortPair: Int16 = 0
    var pair: Int32 = 0
    _ = getcchar(&cells[0], &characters, &attributes, &shortPair, &pair)
    let text = String(
      String.UnicodeScalarView(
        characters.prefix { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
    return ScreenCell(text: text, attributes: attributes & ~cn_a_color(), pair: pair)
  }

  /// A row's text, one character per cell (the right half of a wide character is skipped).
  static func row(_ y: Int, width: Int) -> String {
    var text = ""
    var x = 0
    while x < width {
      let cell = cell(x: x, y: y)
      text += cell.text
      x += cell.text.unicodeScalars.first.map { wcwidth(wchar_t(bitPattern: $0.value)) == 2 } == true ? 2 : 1
    }
    return text
  }
}

/// Points fd 2 at a temporary file for `body`, then puts it back; returns what landed there.
/// `body` gets a function reading the file so far. Lines not containing `marker` (output of
/// suites running meanwhile) are passed on to the real stderr.
func withStandardErrorInFile(marker: String, _ body: (_ soFar: () -> String) throws -> Void) rethrows
  -> String
{
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("ncurses-stderr-\(getpid())").path
  let file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  unlink(path)
  let saved = dup(2)
  dup2(file, 2)
  defer {
    dup2(saved, 2)
    close(saved)
    close(file)
  }
  func contents() -> String {
    var collected: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var offset: off_t = 0
    while true {
      let n = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, $0.count, offset) }
      if n <= 0 { break }
      collected += buffer[0..<n]
      offset += off_t(n)
    }
    return String(decoding: collected, as: UTF8.self)
  }
  try body(contents)
  let text = contents()
  let others = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(marker) }
  let passOn = others.joined(separator: "\n")
  if !passOn.isEmpty {
    _ = passOn.utf8CString.withUnsafeBufferPointer { write(saved, $0.baseAddress, $0.count - 1) }
  }
  return text
}
