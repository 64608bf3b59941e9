#ifndef WSLOAD_PROCSTAT_H
#define WSLOAD_PROCSTAT_H

/* What /proc says about the server process under test. */

/* Resident memory (VmRSS) in KiB, or -1 if the process is gone. */
long proc_rss_kb(int pid);

/* User plus system CPU seconds the process has used, or -1; with user
 * and system apart when those pointers are not NULL. */
double proc_cpu_seconds(int pid, double *user, double *system);

/* The same summed over several processes; -1 if any of them is gone. */
long procs_rss_kb(const int *pids, int count);
double procs_cpu_seconds(const int *pids, int count, double *user, double *system);

/* CPU seconds this process (the load generator) has used. */
double self_cpu_seconds(void);

#endif
