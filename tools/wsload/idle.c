/* idle: the connections only exist; the hold before the "after" RSS
 * sample (--hold) lets the server settle, and shows whether it keeps
 * quiet connections open. */
#include "wsload.h"

static int held;

static int prepare(wl_ctx *ctx) {
  (void)ctx;
  return 0;
}

static void start(wl_ctx *ctx) {
  held = ctx->alive;
  wl_run_done(ctx);
}

static void message(wl_ctx *ctx, wl_conn *c, const frame_event *ev, uint64_t now) {
  (void)c, (void)ev, (void)now;
  ctx->unexpected_messages++;
}

static void lost(wl_ctx *ctx, wl_conn *c) { (void)ctx, (void)c; }

static void abort_run(wl_ctx *ctx) { (void)ctx; }

static void report_human(wl_ctx *ctx, FILE *out) {
  fprintf(out, "%-16s%d connections held %.1f s, %d still open\n", "idle", ctx->open, ctx->opt.hold, held);
}

static void report_json(wl_ctx *ctx, FILE *out) {
  fprintf(out, "\"idle\":{\"hold_s\":%.3f,\"still_open\":%d},", ctx->opt.hold, held);
}

static int complete(wl_ctx *ctx) { return held == ctx->open; }

const wl_mode idle_mode = {"idle", prepare, start, message, lost, abort_run, report_human, report_json, complete,
                           NULL, NULL, NULL, NULL};
