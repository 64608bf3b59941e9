/* The run: connections opened in a bounded window, the pause before the
 * "after" sample, the mode, then every connection closed within a deadline
 * whatever the server does; the global timeout and signals cut it short. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "procstat.h"
#include "wsload.h"

static void begin_teardown(wl_ctx *ctx, int graceful);

uint64_t wl_now(void) { return uv_hrtime(); }

void wl_error(wl_ctx *ctx, const char *what) {
  for (int i = 0; i < ctx->error_kinds; i++) {
    if (strcmp(ctx->errors[i].what, what) == 0) {
      ctx->errors[i].count++;
      return;
    }
  }
  /* The last slot gathers whatever does not fit. */
  if (ctx->error_kinds == WL_MAX_ERROR_KINDS - 1) {
    ctx->errors[ctx->error_kinds].what = "other errors";
    ctx->error_kinds++;
  }
  if (ctx->error_kinds == WL_MAX_ERROR_KINDS) {
    ctx->errors[WL_MAX_ERROR_KINDS - 1].count++;
    return;
  }
  ctx->errors[ctx->error_kinds].what = what;
  ctx->errors[ctx->error_kinds].count = 1;
  ctx->error_kinds++;
}

void run_finish(wl_ctx *ctx) {
  ctx->phase = PHASE_DONE;
  uv_close((uv_handle_t *)&ctx->watchdog, NULL);
  uv_close((uv_handle_t *)&ctx->deadline, NULL);
  uv_close((uv_handle_t *)&ctx->phase_timer, NULL);
  uv_close((uv_handle_t *)&ctx->flush_check, NULL);
  uv_close((uv_handle_t *)&ctx->sigint, NULL);
  uv_close((uv_handle_t *)&ctx->sigterm, NULL);
}

static void on_flush_check(uv_check_t *check) { wl_flush(check->loop->data); }

static void run_mode(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  if (ctx->opt.server_pid > 0) {
    ctx->rss_after_kb = procs_rss_kb(ctx->opt.server_pids, ctx->opt.server_pid_count);
    ctx->server_cpu_start = procs_cpu_seconds(ctx->opt.server_pids, ctx->opt.server_pid_count, &ctx->server_user_start,
                                              &ctx->server_sys_start);
  }
  ctx->self_cpu_start = self_cpu_seconds();
  ctx->run_start_s = (double)wl_now() / 1e9;
  ctx->phase = PHASE_RUN;
  ctx->mode->start(ctx);
}

static void all_attempted(wl_ctx *ctx) {
  ctx->connect_end_ns = wl_now();
  if (ctx->open == 0) {
    begin_teardown(ctx, 0);
    return;
  }
  ctx->phase = PHASE_SETTLE;
  uv_timer_start(&ctx->phase_timer, run_mode, (uint64_t)(ctx->opt.hold * 1000), 0);
}

void run_start_more(wl_ctx *ctx) {
  /* conn_fail_open calls back in here; the outer call finishes the job. */
  static int busy;
  if (busy) return;
  busy = 1;
  while (ctx->phase == PHASE_CONNECT && ctx->connecting < ctx->opt.connect_concurrency && ctx->next_connect < ctx->n)
    conn_begin(ctx, &ctx->conns[ctx->next_connect++]);
  busy = 0;
  if (ctx->phase == PHASE_CONNECT && ctx->open + ctx->failed == ctx->n) all_attempted(ctx);
}

static void on_watchdog(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  if (ctx->phase != PHASE_CONNECT) return;
  uint64_t now = wl_now(), limit = (uint64_t)(ctx->opt.connect_timeout * 1e9);
  for (int i = 0; i < ctx->next_connect; i++) {
    wl_conn *c = &ctx->conns[i];
    if ((c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE || c->state == CONN_JOINING) &&
        now - c->started_ns > limit)
      conn_fail_open(ctx, c,
                     c->state == CONN_CONNECTING ? "connect timed out"
                     : c->state == CONN_HANDSHAKE ? "handshake timed out"
                                                  : "join timed out");
  }
  static uint64_t last_progress;
  if (!ctx->opt.quiet && isatty(2) && now - last_progress > 1000000000ull) {
    last_progress = now;
    fprintf(stderr, "\rwsload: %d open, %d failed, %d connecting ", ctx->open, ctx->failed, ctx->connecting);
  }
}

