// sched_getaffinity and pthread_setaffinity_np are GNU extensions that Swift's Glibc module does
// not import, hence this shim.
#define _GNU_SOURCE
#include "CThreadAffinity.h"

#include <errno.h>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>

int rampart_allowed_cpus(int *cpus, int max) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  int count = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && count < max; cpu++) {
    if (CPU_ISSET(cpu, &set)) cpus[count++] = cpu;
  }
  return count;
}

int rampart_pin_current_thread(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}
#else
int rampart_allowed_cpus(int *cpus, int max) {
  (void)cpus;
  (void)max;
  return -1;
}

int rampart_pin_current_thread(int cpu) {
  (void)cpu;
  return ENOTSUP;
}
#endif
