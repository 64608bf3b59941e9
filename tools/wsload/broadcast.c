/* broadcast: one connection sends "<round> <send time in ns>" padded to
 * SIZE; the server fans it out to every subscriber, the sender included.
 * A round's fan-out time is the delivery latency of its last receiver. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "report.h"
#include "wsload.h"

#define MIN_SIZE 40

static struct {
  uint32_t round, total_rounds;
  int expected, received;
  int receivers;
  uint64_t first_latency, last_latency;
  uint64_t *last, *first; /* per measured round */
  int measured;
  hist deliveries;
  int incomplete;
  uint64_t missing, stale, duplicates, wrong_size;
  uint64_t all_deliveries; /* warm-up rounds included, to divide the server's CPU time by */
  uv_timer_t timer;
  wl_conn *sender;
  char *payload;
  int done;
} bc;

static int prepare(wl_ctx *ctx) {
  if (ctx->opt.size < MIN_SIZE) ctx->opt.size = MIN_SIZE;
  bc.total_rounds = (uint32_t)(ctx->opt.rounds + ctx->opt.warmup_rounds);
  bc.last = calloc((size_t)ctx->opt.rounds, sizeof *bc.last);
  bc.first = calloc((size_t)ctx->opt.rounds, sizeof *bc.first);
  bc.payload = malloc(ctx->opt.size + 1);
  if (bc.last == NULL || bc.first == NULL || bc.payload == NULL) return -1;
  hist_init(&bc.deliveries);
  uv_timer_init(ctx->loop, &bc.timer);
  return 0;
}

static int is_measured_round(wl_ctx *ctx) { return bc.round > (uint32_t)ctx->opt.warmup_rounds; }

static void next_round(wl_ctx *ctx);

static void on_gap_over(uv_timer_t *timer) { next_round(timer->loop->data); }

static void end_round(wl_ctx *ctx) {
  uv_timer_stop(&bc.timer);
  if (bc.received > 0 && bc.received == bc.expected && is_measured_round(ctx)) {
    bc.last[bc.measured] = bc.last_latency;
    bc.first[bc.measured] = bc.first_latency;
    bc.measured++;
  }
  uv_timer_start(&bc.timer, on_gap_over, (uint64_t)ctx->opt.gap_ms, 0);
}

static void on_round_timeout(uv_timer_t *timer) {
  wl_ctx *ctx = timer->loop->data;
  bc.incomplete++;
  bc.missing += (uint64_t)(bc.expected - bc.received);
  wl_error(ctx, "broadcast: a round timed out before every connection received it");
  bc.expected = -1; /* late arrivals of this round are stale now */
  end_round(ctx);
}

static wl_conn *pick_sender(wl_ctx *ctx) {
  if (bc.sender != NULL && bc.sender->state == CONN_OPEN) return bc.sender;
  for (int i = 0; i < ctx->n; i++)
    if (ctx->conns[i].state == CONN_OPEN) return &ctx->conns[i];
  return NULL;
}

static void next_round(wl_ctx *ctx) {
  if (bc.done) return;
  bc.sender = pick_sender(ctx);
  if (bc.round >= bc.total_rounds || bc.sender == NULL) {
    bc.done = 1;
    wl_run_done(ctx);
    return;
  }
  bc.round++;
  bc.expected = ctx->alive;
  bc.received = 0;
  uint64_t now = wl_now();
  int n = snprintf(bc.payload, ctx->opt.size + 1, "%" PRIu32 " %" PRIu64 " ", bc.round, now);
  memset(bc.payload + n, '.', ctx->opt.size - (size_t)n);
  uv_timer_start(&bc.timer, on_round_timeout, (uint64_t)(ctx->opt.round_timeout * 1000), 0);
  wl_send(ctx, bc.sender, OP_TEXT, bc.payload, ctx->opt.size);
}

static void start(wl_ctx *ctx) {
  bc.receivers = ctx->alive;
  next_round(ctx);
}

static void delivered(wl_ctx *ctx, uint64_t latency) {
  bc.received++;
  bc.all_deliveries++;
  if (is_measured_round(ctx)) hist_record(&bc.deliveries, latency);
  if (bc.received == 1) bc.first_latency = latency;
  bc.last_latency = latency;
  if (bc.received == bc.expected) end_round(ctx);
}

static void message(wl_ctx *ctx, wl_conn *c, const frame_event *ev, uint64_t now) {
  char head[FRAME_HEAD_BYTES + 1];
  memcpy(head, ev->data, ev->data_len);
  head[ev->data_len] = '\0';
  uint32_t round = 0;
  uint64_t sent_at = 0;
  if (sscanf(head, "%" SCNu32 " %" SCNu64, &round, &sent_at) != 2 || ev->opcode != OP_TEXT) {
    wl_error(ctx, "broadcast: a message that is not ours");
    return;
  }
  if (ev->len != ctx->opt.size) bc.wrong_size++;
  if (round != bc.round || bc.expected < 0) {
    bc.stale++;
    return;
  }
  if (c->seen_round == round) {
    bc.duplicates++;
    wl_error(ctx, "broadcast: a connection received a round twice");
    return;
  }
  c->seen_round = round;
  delivered(ctx, now - sent_at);
}

