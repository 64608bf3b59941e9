/* echo: round-trip latency and throughput. Latency is kept for every
 * message sent inside the measured window, waiting for late replies after
 * it, so slow replies at the end are not cut off; throughput counts replies
 * received inside the window. */
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "pacer.h"
#include "report.h"
#include "wsload.h"

/* A fixed-rate run keeps at most this many messages waiting per connection;
 * beyond it the server is so far behind that the rate is not being met. */
#define RATE_BACKLOG 4096

static struct {
  hist latency;
  uint64_t t0, window_start, window_end;
  uint64_t stopped; /* when sending ended: window_end, or earlier if every connection was lost */
  uint64_t replies_in_window, replies, sent, in_flight;
  uint64_t mismatches, strays, lost_messages, unanswered, skipped;
  int window_over, done;
  uv_timer_t tick, drain;
  pacer pace;
  uint8_t *payload;
  uint32_t fifo_cap;
  int next_conn;
} echo;

static void on_due(pacer *p);

static int prepare(wl_ctx *ctx) {
  hist_init(&echo.latency);
  echo.payload = malloc(ctx->opt.size + 1);
  if (echo.payload == NULL) return -1;
  /* Printable ASCII is valid UTF-8, so text frames pass any server's check. */
  for (size_t i = 0; i < ctx->opt.size; i++) echo.payload[i] = (uint8_t)('a' + i % 26);
  ctx->payload = echo.payload;
  ctx->payload_len = ctx->opt.size;
  ctx->opcode = ctx->opt.binary ? OP_BINARY : OP_TEXT;
  echo.fifo_cap = ctx->opt.rate > 0 ? RATE_BACKLOG : (uint32_t)ctx->opt.inflight;
  uv_timer_init(ctx->loop, &echo.tick);
  uv_timer_init(ctx->loop, &echo.drain);
  if (ctx->opt.rate > 0 && pacer_init(ctx->loop, &echo.pace, on_due) != 0) return -1;
  return 0;
}

static int push(wl_conn *c, uint64_t t) {
  if (c->fifo_len == c->fifo_cap) return 0;
  c->fifo[(c->fifo_head + c->fifo_len) % c->fifo_cap] = t;
  c->fifo_len++;
  echo.in_flight++;
  return 1;
}

static uint64_t pop(wl_conn *c) {
  uint64_t t = c->fifo[c->fifo_head];
  c->fifo_head = (c->fifo_head + 1) % c->fifo_cap;
  c->fifo_len--;
  echo.in_flight--;
  return t;
}

static void finish_run(wl_ctx *ctx) {
  if (echo.done) return;
  echo.done = 1;
  uv_timer_stop(&echo.tick);
  if (ctx->opt.rate > 0) pacer_stop(&echo.pace);
  uv_timer_stop(&echo.drain);
  echo.unanswered += echo.in_flight;
  if (echo.in_flight > 0) {
    wl_error(ctx, "echo: no reply before the drain deadline");
    /* A stalled server must show in the tail: an unanswered message took
     * at least until now, and leaving it out would hide the stall. */
    uint64_t now = wl_now();
    for (int i = 0; i < ctx->n; i++) {
      wl_conn *c = &ctx->conns[i];
      for (uint32_t k = 0; k < c->fifo_len; k++) {
        uint64_t sent_at = c->fifo[(c->fifo_head + k) % c->fifo_cap];
        if (sent_at >= echo.window_start && sent_at < echo.window_end) hist_record(&echo.latency, now - sent_at);
      }
    }
  }
  wl_run_done(ctx);
}

static void on_drain_deadline(uv_timer_t *timer) { finish_run(timer->loop->data); }

static void end_window(wl_ctx *ctx) {
  if (echo.window_over) return;
  echo.window_over = 1;
  uint64_t now = wl_now();
  echo.stopped = now < echo.window_end ? now : echo.window_end;
  uv_timer_stop(&echo.tick);
  if (ctx->opt.rate > 0) pacer_stop(&echo.pace);
  if (echo.in_flight == 0) finish_run(ctx);
  else uv_timer_start(&echo.drain, on_drain_deadline, 5000, 0);
}

static void on_window_end(uv_timer_t *timer) { end_window(timer->loop->data); }

