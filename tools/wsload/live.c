/* live: every connection is a browser tab on a live page. It fetches the
 * page (GET, the cookies it sets kept), reads the view's tokens from it,
 * opens the WebSocket with an Origin header and permessage-deflate offered
 * as Chromium offers it, joins, then sends the connector's event frame and
 * waits for that event's answer before the next, one in flight per
 * connection. Every answer is checked against the ref it must carry;
 * refusals, wrong answers and silence are counted. LiveTS's protocol, or
 * Phoenix LiveView's (--protocol phoenix, for pyview). */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "hist.h"
#include "liveproto.h"
#include "page.h"
#include "pmd.h"
#include "procstat.h"
#include "report.h"
#include "wsload.h"

/* A message larger than this, inflated, is not one of these views' answers. */
#define MESSAGE_LIMIT (64u << 20)
/* After the window, how long answers still in flight are waited for. */
#define DRAIN_MS 5000
#define MAX_ELEMENTS 8

typedef struct live_conn {
  live_view view;
  page *fetch;
  char headers[LIVE_FRAME_MAX]; /* of the upgrade request */
  int compressed;
  pmd z;
  bytes msg, out;
  const char *broken; /* its stream cannot be read any more: why */
  uint64_t ref, waiting, sent_at;
} live_conn;

static struct {
  const live_protocol *protocol;
  hist latency;
  uint64_t window_start, window_end, stopped_at;
  double cpu_start, cpu_end;
  uint64_t events, answered, sent, in_flight;
  uint64_t refused, bad, strays, other, lost, unanswered, broken;
  uint64_t received, inflated; /* server messages, and those of them compressed */
  int measuring, window_over, done, compressed_conns;
  char deflate_params[160];
  uv_timer_t window, drain;
} live;

static live_conn *of(wl_conn *c) { return c->mode_data; }

static int prepare(wl_ctx *ctx) {
  if (strcmp(ctx->opt.protocol, "livets") == 0) live.protocol = &livets_protocol;
  else if (strcmp(ctx->opt.protocol, "phoenix") == 0) live.protocol = &phoenix_protocol;
  else {
    fprintf(stderr, "wsload: --protocol is livets or phoenix, not '%s'\n", ctx->opt.protocol);
    return -1;
  }
  if (ctx->opt.event[0] == '\0') {
    fputs("wsload: --event wants a name\n", stderr);
    return -1;
  }
  hist_init(&live.latency);
  uv_timer_init(ctx->loop, &live.window);
  uv_timer_init(ctx->loop, &live.drain);
  return 0;
}

/* The first message of each kind of trouble goes to stderr whole (well,
 * its start), so a wrong answer can be read, not only counted. */
static void show(const char *why, const bytes *msg) {
  static const char *shown[16];
  static int count;
  for (int i = 0; i < count; i++)
    if (shown[i] == why) return;
  if (count < 16) shown[count++] = why;
  int len = msg != NULL ? (int)(msg->len < 400 ? msg->len : 400) : 0;
  fprintf(stderr, "wsload: %s%s%.*s%s\n", why, len ? ": " : "", len, msg != NULL ? (const char *)msg->p : "",
          msg != NULL && msg->len > 400 ? "…" : "");
}

/* ---- opening: the page, the upgrade, the join ---- */

static void on_page(void *arg, int status, const char *why, const char *body, size_t body_len, const char *cookies) {
  (void)body_len;
  wl_conn *c = arg;
  wl_ctx *ctx = c->tcp.loop->data;
  live_conn *l = of(c);
  l->fetch = NULL;
  if (status == 0) {
    conn_fail_open(ctx, c, why);
    return;
  }
  if (status != 200) {
    conn_fail_open(ctx, c, "page: status is not 200");
    return;
  }
  const wl_target *t = &ctx->opt.targets[c->index % (uint32_t)ctx->opt.target_count];
  int v6 = strchr(t->host, ':') != NULL;
  char origin[320];
  snprintf(origin, sizeof origin, "http://%s%s%s:%d", v6 ? "[" : "", t->host, v6 ? "]" : "", t->port);
  if ((why = live.protocol->read_page(&l->view, body, origin, t->path)) != NULL) {
    show(why, NULL);
    conn_fail_open(ctx, c, why);
    return;
  }
  int n = snprintf(l->headers, sizeof l->headers, "Origin: %s\r\n%s%s%s%s%s", origin,
                   ctx->opt.deflate ? "Sec-WebSocket-Extensions: " PMD_OFFER : "", ctx->opt.deflate ? "\r\n" : "",
                   cookies[0] ? "Cookie: " : "", cookies, cookies[0] ? "\r\n" : "");
  if (n < 0 || (size_t)n >= sizeof l->headers) {
    conn_fail_open(ctx, c, "page: cookies too long");
    return;
  }
  conn_connect(ctx, c);
}

