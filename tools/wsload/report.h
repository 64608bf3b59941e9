#ifndef WSLOAD_REPORT_H
#define WSLOAD_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"

/* "812 us", "1.23 ms", "2.05 s": three significant digits are all the
 * histogram promises. Returns buf. */
char *fmt_ns(char buf[32], uint64_t ns);

typedef struct wl_ctx wl_ctx;

/* The "cost" line: the server's CPU time over the run divided by `count`
 * (replies, deliveries), warm-up included; nothing without --server-pid or
 * when the server could not be sampled. */
void report_server_cost(FILE *out, wl_ctx *ctx, uint64_t count, const char *per);

/* "name":{"p50":…,"p90":…,"p99":…,"p99_9":…,"max":…,"mean":…,"count":…} in microseconds. */
void json_latency(FILE *out, const char *name, const hist *h);

#endif
