#ifndef WSLOAD_PACER_H
#define WSLOAD_PACER_H

#include <stdint.h>
#include <uv.h>

/* A one-shot timer with nanosecond deadlines on the uv_hrtime clock.
 * libuv's timers have millisecond resolution, which at a fixed rate would
 * add up to a millisecond of the tool's own delay to every latency. */
typedef struct pacer {
  uv_poll_t poll;
  int fd;
  void (*fire)(struct pacer *pacer);
} pacer;

int pacer_init(uv_loop_t *loop, pacer *p, void (*fire)(pacer *p));
/* Fires once at `at` (uv_hrtime nanoseconds), or at once if it is past. */
void pacer_arm(pacer *p, uint64_t at);
void pacer_stop(pacer *p);

#endif
