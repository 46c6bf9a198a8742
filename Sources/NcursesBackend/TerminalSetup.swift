@preconcurrency import CNcurses

#if canImport(Glibc)
  import Glibc
#endif

/// The steps of opening a screen that are not about the screen object itself.
enum TerminalSetup {
  /// Refuses, before anything is drawn, a type terminfo does not know or one that cannot move the
  /// cursor (a dumb terminal would smear every frame onto one line).
  static func checkTerminfo(_ type: String, fd: Int32) throws(TerminalOpenError) {
    var status: Int32 = 0
    guard setupterm(type, fd, &status) == OK, status == 1 else { throw .unknownTerminal(type) }
    defer { del_curterm(cur_term) }
    guard cn_tigetstr("cup") != nil else { throw .noCursorAddressing(type) }
  }

  /// A stdio stream on a copy of `fd`, so that closing the screen leaves the caller's open.
  static func stream(on fd: Int32, mode: String) -> UnsafeMutablePointer<FILE>? {
    let copy = fcntl(fd, F_DUPFD_CLOEXEC, 3)
    guard copy >= 0 else { return nil }
    guard let file = fdopen(copy, mode) else {
      close(copy)
      return nil
    }
    return file
  }

  /// ncurses installs its own SIGTSTP handler in newterm when the disposition is the default,
  /// and then keeps managing SIGTSTP for the life of the process. When ours is not in place
  /// (output not a terminal), SIGTSTP is ignored for the moment of newterm so ncurses never does.
  static func keepingNcursesOffSIGTSTP<T>(unless handled: Bool, _ body: () -> T) -> T {
    if handled { return body() }
    var ignore = sigaction()
    ignore.__sigaction_handler.sa_handler = SIG_IGN
    var previous = sigaction()
    sigaction(SIGTSTP, &ignore, &previous)
    defer { sigaction(SIGTSTP, &previous, nil) }
    return body()
  }

  /// Input and output modes for a full-screen UI; returns the number of colours (0 for none).
  static func configure(_ window: UnsafeMutablePointer<WINDOW>) -> Int {
    cbreak()
    noecho()
    keypad(window, true)
    // The cursor is hidden, so it may stay wherever an update ends: fewer bytes per frame.
    leaveok(window, true)
    curs_set(0)
    // ncurses waits a full second after Esc for a sequence to follow; a bare Esc would feel dead.
    set_escdelay(25)
    guard has_colors() else { return 0 }
    start_color()
    // Before any pair: pairs with -1 (the terminal's default) fail until this has run.
    use_default_colors()
    return Int(cn_colors())
  }
}