static void lost(wl_ctx *ctx, wl_conn *c) {
  /* A connection gone mid-round can no longer be waited for. */
  if (bc.expected > 0 && c->seen_round != bc.round && bc.received < bc.expected) {
    bc.expected--;
    if (bc.received == bc.expected) end_round(ctx);
  }
}

static void abort_run(wl_ctx *ctx) {
  (void)ctx;
  uv_timer_stop(&bc.timer);
  bc.done = 1;
}

static int by_value(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Nearest rank over a handful of rounds: sorting them is cheap. */
static uint64_t rank(const uint64_t *sorted, int n, double q) {
  if (n == 0) return 0;
  int i = (int)(q * n + 0.999999) - 1;
  return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

typedef struct {
  uint64_t last_p50, last_p99, last_min, last_max, first_p50;
} summary;

static summary summarize(void) {
  summary s = {0};
  int n = bc.measured;
  if (n == 0) return s;
  uint64_t *last = malloc((size_t)n * sizeof *last), *first = malloc((size_t)n * sizeof *first);
  memcpy(last, bc.last, (size_t)n * sizeof *last);
  memcpy(first, bc.first, (size_t)n * sizeof *first);
  qsort(last, (size_t)n, sizeof *last, by_value);
  qsort(first, (size_t)n, sizeof *first, by_value);
  s.last_p50 = rank(last, n, 0.5);
  s.last_p99 = rank(last, n, 0.99);
  s.last_min = last[0];
  s.last_max = last[n - 1];
  s.first_p50 = rank(first, n, 0.5);
  free(last);
  free(first);
  return s;
}

static void report_human(wl_ctx *ctx, FILE *out) {
  summary s = summarize();
  char a[6][32];
  fprintf(out, "%-16s%zu-byte text message from one connection to all %d, %d rounds after %d warm-up\n", "load",
          ctx->opt.size, bc.receivers, ctx->opt.rounds, ctx->opt.warmup_rounds);
  fprintf(out, "%-16smedian %s  p99 %s  min %s  max %s  (%d complete rounds)\n", "last receiver",
          fmt_ns(a[0], s.last_p50), fmt_ns(a[1], s.last_p99), fmt_ns(a[2], s.last_min), fmt_ns(a[3], s.last_max),
          bc.measured);
  fprintf(out, "%-16smedian %s\n", "first receiver", fmt_ns(a[4], s.first_p50));
  fprintf(out, "%-16sp50 %s  p99 %s  (%llu deliveries)\n", "each delivery",
          fmt_ns(a[0], hist_percentile(&bc.deliveries, 0.5)), fmt_ns(a[1], hist_percentile(&bc.deliveries, 0.99)),
          (unsigned long long)bc.deliveries.count);
  if (s.last_p50 > 0)
    fprintf(out, "%-16s%.0f deliveries/s (receivers / median fan-out time)\n", "fan-out rate",
            (double)bc.receivers / ((double)s.last_p50 / 1e9));
  report_server_cost(out, ctx, bc.all_deliveries, "delivery");
  if (bc.incomplete || bc.stale || bc.duplicates || bc.wrong_size)
    fprintf(out, "%-16s%d incomplete rounds (%llu deliveries missing), %llu late, %llu duplicate, %llu wrong size\n",
            "rounds", bc.incomplete, (unsigned long long)bc.missing, (unsigned long long)bc.stale,
            (unsigned long long)bc.duplicates, (unsigned long long)bc.wrong_size);
}

static void report_json(wl_ctx *ctx, FILE *out) {
  summary s = summarize();
  fprintf(out,
          "\"broadcast\":{\"size\":%zu,\"receivers\":%d,\"rounds\":%d,\"warmup_rounds\":%d,\"complete_rounds\":%d,"
          "\"incomplete_rounds\":%d,\"missing\":%llu,\"late\":%llu,\"duplicates\":%llu,\"wrong_size\":%llu,",
          ctx->opt.size, bc.receivers, ctx->opt.rounds, ctx->opt.warmup_rounds,
          bc.measured, bc.incomplete, (unsigned long long)bc.missing, (unsigned long long)bc.stale,
          (unsigned long long)bc.duplicates, (unsigned long long)bc.wrong_size);
  fprintf(out,
          "\"last_receiver_us\":{\"p50\":%.1f,\"p99\":%.1f,\"min\":%.1f,\"max\":%.1f},"
          "\"first_receiver_us\":{\"p50\":%.1f},",
          s.last_p50 / 1e3, s.last_p99 / 1e3, s.last_min / 1e3, s.last_max / 1e3, s.first_p50 / 1e3);
  fprintf(out, "\"deliveries_total\":%llu,", (unsigned long long)bc.all_deliveries);
  fprintf(out, "\"rounds_last_receiver_us\":[");
  for (int i = 0; i < bc.measured; i++) fprintf(out, "%s%.1f", i ? "," : "", bc.last[i] / 1e3);
  fprintf(out, "],");
  json_latency(out, "delivery_us", &bc.deliveries);
  fputs("},", out);
}

static int complete(wl_ctx *ctx) {
  return bc.measured == ctx->opt.rounds && bc.incomplete == 0 && bc.duplicates == 0 && bc.wrong_size == 0;
}

const wl_mode broadcast_mode = {"broadcast", prepare, start, message, lost, abort_run, report_human, report_json, complete,
                                NULL, NULL, NULL, NULL};
