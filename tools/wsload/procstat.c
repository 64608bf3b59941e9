#include "procstat.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

long proc_rss_kb(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  char line[256];
  long kb = -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      sscanf(line + 6, "%ld", &kb);
      break;
    }
  }
  fclose(f);
  return kb;
}

double proc_cpu_seconds(int pid, double *user, double *system) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: fields resume after the last ')'. */
  char *p = strrchr(buf, ')');
  if (p == NULL) return -1;
  unsigned long utime = 0, stime = 0;
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
  double tick = (double)sysconf(_SC_CLK_TCK);
  if (user != NULL) *user = (double)utime / tick;
  if (system != NULL) *system = (double)stime / tick;
  return (double)(utime + stime) / tick;
}

long procs_rss_kb(const int *pids, int count) {
  long total = 0;
  for (int i = 0; i < count; i++) {
    long kb = proc_rss_kb(pids[i]);
    if (kb < 0) return -1;
    total += kb;
  }
  return total;
}

double procs_cpu_seconds(const int *pids, int count, double *user, double *system) {
  double total = 0, user_total = 0, system_total = 0;
  for (int i = 0; i < count; i++) {
    double u = 0, s = 0, both = proc_cpu_seconds(pids[i], &u, &s);
    if (both < 0) return -1;
    total += both, user_total += u, system_total += s;
  }
  if (user != NULL) *user = user_total;
  if (system != NULL) *system = system_total;
  return total;
}

double self_cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}
