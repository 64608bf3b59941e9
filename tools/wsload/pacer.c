#include "pacer.h"

#include <stdio.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void on_ready(uv_poll_t *poll, int status, int events) {
  (void)status, (void)events;
  pacer *p = (pacer *)poll;
  uint64_t expirations;
  if (read(p->fd, &expirations, sizeof expirations) != sizeof expirations) return;
  p->fire(p);
}

int pacer_init(uv_loop_t *loop, pacer *p, void (*fire)(pacer *p)) {
  /* uv_hrtime reads CLOCK_MONOTONIC, so deadlines need no conversion. */
  p->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (p->fd < 0) {
    perror("wsload: timerfd_create");
    return -1;
  }
  p->fire = fire;
  return uv_poll_init(loop, &p->poll, p->fd);
}

void pacer_arm(pacer *p, uint64_t at) {
  if (at == 0) at = 1; /* zero would disarm */
  struct itimerspec spec = {.it_value = {.tv_sec = (time_t)(at / 1000000000u), .tv_nsec = (long)(at % 1000000000u)}};
  timerfd_settime(p->fd, TFD_TIMER_ABSTIME, &spec, NULL);
  if (!uv_is_active((uv_handle_t *)&p->poll)) uv_poll_start(&p->poll, UV_READABLE, on_ready);
}

void pacer_stop(pacer *p) {
  struct itimerspec off = {0};
  timerfd_settime(p->fd, 0, &off, NULL);
  uv_poll_stop(&p->poll);
}