static wl_conn *next_open(wl_ctx *ctx) {
  for (int tries = 0; tries < ctx->n; tries++) {
    wl_conn *c = &ctx->conns[echo.next_conn];
    echo.next_conn = (echo.next_conn + 1) % ctx->n;
    if (c->state == CONN_OPEN) return c;
  }
  return NULL;
}

/* Sends every message due by now, each stamped with the time it was due,
 * so a server that falls behind is charged for the wait (no coordinated
 * omission), then sleeps until the next one is due. */
static void on_due(pacer *p) {
  wl_ctx *ctx = p->poll.loop->data;
  if (echo.window_over) return;
  uint64_t now = wl_now();
  double per = 1e9 / ctx->opt.rate;
  uint64_t due = (uint64_t)((double)(now - echo.t0) / per) + 1;
  while (echo.sent < due) {
    uint64_t at = echo.t0 + (uint64_t)((double)echo.sent * per);
    if (at >= echo.window_end) {
      wl_flush(ctx);
      end_window(ctx);
      return;
    }
    wl_conn *c = next_open(ctx);
    if (c == NULL) {
      end_window(ctx);
      return;
    }
    if (push(c, at)) wl_owe(ctx, c, 1);
    else echo.skipped++;
    echo.sent++;
  }
  wl_flush(ctx);
  pacer_arm(&echo.pace, echo.t0 + (uint64_t)((double)echo.sent * per));
}

static void start(wl_ctx *ctx) {
  echo.t0 = wl_now();
  echo.window_start = echo.t0 + (uint64_t)(ctx->opt.warmup * 1e9);
  echo.window_end = echo.window_start + (uint64_t)(ctx->opt.duration * 1e9);
  for (int i = 0; i < ctx->n; i++) {
    wl_conn *c = &ctx->conns[i];
    if (c->state != CONN_OPEN) continue;
    c->fifo = calloc(echo.fifo_cap, sizeof *c->fifo);
    c->fifo_cap = echo.fifo_cap;
  }
  uv_timer_start(&echo.tick, on_window_end, (uint64_t)((echo.window_end - echo.t0) / 1000000), 0);
  if (ctx->opt.rate > 0) {
    pacer_arm(&echo.pace, echo.t0);
    return;
  }
  for (int i = 0; i < ctx->n; i++) {
    wl_conn *c = &ctx->conns[i];
    if (c->state != CONN_OPEN) continue;
    for (int k = 0; k < ctx->opt.inflight; k++) push(c, echo.t0);
    wl_owe(ctx, c, (uint32_t)ctx->opt.inflight);
    echo.sent += (uint64_t)ctx->opt.inflight;
  }
}

static void message(wl_ctx *ctx, wl_conn *c, const frame_event *ev, uint64_t now) {
  if (c->fifo_len == 0) {
    echo.strays++;
    wl_error(ctx, "echo: a message with none in flight");
    return;
  }
  uint64_t sent_at = pop(c);
  echo.replies++;
  if (ev->mismatch || ev->opcode != ctx->opcode) {
    echo.mismatches++;
    wl_error(ctx, "echo: reply differs from the message sent");
  }
  if (sent_at >= echo.window_start && sent_at < echo.window_end) hist_record(&echo.latency, now - sent_at);
  if (now >= echo.window_start && now < echo.window_end) echo.replies_in_window++;
  if (ctx->opt.rate == 0 && now < echo.window_end && !echo.window_over) {
    push(c, now);
    wl_owe(ctx, c, 1);
    echo.sent++;
  }
  if (echo.window_over && echo.in_flight == 0) finish_run(ctx);
}

static void lost(wl_ctx *ctx, wl_conn *c) {
  echo.lost_messages += c->fifo_len;
  echo.in_flight -= c->fifo_len;
  c->fifo_len = 0;
  if (ctx->alive == 0) {
    end_window(ctx);
    finish_run(ctx);
  } else if (echo.window_over && echo.in_flight == 0) {
    finish_run(ctx);
  }
}

static void abort_run(wl_ctx *ctx) {
  uv_timer_stop(&echo.tick);
  if (ctx->opt.rate > 0) pacer_stop(&echo.pace);
  uv_timer_stop(&echo.drain);
  echo.done = 1;
}

