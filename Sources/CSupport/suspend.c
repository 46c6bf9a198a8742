#include "CSupport.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

// ncurses' own SIGTSTP handler calls endwin() and, on resume, doupdate() from whichever thread
// the signal lands on, racing the UI thread inside ncurses. This one touches no ncurses state:
// it writes escape sequences prepared in advance and sets termios directly (both
// async-signal-safe), and leaves the repaint to the UI thread through a flag.

enum { sequence_capacity = 256 };

struct sequences {
    char leave[sequence_capacity];
    size_t leave_length;
    char enter[sequence_capacity];
    size_t enter_length;
};

// Two slots so the UI thread can replace the sequences while a handler may be reading them.
static struct sequences slots[2];
static atomic_int active_slot;

static int terminal_fd = -1;
static struct termios shell_modes;
static struct termios program_modes;
static atomic_int have_program_modes;
static struct sigaction previous_tstp;
static struct sigaction previous_cont;
static atomic_int installed;
static atomic_int suspended;
static atomic_int repaint_requested;
static atomic_int stop_enabled = 1;
static atomic_int recorded_stops;
static struct termios recorded_modes;

static void write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, count);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        bytes += n;
        count -= (size_t)n;
    }
}

static void resume_terminal(void) {
    if (atomic_load(&have_program_modes)) tcsetattr(terminal_fd, TCSADRAIN, &program_modes);
    // Whichever of on_tstp and on_cont gets here first re-enters the screen, once.
    if (atomic_exchange(&suspended, 0)) {
        const struct sequences *s = &slots[atomic_load(&active_slot)];
        write_all(terminal_fd, s->enter, s->enter_length);
    }
    atomic_store(&repaint_requested, 1);
}

static void on_tstp(int sig) {
    int e = errno;
    const struct sequences *s = &slots[atomic_load(&active_slot)];
    write_all(terminal_fd, s->leave, s->leave_length);
    tcsetattr(terminal_fd, TCSADRAIN, &shell_modes);
    atomic_store(&suspended, 1);
    if (!atomic_load(&stop_enabled)) {
        tcgetattr(terminal_fd, &recorded_modes);
        atomic_fetch_add(&recorded_stops, 1);
        errno = e;
        return;
    }
    // Stop with the default action. raise() sends to this very thread, which has SIGTSTP
    // unblocked for the moment, so the stop happens inside raise() and no other thread can take
    // the signal after our handler is back. In an orphaned process group the kernel discards it
    // instead (nobody could continue us), and we simply carry on.
    struct sigaction default_action, ours;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    sigaction(SIGTSTP, &default_action, &ours);
    sigset_t unblock, saved_mask;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &unblock, &saved_mask);
    raise(sig);
    pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
    sigaction(SIGTSTP, &ours, NULL);
    resume_terminal();
    errno = e;
}

// Also runs after a stop on_tstp never saw (SIGSTOP from outside): the shell may have reset the
// modes meanwhile. From a background job tcsetattr stops us again (SIGTTOU) until `fg`, which
// is the right place to wait.
static void on_cont(int sig) {
    (void)sig;
    int e = errno;
    resume_terminal();
    errno = e;
}

void cs_suspend_set_sequences(const char *leave, const char *enter) {
    int next = 1 - atomic_load(&active_slot);
    struct sequences *s = &slots[next];
    s->leave_length = leave ? strnlen(leave, sequence_capacity - 1) : 0;
    memcpy(s->leave, leave ? leave : "", s->leave_length);
    s->enter_length = enter ? strnlen(enter, sequence_capacity - 1) : 0;
    memcpy(s->enter, enter ? enter : "", s->enter_length);
    atomic_store(&active_slot, next);
}

int cs_suspend_install(int tty_fd, const struct termios *shell) {
    if (atomic_load(&installed)) return 0;
    struct sigaction current;
    if (sigaction(SIGTSTP, NULL, &current) != 0) return -1;
    if (current.sa_handler == SIG_IGN) return -1;
    terminal_fd = tty_fd;
    shell_modes = *shell;
    atomic_store(&have_program_modes, 0);
    atomic_store(&suspended, 0);
    atomic_store(&repaint_requested, 0);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_flags = SA_RESTART;
    // Neither handler may run while the other is half done.
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGTSTP);
    sigaddset(&action.sa_mask, SIGCONT);
    action.sa_handler = on_tstp;
    if (sigaction(SIGTSTP, &action, &previous_tstp) != 0) return -1;
    action.sa_handler = on_cont;
    if (sigaction(SIGCONT, &action, &previous_cont) != 0) {
        sigaction(SIGTSTP, &previous_tstp, NULL);
        return -1;
    }
    atomic_store(&installed, 1);
    return 0;
}

void cs_suspend_set_program_modes(const struct termios *program) {
    program_modes = *program;
    atomic_store(&have_program_modes, 1);
}

void cs_suspend_remove(void) {
    if (atomic_exchange(&installed, 0) == 0) return;
    sigaction(SIGTSTP, &previous_tstp, NULL);
    sigaction(SIGCONT, &previous_cont, NULL);
}

int cs_suspend_leave_now(void) {
    if (!atomic_load(&installed)) return 0;
    cs_suspend_remove();
    const struct sequences *s = &slots[atomic_load(&active_slot)];
    write_all(terminal_fd, s->leave, s->leave_length);
    tcsetattr(terminal_fd, TCSADRAIN, &shell_modes);
    return 1;
}

int cs_suspend_take_repaint(void) { return atomic_exchange(&repaint_requested, 0); }

void cs_suspend_set_stop_enabled(int enabled) { atomic_store(&stop_enabled, enabled ? 1 : 0); }

int cs_suspend_recorded_stops(void) { return atomic_load(&recorded_stops); }

int cs_suspend_recorded_modes(struct termios *out) {
    if (atomic_load(&recorded_stops) == 0) return -1;
    *out = recorded_modes;
    return 0;
}
