#ifndef RAMPART_THREAD_AFFINITY_H
#define RAMPART_THREAD_AFFINITY_H

/// Writes up to `max` ids of the CPUs this process may run on into `cpus` and returns how many
/// there are, or -1 where the platform has no affinity API (macOS) or the call failed.
int rampart_allowed_cpus(int *cpus, int max);

/// Binds the calling thread to one CPU. Returns 0, or an errno value.
int rampart_pin_current_thread(int cpu);

#endif