static double window_seconds(wl_ctx *ctx) {
  /* A run cut short measured only until it stopped. */
  double end = echo.window_over ? (double)echo.stopped / 1e9 : ctx->run_end_s;
  double span = end - (double)echo.window_start / 1e9;
  return span > 0 ? span : 0;
}

static void report_human(wl_ctx *ctx, FILE *out) {
  double seconds = window_seconds(ctx);
  double rate = seconds > 0 ? (double)echo.replies_in_window / seconds : 0;
  char mode[96];
  if (ctx->opt.rate > 0) snprintf(mode, sizeof mode, "fixed rate %.0f msg/s", ctx->opt.rate);
  else snprintf(mode, sizeof mode, "closed loop, %d in flight per connection", ctx->opt.inflight);
  fprintf(out, "%-16s%zu-byte %s messages, %s, %.1f s after %.1f s warm-up\n", "load", ctx->opt.size,
          ctx->opt.binary ? "binary" : "text", mode, ctx->opt.duration, ctx->opt.warmup);
  fprintf(out, "%-16s%.0f msg/s, %.2f MB/s of payload each way (%llu replies in %.2f s)\n", "throughput", rate,
          rate * (double)ctx->opt.size / 1e6, (unsigned long long)echo.replies_in_window, seconds);
  char a[5][32];
  fprintf(out, "%-16sp50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%llu samples)\n", "latency",
          fmt_ns(a[0], hist_percentile(&echo.latency, 0.5)), fmt_ns(a[1], hist_percentile(&echo.latency, 0.9)),
          fmt_ns(a[2], hist_percentile(&echo.latency, 0.99)), fmt_ns(a[3], hist_percentile(&echo.latency, 0.999)),
          fmt_ns(a[4], echo.latency.count ? echo.latency.max : 0), (unsigned long long)echo.latency.count);
  report_server_cost(out, ctx, echo.replies, "reply");
  if (echo.skipped) fprintf(out, "%-16s%llu sends skipped: %d already waiting on a connection\n", "rate not met",
                            (unsigned long long)echo.skipped, RATE_BACKLOG);
  if (echo.mismatches || echo.lost_messages || echo.unanswered || echo.strays)
    fprintf(out, "%-16s%llu wrong, %llu lost with their connection, %llu unanswered, %llu unexpected\n", "replies",
            (unsigned long long)echo.mismatches, (unsigned long long)echo.lost_messages,
            (unsigned long long)echo.unanswered, (unsigned long long)echo.strays);
}

static void report_json(wl_ctx *ctx, FILE *out) {
  double seconds = window_seconds(ctx);
  double rate = seconds > 0 ? (double)echo.replies_in_window / seconds : 0;
  fprintf(out, "\"echo\":{\"size\":%zu,\"binary\":%s,\"loop\":\"%s\",\"inflight\":%d,\"rate\":%.3f,", ctx->opt.size,
          ctx->opt.binary ? "true" : "false", ctx->opt.rate > 0 ? "fixed-rate" : "closed", ctx->opt.inflight,
          ctx->opt.rate);
  fprintf(out, "\"warmup_s\":%.3f,\"window_s\":%.3f,\"replies\":%llu,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,",
          ctx->opt.warmup, seconds, (unsigned long long)echo.replies_in_window, rate,
          rate * (double)ctx->opt.size / 1e6);
  fprintf(out, "\"replies_total\":%llu,", (unsigned long long)echo.replies);
  fprintf(out, "\"sent\":%llu,\"skipped\":%llu,\"wrong\":%llu,\"lost\":%llu,\"unanswered\":%llu,\"unexpected\":%llu,",
          (unsigned long long)echo.sent, (unsigned long long)echo.skipped, (unsigned long long)echo.mismatches,
          (unsigned long long)echo.lost_messages, (unsigned long long)echo.unanswered,
          (unsigned long long)echo.strays);
  json_latency(out, "latency_us", &echo.latency);
  fputs("},", out);
}

static int complete(wl_ctx *ctx) {
  (void)ctx;
  return echo.window_over && echo.mismatches == 0 && echo.lost_messages == 0 && echo.unanswered == 0 &&
         echo.strays == 0 && echo.skipped == 0;
}

const wl_mode echo_mode = {"echo", prepare, start, message, lost, abort_run, report_human, report_json, complete,
                           NULL, NULL, NULL, NULL};
