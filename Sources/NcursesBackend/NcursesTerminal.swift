@preconcurrency import CNcurses
import CSupport
import Synchronization
import TerminalUI

#if canImport(Glibc)
  import Glibc
#endif

/// The real terminal: presents grids through ncurses and reads keys. Own it from one thread (the
/// UI loop): ncurses is process-global and not thread-safe. Only one can be open at a time.
public final class NcursesTerminal: TerminalBackend {
  /// Colours the terminal reports (terminfo `colors`): 0 without colour, 8, 256, or 2^24 for
  /// direct-colour entries such as `xterm-direct`. The caller downgrades its theme to this.
  public let colorCount: Int
  /// Whether the character locale is UTF-8. Without it only ASCII can be shown (other characters
  /// come out as `?`), so the caller should pick ASCII symbols.
  public let isUTF8: Bool
  public let terminalType: String

  private let screen: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  private let outputFile: UnsafeMutablePointer<FILE>
  private let inputFile: UnsafeMutablePointer<FILE>
  private let handlesSuspend: Bool
  private let hasAlternateScreen: Bool
  private var painter: FramePainter
  /// The physical screen no longer matches what ncurses believes it shows (after a resume or a
  /// colour reset): clear it and send every cell again.
  private var repaintScreen = false
  /// A resume was noticed by `present`; `readKey` still owes the caller its `.resize`.
  private var resumeToReport = false
  private var isClosed = false

  private static let screenInUse = Atomic<Bool>(false)

  /// Opens the user's terminal, or says in one line why it cannot: not a TTY, TERM unset,
  /// `dumb`, unknown to terminfo or unable to position the cursor. Never exits the process
  /// (`initscr` would).
  public static func open(
    term: String? = getenv("TERM").map { String(cString: $0) },
    inputFD: Int32 = STDIN_FILENO,
    outputFD: Int32 = STDOUT_FILENO
  ) throws(TerminalOpenError) -> NcursesTerminal {
    guard isatty(outputFD) == 1 else { throw .outputNotATerminal }
    guard isatty(inputFD) == 1 else { throw .inputNotATerminal }
    guard let term, !term.isEmpty else { throw .termUnset }
    return try NcursesTerminal(terminalType: term, inputFD: inputFD, outputFD: outputFD)
  }

  /// Opens `terminalType` on the given descriptors without asking whether they are terminals:
  /// tests pass /dev/null or a pty. `locale` goes to `setlocale(LC_CTYPE, _)` ("" = from the
  /// environment, nil = leave as is); only the character type is set, so number formatting in
  /// the rest of the process stays in the C locale. The descriptors are duplicated: closing the
  /// terminal leaves the caller's open.
  public init(
    terminalType: String, inputFD: Int32, outputFD: Int32, locale: String? = "",
    captureStandardError: Bool = true
  ) throws(TerminalOpenError) {
    guard
      Self.screenInUse.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
        .exchanged
    else { throw .alreadyOpen }
    var opened = false
    defer { if !opened { Self.screenInUse.store(false, ordering: .releasing) } }

    if terminalType.isEmpty { throw .termUnset }
    if terminalType == "dumb" { throw .dumbTerminal }
    if let locale { setlocale(LC_CTYPE, locale) }
    try TerminalSetup.checkTerminfo(terminalType, fd: outputFD)

    guard let output = TerminalSetup.stream(on: outputFD, mode: "w") else {
      throw .initializationFailed("cannot duplicate the output descriptor")
    }
    guard let input = TerminalSetup.stream(on: inputFD, mode: "r") else {
      fclose(output)
      throw .initializationFailed("cannot duplicate the input descriptor")
    }
    let terminalFD = fileno(output)
    var shellModes = termios()
    let isTerminal = tcgetattr(terminalFD, &shellModes) == 0
    let handlesSuspend = isTerminal && SuspendHandling.install(terminalFD: terminalFD, shellModes: shellModes)

    // The window size comes from the tty, not from LINES/COLUMNS left in the environment.
    use_tioctl(true)
    let created = TerminalSetup.keepingNcursesOffSIGTSTP(unless: handlesSuspend) {
      newterm(terminalType, output, input)
    }
    guard let screen = created, let window = cn_stdscr() else {
      if handlesSuspend { SuspendHandling.remove() }
      fclose(output)
      fclose(input)
      throw .initializationFailed("newterm failed for '\(terminalType)'")
    }
    let colors = TerminalSetup.configure(window)

    self.screen = screen
    self.window = window
    outputFile = output
    inputFile = input
    self.terminalType = terminalType
    self.handlesSuspend = handlesSuspend
    hasAlternateScreen = cn_tigetstr("smcup") != nil
    colorCount = colors
    isUTF8 = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
    painter = FramePainter(colorCount: colors, pairCapacity: Int(cn_color_pairs()), utf8: isUTF8)

    if handlesSuspend {
      SuspendHandling.recordProgramModes(terminalFD: terminalFD)
      SuspendHandling.updateSequences(rows: Int(getmaxy(window)))
    }
    cs_install_crash_handler()
    // Any stray write to fd 2 would land inside the screen; it is shown after close instead.
    if captureStandardError { _ = cs_stderr_capture_begin() }
    opened = true
  }

