#ifndef CSUPPORT_H
#define CSUPPORT_H

#include <termios.h>

// Everything here runs where Swift cannot: inside signal handlers, or around variadic calls.

// Crash handler: on SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT and SIGFPE it calls endwin(),
// gives fd 2 back (replaying what was captured), puts the previous handlers back and re-raises,
// so Swift's own crash report still prints, on a usable terminal. Idempotent.
void cs_install_crash_handler(void);
void cs_remove_crash_handler(void);
int cs_crash_handler_installed(void);

// For a process about to _exit from another thread while the UI thread may be mid-frame: the
// terminal back to the shell (without touching ncurses when the job-control data is there, else
// endwin), then captured stderr replayed. Async-signal-safe in the first case.
void cs_restore_for_exit(void);

// stderr capture: while active, fd 2 points at an anonymous file; ending restores fd 2 and
// copies the captured bytes to it. Ending is async-signal-safe and idempotent.
// Returns 0, or -1 with errno set.
int cs_stderr_capture_begin(void);
int cs_stderr_capture_end(void);
int cs_stderr_capture_active(void);

// Job control for a curses screen on `tty_fd`: SIGTSTP writes the "leave" sequence and restores
// the `shell` modes, then stops the process; SIGCONT restores the program modes, writes the
// "enter" sequence and raises the repaint request. Install before newterm (ncurses then leaves
// SIGTSTP alone) and give the program modes once the screen is set up. Returns 0, or -1 when
// SIGTSTP is ignored (a parent asked for no job control) or the handlers could not be set.
int cs_suspend_install(int tty_fd, const struct termios *shell);
void cs_suspend_set_program_modes(const struct termios *program);
void cs_suspend_remove(void);
// Replaces the escape sequences; called again after a resize for terminals without an alternate
// screen, whose "leave" moves the cursor to the (new) last line. Strings longer than 255 bytes
// are cut.
void cs_suspend_set_sequences(const char *leave, const char *enter);
// Leaves the screen for good from any thread (no ncurses calls): writes "leave", restores the
// shell modes and removes the handlers. 0 when not installed.
int cs_suspend_leave_now(void);
// 1 once after each SIGCONT: the screen must be repainted from scratch.
int cs_suspend_take_repaint(void);
// Tests: with stopping disabled, SIGTSTP restores the terminal and records the modes it left,
// but does not stop the process.
void cs_suspend_set_stop_enabled(int enabled);
int cs_suspend_recorded_stops(void);
int cs_suspend_recorded_modes(struct termios *out);

#endif
