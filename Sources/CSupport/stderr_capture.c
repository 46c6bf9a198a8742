#define _GNU_SOURCE
#include "CSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static atomic_int saved_fd = -1;
static atomic_int capture_fd = -1;

static int anonymous_file(void) {
    int fd = memfd_create("rampart-stderr", MFD_CLOEXEC);
    if (fd >= 0) return fd;
    // Kernels or sandboxes without memfd: an unlinked temporary file does the same job.
    char path[] = "/tmp/rampart-stderr-XXXXXX";
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0) unlink(path);
    return fd;
}

int cs_stderr_capture_begin(void) {
    if (atomic_load(&saved_fd) >= 0) return 0;
    fflush(stderr);
    int capture = anonymous_file();
    if (capture < 0) return -1;
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0) {
        int e = errno;
        close(capture);
        errno = e;
        return -1;
    }
    // dup2 leaves fd 2 inheritable, so child processes (log commands) are captured as well.
    if (dup2(capture, STDERR_FILENO) < 0) {
        int e = errno;
        close(capture);
        close(saved);
        errno = e;
        return -1;
    }
    atomic_store(&capture_fd, capture);
    atomic_store(&saved_fd, saved);
    return 0;
}

static void write_all(int fd, const char *bytes, ssize_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, (size_t)count);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        bytes += n;
        count -= n;
    }
}

// Only async-signal-safe calls: the crash handler ends the capture too.
int cs_stderr_capture_end(void) {
    int saved = atomic_exchange(&saved_fd, -1);
    if (saved < 0) return 0;
    int capture = atomic_exchange(&capture_fd, -1);
    int e = errno;
    dup2(saved, STDERR_FILENO);
    close(saved);
    if (capture >= 0) {
        char buffer[4096];
        if (lseek(capture, 0, SEEK_SET) == 0) {
            for (;;) {
                ssize_t n = read(capture, buffer, sizeof buffer);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                write_all(STDERR_FILENO, buffer, n);
            }
        }
        close(capture);
    }
    errno = e;
    return 0;
}

int cs_stderr_capture_active(void) { return atomic_load(&saved_fd) >= 0; }