  deinit { close() }

  public var size: (width: Int, height: Int) {
    guard !isClosed else { return (0, 0) }
    return (Int(getmaxx(window)), Int(getmaxy(window)))
  }

  public func present(_ grid: Grid) {
    guard !isClosed else { return }
    if SuspendHandling.takeRepaintRequest() {
      repaintScreen = true
      resumeToReport = true
    }
    if repaintScreen {
      clearok(cn_curscr(), true)
      painter.invalidate()
      repaintScreen = false
    }
    painter.paint(grid, into: window)
    wnoutrefresh(window)
    doupdate()
  }

  /// Keys the UI has no name for are skipped while the wait goes on. After `KEY_RESIZE` the size
  /// already reflects the new dimensions. After a resume from Ctrl-Z this returns `.resize` too,
  /// so the caller lays out and presents a fresh frame.
  public func readKey(timeoutMilliseconds: Int) -> Key? {
    guard !isClosed else { return nil }
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(max(0, timeoutMilliseconds)))
    while true {
      if SuspendHandling.takeRepaintRequest() {
        repaintScreen = true
        resumeToReport = false
        return .resize
      }
      if resumeToReport {
        resumeToReport = false
        return .resize
      }
      let remaining = max(.zero, clock.now.duration(to: deadline))
      // Short slices: a resume is signalled by a flag, which no blocking read would notice.
      let slice = min(remaining, .milliseconds(50))
      wtimeout(window, Int32((slice / .milliseconds(1)).rounded(.up)))
      var value: wint_t = 0
      let status = wget_wch(window, &value)
      if status == ERR {
        if remaining <= .milliseconds(50) { return nil }
        continue
      }
      let raw: RawKey = status == KEY_CODE_YES ? .keyCode(Int32(bitPattern: value)) : .character(value)
      guard let key = KeyDecoder.decode(raw) else { continue }
      if key == .resize {
        painter.invalidate()
        if handlesSuspend && !hasAlternateScreen { SuspendHandling.updateSequences(rows: size.height) }
      }
      return key
    }
  }

  /// Forgets what is on screen and the colour pairs: the next `present` clears it and sends every
  /// cell (Ctrl-L, a theme change: pairs of the old theme would otherwise fill the table).
  public func invalidate() {
    guard !isClosed else { return }
    painter.resetColors()
    repaintScreen = true
  }

  /// Sets the size of a terminal that cannot report one (a file or /dev/null in benchmarks).
  public func setSize(width: Int, height: Int) {
    guard !isClosed else { return }
    resizeterm(Int32(height), Int32(width))
    painter.invalidate()
  }

  /// Forgets every colour pair; call after changing the theme. The next `present` repaints all.
  public func resetColors() {
    guard !isClosed else { return }
    painter.resetColors()
    repaintScreen = true
  }

  /// Gives the terminal back: normal modes, cursor visible, alternate screen left, then whatever
  /// was written to stderr meanwhile. Safe to call more than once; deinit calls it too.
  public func close() {
    guard !isClosed else { return }
    isClosed = true
    // Job control first: a Ctrl-Z after endwin must not switch the screen back on.
    if handlesSuspend { SuspendHandling.remove() }
    curs_set(1)
    endwin()
    cs_remove_crash_handler()
    delscreen(screen)
    fclose(outputFile)
    fclose(inputFile)
    _ = cs_stderr_capture_end()
    Self.screenInUse.store(false, ordering: .releasing)
  }

  /// Gives the terminal back from any thread, just before the process exits without `close()`
  /// (a second Ctrl-C). It does not wait for the UI thread, which may be mid-frame: on a terminal
  /// it writes the prepared leave sequence and the saved modes without touching ncurses, otherwise
  /// it calls endwin(). Captured stderr is replayed.
  public static func restoreForExit() {
    guard screenInUse.load(ordering: .acquiring) else { return }
    cs_restore_for_exit()
  }
}