static void fetch(wl_ctx *ctx, wl_conn *c) {
  live_conn *l = calloc(1, sizeof *l);
  if (l == NULL) {
    fputs("wsload: out of memory\n", stderr);
    exit(1);
  }
  c->mode_data = l;
  const wl_target *t = &ctx->opt.targets[c->index % (uint32_t)ctx->opt.target_count];
  char host[300];
  snprintf(host, sizeof host, strchr(t->host, ':') != NULL ? "[%s]" : "%s", t->host);
  l->fetch = page_get(ctx->loop, (const struct sockaddr *)&ctx->addr[c->index % (uint32_t)ctx->opt.target_count], host,
                      t->port, t->path, on_page, c);
  if (l->fetch == NULL) conn_fail_open(ctx, c, "page: request could not start");
}

static void abandon(wl_ctx *ctx, wl_conn *c) {
  (void)ctx;
  live_conn *l = of(c);
  if (l != NULL && l->fetch != NULL) {
    page_cancel(l->fetch);
    l->fetch = NULL;
  }
}

static const char *upgrade(wl_ctx *ctx, wl_conn *c, const char **extra_headers) {
  (void)ctx;
  *extra_headers = of(c)->headers;
  return of(c)->view.socket_path;
}

/* Every data byte of a message, as it arrives: inflated when the message
 * is compressed, so the inflater's window follows the stream. */
static void on_data(void *arg, const uint8_t *data, size_t len) {
  wl_conn *c = arg;
  live_conn *l = of(c);
  if (l->broken != NULL) return;
  if (!c->dec.compressed) {
    if (l->msg.len + len > MESSAGE_LIMIT) l->broken = "message over 64 MiB";
    else bytes_append(&l->msg, data, len);
  } else if (pmd_inflate(&l->z, data, len, &l->msg, MESSAGE_LIMIT) != 0) {
    l->broken = "permessage-deflate: data does not inflate";
  }
}

static int send_frame(wl_ctx *ctx, wl_conn *c, const char *frame, size_t len) {
  live_conn *l = of(c);
  /* As ws does: a message under the threshold goes uncompressed (RFC 7692 lets each message choose). */
  if (l->compressed && l->z.deflating && len >= ctx->opt.deflate_threshold) {
    l->out.len = 0;
    if (pmd_deflate(&l->z, frame, len, &l->out) == 0) return wl_send(ctx, c, OP_TEXT | FRAME_RSV1, l->out.p, l->out.len);
    wl_error(ctx, "permessage-deflate: a message did not compress");
  }
  return wl_send(ctx, c, OP_TEXT, frame, len);
}

static const char *upgraded(wl_ctx *ctx, wl_conn *c, const char *extensions, size_t len) {
  live_conn *l = of(c);
  if (extensions != NULL) {
    if (!ctx->opt.deflate) return "handshake: unrequested extension";
    pmd_params params;
    const char *why = pmd_parse(extensions, len, &params);
    if (why != NULL) return why;
    if (pmd_init(&l->z, &params) != 0) return "permessage-deflate: zlib would not start";
    l->compressed = 1;
    c->dec.rsv1_ok = 1;
    if (live.compressed_conns++ == 0) pmd_describe(&params, live.deflate_params, sizeof live.deflate_params);
  }
  c->dec.sink = on_data;
  c->dec.sink_arg = c;
  l->ref = 1;
  send_frame(ctx, c, l->view.join, l->view.join_len);
  return NULL;
}

