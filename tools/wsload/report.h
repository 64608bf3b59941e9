#ifndef WSLOAD_REPORT_H
#define WSLOAD_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"

/* "812 us", "1.23 ms", "2.05 s": three significant digits are all the
 * histogram promises. Returns buf. */
char *fmt_ns(char buf[32], uint64_t ns);

/* "name":{"p50":…,"p90":…,"p99":…,"p99_9":…,"max":…,"mean":…,"count":…} in microseconds. */
void json_latency(FILE *out, const char *name, const hist *h);

#endif