static void on_close_deadline(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  for (int i = 0; i < ctx->n; i++) {
    wl_conn *c = &ctx->conns[i];
    if (c->state == CONN_IDLE || c->state == CONN_CLOSED || uv_is_closing((uv_handle_t *)&c->tcp)) continue;
    if (c->state == CONN_CLOSING) wl_error(ctx, "close handshake timed out");
    conn_close(c, 1);
  }
}

static void begin_teardown(wl_ctx *ctx, int graceful) {
  if (ctx->phase >= PHASE_TEARDOWN) {
    if (!graceful) on_close_deadline(&ctx->phase_timer);
    return;
  }
  ctx->phase = PHASE_TEARDOWN;
  uv_timer_stop(&ctx->phase_timer);
  wl_flush(ctx);
  for (int i = 0; i < ctx->n; i++) {
    wl_conn *c = &ctx->conns[i];
    if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE || c->state == CONN_JOINING) {
      conn_fail_open(ctx, c, "aborted before it opened");
    } else if (c->state == CONN_OPEN) {
      ctx->alive--;
      if (!graceful) {
        c->state = CONN_CLOSING;
        conn_close(c, 1);
        continue;
      }
      static const uint8_t normal[2] = {1000 >> 8, 1000 & 0xFF};
      c->state = CONN_CLOSING;
      c->sent_close = 1;
      wl_send(ctx, c, OP_CLOSE, normal, 2);
    }
  }
  if (ctx->handles == 0) {
    run_finish(ctx);
    return;
  }
  uv_timer_start(&ctx->phase_timer, on_close_deadline, graceful ? (uint64_t)(ctx->opt.close_timeout * 1000) : 0, 0);
}

static void sample_end(wl_ctx *ctx) {
  if (ctx->run_end_s > 0) return;
  ctx->run_end_s = (double)wl_now() / 1e9;
  ctx->self_cpu_end = self_cpu_seconds();
  if (ctx->opt.server_pid > 0) {
    ctx->rss_end_kb = procs_rss_kb(ctx->opt.server_pids, ctx->opt.server_pid_count);
    ctx->server_cpu_end = procs_cpu_seconds(ctx->opt.server_pids, ctx->opt.server_pid_count, &ctx->server_user_end,
                                            &ctx->server_sys_end);
  }
}

void wl_run_done(wl_ctx *ctx) {
  if (ctx->phase != PHASE_RUN) return;
  sample_end(ctx);
  begin_teardown(ctx, 1);
}

static void give_up(wl_ctx *ctx) {
  if (ctx->phase == PHASE_RUN) {
    ctx->mode->abort(ctx);
    sample_end(ctx);
  }
  begin_teardown(ctx, 0);
}

static void on_deadline(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  ctx->timed_out = 1;
  give_up(ctx);
}

static void on_signal(uv_signal_t *signal, int signum) {
  (void)signum;
  wl_ctx *ctx = signal->loop->data;
  ctx->interrupted = 1;
  give_up(ctx);
}

int wl_pool_start(wl_ctx *ctx) {
  ctx->loop->data = ctx;
  ctx->conns = calloc((size_t)ctx->n, sizeof *ctx->conns);
  ctx->dirty = calloc((size_t)ctx->n, sizeof *ctx->dirty);
  if (ctx->conns == NULL || ctx->dirty == NULL) return UV_ENOMEM;
  for (int i = 0; i < ctx->n; i++) ctx->conns[i].index = (uint32_t)i;

  uv_timer_init(ctx->loop, &ctx->watchdog);
  uv_timer_init(ctx->loop, &ctx->deadline);
  uv_timer_init(ctx->loop, &ctx->phase_timer);
  uv_check_init(ctx->loop, &ctx->flush_check);
  uv_signal_init(ctx->loop, &ctx->sigint);
  uv_signal_init(ctx->loop, &ctx->sigterm);
  uv_signal_start(&ctx->sigint, on_signal, SIGINT);
  uv_signal_start(&ctx->sigterm, on_signal, SIGTERM);
  uv_check_start(&ctx->flush_check, on_flush_check);
  uv_timer_start(&ctx->watchdog, on_watchdog, 100, 100);
  uv_timer_start(&ctx->deadline, on_deadline, (uint64_t)(ctx->opt.timeout * 1000), 0);

  if (ctx->opt.server_pid > 0) ctx->rss_before_kb = procs_rss_kb(ctx->opt.server_pids, ctx->opt.server_pid_count);
  ctx->phase = PHASE_CONNECT;
  ctx->connect_start_ns = wl_now();
  run_start_more(ctx);
  return 0;
}