/* ---- the closed loop ---- */

static void send_event(wl_ctx *ctx, wl_conn *c) {
  live_conn *l = of(c);
  char frame[LIVE_FRAME_MAX];
  size_t len = live.protocol->event(&l->view, ctx->opt.event, ++l->ref, frame, sizeof frame);
  if (len == 0) {
    wl_error(ctx, "event frame too long");
    return;
  }
  l->waiting = l->ref;
  l->sent_at = wl_now();
  live.in_flight++;
  live.sent++;
  send_frame(ctx, c, frame, len);
}

static void finish_run(wl_ctx *ctx) {
  if (live.done) return;
  live.done = 1;
  uv_timer_stop(&live.window);
  uv_timer_stop(&live.drain);
  if (live.in_flight > 0) {
    live.unanswered += live.in_flight;
    wl_error(ctx, "live: no answer before the drain deadline");
  }
  wl_run_done(ctx);
}

static void on_drain_deadline(uv_timer_t *timer) { finish_run(timer->loop->data); }

static double window_seconds(void) {
  uint64_t end = live.window_over ? live.stopped_at : wl_now();
  return live.window_start && end > live.window_start ? (double)(end - live.window_start) / 1e9 : 0;
}

static double load_cpu(void) {
  double s = window_seconds();
  return s > 0 && live.cpu_end >= live.cpu_start ? (live.cpu_end - live.cpu_start) / s : 0;
}

/* What scripts/bench/render reads, as its Node client printed it. */
static void phase_done(wl_ctx *ctx) {
  if (!ctx->opt.json) return;
  double s = window_seconds();
  printf("{\"phase\":\"done\",\"events\":%llu,\"seconds\":%.6f,\"perSecond\":%.3f,\"p50\":%.2f,\"p99\":%.2f,"
         "\"loadCpu\":%.4f,\"compressed\":%s}\n",
         (unsigned long long)live.events, s, s > 0 ? (double)live.events / s : 0,
         hist_percentile(&live.latency, 0.5) / 1e3, hist_percentile(&live.latency, 0.99) / 1e3, load_cpu(),
         live.compressed_conns > 0 && live.compressed_conns == ctx->open ? "true" : "false");
  fflush(stdout);
}

static void end_window(wl_ctx *ctx) {
  if (live.window_over) return;
  live.window_over = 1;
  live.measuring = 0;
  live.stopped_at = wl_now();
  if (live.window_start == 0) live.window_start = live.stopped_at;
  live.cpu_end = self_cpu_seconds();
  uv_timer_stop(&live.window);
  phase_done(ctx);
  if (live.in_flight == 0) finish_run(ctx);
  else uv_timer_start(&live.drain, on_drain_deadline, DRAIN_MS, 0);
}

static void on_window_end(uv_timer_t *timer) { end_window(timer->loop->data); }

static void on_window_start(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  live.window_start = wl_now();
  live.window_end = live.window_start + (uint64_t)(ctx->opt.duration * 1e9);
  live.cpu_start = self_cpu_seconds();
  live.measuring = 1;
  if (ctx->opt.json) {
    /* scripts/bench/render samples the server's CPU time here. */
    puts("{\"phase\":\"measure\"}");
    fflush(stdout);
  }
  uv_timer_start(&live.window, on_window_end, (uint64_t)(ctx->opt.duration * 1000), 0);
}

static void start(wl_ctx *ctx) {
  uv_timer_start(&live.window, on_window_start, (uint64_t)(ctx->opt.warmup * 1000), 0);
  for (int i = 0; i < ctx->n; i++)
    if (ctx->conns[i].state == CONN_OPEN) send_event(ctx, &ctx->conns[i]);
}

/* The awaited event is answered; right says whether it counts. */
static void answered(wl_ctx *ctx, wl_conn *c, uint64_t now, int right) {
  live_conn *l = of(c);
  l->waiting = 0;
  live.in_flight--;
  live.answered++;
  if (right && live.measuring) {
    live.events++;
    hist_record(&live.latency, now - l->sent_at);
  }
  if (!live.window_over) send_event(ctx, c);
  else if (live.in_flight == 0) finish_run(ctx);
}

