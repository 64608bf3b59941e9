#include "hist.h"

#include <math.h>
#include <string.h>

void hist_init(hist *h) {
  memset(h, 0, sizeof *h);
  h->min = UINT64_MAX;
}

static int index_of(uint64_t v) {
  if (v < (2u << HIST_SUB_BITS)) return (int)v;
  int e = 63 - __builtin_clzll(v);
  int shift = e - HIST_SUB_BITS;
  return shift * (1 << HIST_SUB_BITS) + (int)(v >> shift);
}

/* The largest value that lands in bucket i. */
static uint64_t upper_bound(int i) {
  int linear = 2 << HIST_SUB_BITS;
  if (i < linear) return (uint64_t)i;
  int shift = i / (1 << HIST_SUB_BITS) - 1;
  uint64_t sub = (uint64_t)(i % (1 << HIST_SUB_BITS) + (1 << HIST_SUB_BITS));
  return ((sub + 1) << shift) - 1;
}

void hist_record(hist *h, uint64_t value) {
  h->buckets[index_of(value)]++;
  h->count++;
  h->sum += (double)value;
  if (value < h->min) h->min = value;
  if (value > h->max) h->max = value;
}

uint64_t hist_percentile(const hist *h, double q) {
  if (h->count == 0) return 0;
  uint64_t target = (uint64_t)ceil(q * (double)h->count);
  if (target < 1) target = 1;
  uint64_t seen = 0;
  for (int i = 0; i < HIST_BUCKETS; i++) {
    seen += h->buckets[i];
    if (seen >= target) {
      uint64_t v = upper_bound(i);
      return v > h->max ? h->max : v < h->min ? h->min : v;
    }
  }
  return h->max;
}

double hist_mean(const hist *h) { return h->count ? h->sum / (double)h->count : 0; }
