#ifndef WSLOAD_HIST_H
#define WSLOAD_HIST_H

#include <stdint.h>

/* A log-linear histogram of nanosecond values: exact below 256 ns, then
 * 128 buckets per power of two, so any percentile is within 0.8% of the
 * true value while recording is O(1) and the memory is fixed (58 KiB). */

#define HIST_SUB_BITS 7
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * (1 << HIST_SUB_BITS))

typedef struct hist {
  uint64_t count;
  uint64_t min, max;
  double sum;
  uint64_t buckets[HIST_BUCKETS];
} hist;

void hist_init(hist *h);
void hist_record(hist *h, uint64_t value);
/* The smallest recorded-bucket bound at or above which fraction q (0..1)
 * of values lie; 0 when empty. */
uint64_t hist_percentile(const hist *h, double q);
double hist_mean(const hist *h);

#endif
