#ifndef CTESTSUPPORT_H
#define CTESTSUPPORT_H

// Test-only C: pseudo-terminals for the ncurses backend's tests, and (parallelism.c, no header)
// the bound on how many test cases run at once. Kept out of the product's CSupport, which only
// holds what rampart itself calls.

// A pseudo-terminal pair with the given size; 0, or -1 with errno set. Both ends close on exec.
int cs_openpty(int *master, int *slave, unsigned short rows, unsigned short cols);
// ioctl is variadic, which Swift cannot call.
int cs_set_window_size(int fd, unsigned short rows, unsigned short cols);
int cs_get_window_size(int fd, unsigned short *rows, unsigned short *cols);

#endif