static void joined_answer(wl_ctx *ctx, wl_conn *c, const json_span *el, int n) {
  const char *why = "join: answer is not a JSON array";
  live_answer a = n >= 0 ? live.protocol->joined(&of(c)->view, el, n, &why) : ANSWER_BAD;
  if (a == ANSWER_OK) {
    conn_joined(ctx, c);
    return;
  }
  show(why, &of(c)->msg);
  conn_fail_open(ctx, c, why);
}

/* The connection's stream cannot be read any more: it stops here, its
 * event unanswered. */
static void stream_broke(wl_ctx *ctx, wl_conn *c) {
  live_conn *l = of(c);
  live.broken++;
  show(l->broken, NULL);
  c->dec.sink = NULL;
  if (c->state == CONN_JOINING) {
    conn_fail_open(ctx, c, l->broken);
    return;
  }
  wl_error(ctx, l->broken);
  if (l->waiting) {
    l->waiting = 0;
    live.in_flight--;
    live.unanswered++;
    if (live.window_over && live.in_flight == 0) finish_run(ctx);
  }
}

static void message(wl_ctx *ctx, wl_conn *c, const frame_event *ev, uint64_t now) {
  live_conn *l = of(c);
  if (c->dec.sink == NULL) return; /* broken before */
  live.received++;
  live.inflated += ev->compressed != 0;
  if (ev->compressed && l->broken == NULL && pmd_inflate_end(&l->z, &l->msg, MESSAGE_LIMIT) != 0)
    l->broken = "permessage-deflate: data does not inflate";
  if (l->broken != NULL) {
    stream_broke(ctx, c);
    return;
  }
  json_span el[MAX_ELEMENTS];
  int n = ev->opcode == OP_TEXT ? json_array((const char *)l->msg.p, l->msg.len, el, MAX_ELEMENTS) : -1;
  if (n > MAX_ELEMENTS) n = MAX_ELEMENTS;
  if (c->state == CONN_JOINING) {
    joined_answer(ctx, c, el, n);
    l->msg.len = 0;
    return;
  }
  const char *why = "not a JSON array in a text message";
  live_answer a = n >= 0 ? live.protocol->answer(&l->view, l->waiting, el, n, &why) : ANSWER_STRAY;
  if (a == ANSWER_OTHER) {
    live.other++;
  } else if (a != ANSWER_OK) {
    if (a == ANSWER_REFUSED) live.refused++;
    else if (a == ANSWER_BAD) live.bad++;
    else live.strays++;
    show(why, &l->msg);
    wl_error(ctx, why);
  }
  l->msg.len = 0;
  /* A refusal or a wrong answer answers the event all the same, uncounted; a stray does not. */
  if (a == ANSWER_OK || a == ANSWER_REFUSED || a == ANSWER_BAD) answered(ctx, c, now, a == ANSWER_OK);
}

static void lost(wl_ctx *ctx, wl_conn *c) {
  live_conn *l = of(c);
  if (l->waiting) {
    l->waiting = 0;
    live.in_flight--;
    live.lost++;
  }
  if (ctx->alive == 0) {
    end_window(ctx);
    finish_run(ctx);
  } else if (live.window_over && live.in_flight == 0) {
    finish_run(ctx);
  }
}

static void abort_run(wl_ctx *ctx) {
  (void)ctx;
  uv_timer_stop(&live.window);
  uv_timer_stop(&live.drain);
  if (!live.window_over) {
    live.window_over = 1;
    live.stopped_at = wl_now();
    live.cpu_end = self_cpu_seconds();
  }
  live.done = 1;
}

