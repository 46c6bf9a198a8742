// Bounds how many test cases Swift Testing runs at once, before any Swift code runs.
//
// Swift Testing 6.3 starts every test case at the same moment unless
// SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH says otherwise, and a test's time limit counts
// from that moment. On a 2-core machine some 800 test cases then share two cooperative threads
// with engines and subprocesses under load, and quick unit tests queued behind the slow ones
// exceeded their 60 s without having run (CI, 2026-12-04: 56 such failures). With a bound, a
// test's clock starts when it gets a slot. Set here, in a constructor, so that the README's plain
// `swift test` is bounded too; a value already in the environment wins. Swift reads the variable
// lazily, after main has started, so a constructor is early enough.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// Test cases per online core: most tests wait on timers, sockets and subprocesses, not the CPU.
static const long casesPerCore = 4;

__attribute__((constructor)) static void bound_test_parallelism(void) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    char width[32];
    snprintf(width, sizeof width, "%ld", cores * casesPerCore);
    setenv("SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH", width, 0);
}
