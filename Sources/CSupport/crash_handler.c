#include "CSupport.h"

#include <ncursesw/curses.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
enum { crash_signal_count = sizeof crash_signals / sizeof crash_signals[0] };

static struct sigaction previous[crash_signal_count];
static atomic_int installed;
static atomic_int restoring;

static void restore_previous_handlers(void) {
    for (int i = 0; i < crash_signal_count; i++) {
        sigaction(crash_signals[i], &previous[i], NULL);
    }
}

static void on_crash(int sig, siginfo_t *info, void *context) {
    // endwin() is not async-signal-safe, but the process is dying either way and a terminal left
    // in raw mode on the alternate screen is the worse outcome (htop and btop accept the same).
    // Only the first crash gets here: a second one inside endwin() must not loop.
    if (atomic_exchange(&restoring, 1) == 0) {
        endwin();
        cs_stderr_capture_end();
    }
    struct sigaction chained = {0};
    for (int i = 0; i < crash_signal_count; i++) {
        if (crash_signals[i] == sig) chained = previous[i];
    }
    restore_previous_handlers();
    atomic_store(&installed, 0);
    // A hardware fault re-faults when the handler returns, which hands the previous handler the
    // genuine siginfo (fault address). Signals that were sent (kill, raise) or that trap after
    // the instruction (int3) would not come back, so the previous handler (Swift's backtracer)
    // is called here; it returns for such signals, so the default action then ends the process.
    if (info == NULL || info->si_code <= 0 || sig == SIGTRAP) {
        if (chained.sa_flags & SA_SIGINFO) {
            if (chained.sa_sigaction != NULL) chained.sa_sigaction(sig, info, context);
        } else if (chained.sa_handler != SIG_DFL && chained.sa_handler != SIG_IGN) {
            chained.sa_handler(sig);
        }
        signal(sig, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        raise(sig);
    }
}

void cs_install_crash_handler(void) {
    if (atomic_exchange(&installed, 1) == 1) return;
    atomic_store(&restoring, 0);
    struct sigaction action;
    action.sa_sigaction = on_crash;
    sigemptyset(&action.sa_mask);
    // SA_ONSTACK: a stack overflow can still be reported when an alternate stack exists.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    for (int i = 0; i < crash_signal_count; i++) {
        sigaction(crash_signals[i], &action, &previous[i]);
    }
}

void cs_remove_crash_handler(void) {
    if (atomic_exchange(&installed, 0) == 0) return;
    restore_previous_handlers();
}

int cs_crash_handler_installed(void) { return atomic_load(&installed); }