static void report_human(wl_ctx *ctx, FILE *out) {
  double s = window_seconds();
  fprintf(out, "%-16s%s protocol, page %s, event \"%s\", one in flight per connection, %.1f s after %.1f s warm-up\n",
          "load", live.protocol->name, ctx->opt.path, ctx->opt.event, ctx->opt.duration, ctx->opt.warmup);
  if (live.compressed_conns > 0)
    fprintf(out,
            "%-16spermessage-deflate on %d of %d connections (%s); %llu of %llu server messages compressed; client "
            "messages of %zu bytes and more compressed\n",
            "compression", live.compressed_conns, ctx->open, live.deflate_params, (unsigned long long)live.inflated,
            (unsigned long long)live.received, ctx->opt.deflate_threshold);
  else
    fprintf(out, "%-16snone%s\n", "compression", ctx->opt.deflate ? " (offered, not accepted)" : " (not offered)");
  fprintf(out, "%-16s%.0f events/s (%llu answered in %.2f s)\n", "throughput", s > 0 ? (double)live.events / s : 0,
          (unsigned long long)live.events, s);
  char a[5][32];
  fprintf(out, "%-16sp50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%llu samples)\n", "latency",
          fmt_ns(a[0], hist_percentile(&live.latency, 0.5)), fmt_ns(a[1], hist_percentile(&live.latency, 0.9)),
          fmt_ns(a[2], hist_percentile(&live.latency, 0.99)), fmt_ns(a[3], hist_percentile(&live.latency, 0.999)),
          fmt_ns(a[4], live.latency.count ? live.latency.max : 0), (unsigned long long)live.latency.count);
  fprintf(out, "%-16s%.0f%% of one core in the window\n", "load CPU", load_cpu() * 100);
  report_server_cost(out, ctx, live.answered, "event");
  fprintf(out, "%-16s%llu sent, %llu answered: %llu refused, %llu wrong; %llu answers to no awaited ref, %llu lost with "
               "their connection, %llu unanswered, %llu unreadable; %llu other messages\n",
          "events", (unsigned long long)live.sent, (unsigned long long)live.answered, (unsigned long long)live.refused,
          (unsigned long long)live.bad, (unsigned long long)live.strays, (unsigned long long)live.lost,
          (unsigned long long)live.unanswered, (unsigned long long)live.broken, (unsigned long long)live.other);
}

static void report_json(wl_ctx *ctx, FILE *out) {
  double s = window_seconds();
  fputs("\"live\":{\"protocol\":", out);
  fprintf(out, "\"%s\",\"event\":", live.protocol->name);
  char quoted[512];
  fputs(json_quote(ctx->opt.event, quoted, sizeof quoted) ? quoted : "null", out);
  fprintf(out, ",\"compressed_connections\":%d,\"deflate\":\"%s\",\"received\":%llu,\"received_compressed\":%llu,",
          live.compressed_conns, live.deflate_params, (unsigned long long)live.received, (unsigned long long)live.inflated);
  fprintf(out, "\"warmup_s\":%.3f,\"window_s\":%.3f,", ctx->opt.warmup, s);
  fprintf(out, "\"events\":%llu,\"events_per_s\":%.1f,\"load_cpu_percent\":%.1f,", (unsigned long long)live.events,
          s > 0 ? (double)live.events / s : 0, load_cpu() * 100);
  fprintf(out, "\"sent\":%llu,\"answered\":%llu,\"refused\":%llu,\"wrong\":%llu,\"stray\":%llu,\"lost\":%llu,"
               "\"unanswered\":%llu,\"unreadable\":%llu,\"other\":%llu,",
          (unsigned long long)live.sent, (unsigned long long)live.answered, (unsigned long long)live.refused,
          (unsigned long long)live.bad, (unsigned long long)live.strays, (unsigned long long)live.lost,
          (unsigned long long)live.unanswered, (unsigned long long)live.broken, (unsigned long long)live.other);
  json_latency(out, "latency_us", &live.latency);
  fputs("},", out);
}

static int complete(wl_ctx *ctx) {
  (void)ctx;
  return live.window_over && live.refused == 0 && live.bad == 0 && live.strays == 0 && live.lost == 0 &&
         live.unanswered == 0 && live.broken == 0;
}

const wl_mode live_mode = {"live", prepare, start, message, lost, abort_run, report_human,
                           report_json, complete, fetch, upgrade, upgraded, abandon};
