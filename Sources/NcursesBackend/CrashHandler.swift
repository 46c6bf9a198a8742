import CSupport

/// Restores the terminal when the process crashes (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT,
/// SIGFPE; Swift's fatalError traps with SIGILL or SIGTRAP): endwin(), captured stderr replayed,
/// then the previous handler runs, so Swift's crash report prints on a sane terminal
/// (FAULTS TUI-03). `NcursesTerminal` installs it once the screen is up and removes it on close;
/// call these only to manage it yourself. Both are idempotent.
public func installCrashHandler() { cs_install_crash_handler() }

public func removeCrashHandler() { cs_remove_crash_handler() }
