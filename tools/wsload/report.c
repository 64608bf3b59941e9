/* The report every mode shares: connections, the server's memory and CPU,
 * errors and the outcome; the mode adds its own lines in the middle. */
#include "report.h"

#include <string.h>
#include <unistd.h>

#include "wsload.h"

char *fmt_ns(char buf[32], uint64_t ns) {
  if (ns < 1000) snprintf(buf, 32, "%llu ns", (unsigned long long)ns);
  else if (ns < 1000000) snprintf(buf, 32, "%.3g us", ns / 1e3);
  else if (ns < 1000000000) snprintf(buf, 32, "%.3g ms", ns / 1e6);
  else snprintf(buf, 32, "%.3g s", ns / 1e9);
  return buf;
}

void json_latency(FILE *out, const char *name, const hist *h) {
  fprintf(out, "\"%s\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"p99_9\":%.2f,\"max\":%.2f,\"mean\":%.2f,\"count\":%llu}",
          name, hist_percentile(h, 0.5) / 1e3, hist_percentile(h, 0.9) / 1e3, hist_percentile(h, 0.99) / 1e3,
          hist_percentile(h, 0.999) / 1e3, (h->count ? h->max : 0) / 1e3, hist_mean(h) / 1e3,
          (unsigned long long)h->count);
}

/* Shares that could not be measured are null, not a made-up number. */
static void json_share(FILE *out, double v) {
  if (v < 0) fputs("null", out);
  else fprintf(out, "%.1f", v);
}

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
    else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", *s);
    else fputc(*s, out);
  }
  fputc('"', out);
}

static char *fmt_kb(char buf[32], long kb) {
  if (kb < 0) snprintf(buf, 32, "gone");
  else if (kb == 0) snprintf(buf, 32, "-");
  else snprintf(buf, 32, "%.1f MiB", kb / 1024.0);
  return buf;
}

static const char *outcome(wl_ctx *ctx) {
  if (ctx->interrupted) return "interrupted";
  if (ctx->timed_out) return "timed out";
  return wl_exit_status(ctx) == 0 ? "ok" : "errors";
}

int wl_exit_status(wl_ctx *ctx) {
  if (ctx->interrupted || ctx->timed_out) return 3;
  if (ctx->failed || ctx->lost_in_run || ctx->error_kinds || ctx->unexpected_messages || !ctx->mode->complete(ctx))
    return 1;
  return 0;
}

static double connect_seconds(wl_ctx *ctx) {
  uint64_t end = ctx->connect_end_ns ? ctx->connect_end_ns : wl_now();
  return (double)(end - ctx->connect_start_ns) / 1e9;
}

/* -1 when the run was too short for clock ticks to mean anything (idle). */
static double cpu_share(double start, double end, wl_ctx *ctx) {
  double wall = ctx->run_end_s - ctx->run_start_s;
  return wall >= 0.2 && end >= start && start >= 0 ? 100 * (end - start) / wall : -1;
}

/* False when the process vanished before the second sample. */
static int server_cpu_ok(wl_ctx *ctx) {
  return ctx->server_cpu_start >= 0 && ctx->server_cpu_end >= ctx->server_cpu_start;
}

void report_server_cost(FILE *out, wl_ctx *ctx, uint64_t count, const char *per) {
  if (ctx->opt.server_pid <= 0 || count == 0 || !server_cpu_ok(ctx)) return;
  double n = (double)count;
  fprintf(out, "%-16s%.2f us of server CPU per %s (user %.2f, system %.2f; %llu, warm-up included)\n", "cost",
          (ctx->server_cpu_end - ctx->server_cpu_start) * 1e6 / n, per,
          (ctx->server_user_end - ctx->server_user_start) * 1e6 / n, (ctx->server_sys_end - ctx->server_sys_start) * 1e6 / n,
          (unsigned long long)count);
}

static double per_connection_bytes(wl_ctx *ctx) {
  if (ctx->rss_before_kb <= 0 || ctx->rss_after_kb <= 0 || ctx->open == 0) return 0;
  return (double)(ctx->rss_after_kb - ctx->rss_before_kb) * 1024 / ctx->open;
}

static void human(wl_ctx *ctx, FILE *out) {
  const wl_options *o = &ctx->opt;
  fprintf(out, "wsload %s ", ctx->mode->name);
  for (int i = 0; i < o->target_count; i++) {
    const wl_target *t = &o->targets[i];
    int v6 = strchr(t->host, ':') != NULL;
    fprintf(out, " ws://%s%s%s:%d%s", v6 ? "[" : "", t->host, v6 ? "]" : "", t->port, t->path);
  }
  fputc('\n', out);
  double secs = connect_seconds(ctx);
  fprintf(out, "%-16s%d requested, %d open, %d failed; opened in %.2f s (%.0f/s)", "connections", ctx->n, ctx->open,
          ctx->failed, secs, secs > 0 ? ctx->open / secs : 0);
  if (ctx->lost_in_run) fprintf(out, "; %llu lost after opening", (unsigned long long)ctx->lost_in_run);
  fputc('\n', out);
  if (ctx->run_start_s > 0) ctx->mode->report_human(ctx, out);
  if (o->server_pid > 0) {
    char before[32], after[32], end[32];
    fprintf(out, "%-16sbefore %s, after opening %s (%+.0f bytes per connection), at end %s\n", "server RSS",
            fmt_kb(before, ctx->rss_before_kb), fmt_kb(after, ctx->rss_after_kb), per_connection_bytes(ctx),
            fmt_kb(end, ctx->rss_end_kb));
    double server = cpu_share(ctx->server_cpu_start, ctx->server_cpu_end, ctx);
    if (server >= 0 && ctx->self_cpu_end > 0)
      fprintf(out, "%-16sserver %.0f%% (user %.0f%%, system %.0f%%), wsload %.0f%% of one core while running\n", "CPU",
              server, cpu_share(ctx->server_user_start, ctx->server_user_end, ctx),
              cpu_share(ctx->server_sys_start, ctx->server_sys_end, ctx), cpu_share(ctx->self_cpu_start, ctx->self_cpu_end, ctx));
  }
  if (ctx->server_closes)
    fprintf(out, "%-16s%llu connections closed by the server (last code %d)\n", "server closes",
            (unsigned long long)ctx->server_closes, ctx->last_close_code);
  if (ctx->unexpected_messages)
    fprintf(out, "%-16s%llu messages outside the run\n", "unexpected", (unsigned long long)ctx->unexpected_messages);
  for (int i = 0; i < ctx->error_kinds; i++)
    fprintf(out, "%-16s%llu x %s\n", i == 0 ? "errors" : "", (unsigned long long)ctx->errors[i].count,
            ctx->errors[i].what);
  fprintf(out, "%-16s%s\n", "outcome", outcome(ctx));
}

static void json(wl_ctx *ctx, FILE *out) {
  const wl_options *o = &ctx->opt;
  fprintf(out, "{\"mode\":\"%s\",\"host\":", ctx->mode->name);
  json_string(out, o->host);
  fprintf(out, ",\"port\":%d,\"path\":", o->port);
  json_string(out, o->path);
  fputs(",\"targets\":[", out);
  for (int i = 0; i < o->target_count; i++) {
    fprintf(out, "%s{\"host\":", i ? "," : "");
    json_string(out, o->targets[i].host);
    fprintf(out, ",\"port\":%d,\"path\":", o->targets[i].port);
    json_string(out, o->targets[i].path);
    fputc('}', out);
  }
  fputc(']', out);
  fprintf(out, ",\"connections\":{\"requested\":%d,\"open\":%d,\"failed\":%d,\"lost\":%llu,\"connect_s\":%.3f},",
          ctx->n, ctx->open, ctx->failed, (unsigned long long)ctx->lost_in_run, connect_seconds(ctx));
  if (ctx->run_start_s > 0) ctx->mode->report_json(ctx, out);
  if (o->server_pid > 0) {
    fprintf(out,
            "\"server\":{\"pid\":%d,\"rss_before_kb\":%ld,\"rss_after_kb\":%ld,\"rss_end_kb\":%ld,"
            "\"rss_per_conn_bytes\":%.1f,\"cpu_s\":%.3f,\"cpu_user_s\":%.3f,\"cpu_system_s\":%.3f,\"cpu_percent\":",
            o->server_pid, ctx->rss_before_kb, ctx->rss_after_kb, ctx->rss_end_kb, per_connection_bytes(ctx),
            server_cpu_ok(ctx) ? ctx->server_cpu_end - ctx->server_cpu_start : 0.0,
            server_cpu_ok(ctx) ? ctx->server_user_end - ctx->server_user_start : 0.0,
            server_cpu_ok(ctx) ? ctx->server_sys_end - ctx->server_sys_start : 0.0);
    json_share(out, cpu_share(ctx->server_cpu_start, ctx->server_cpu_end, ctx));
    fputs(",\"pids\":[", out);
    for (int i = 0; i < o->server_pid_count; i++) fprintf(out, "%s%d", i ? "," : "", o->server_pids[i]);
    fputs("]},", out);
  }
  fputs("\"wsload_cpu_percent\":", out);
  json_share(out, cpu_share(ctx->self_cpu_start, ctx->self_cpu_end, ctx));
  fprintf(out, ",\"server_closes\":%llu,\"last_close_code\":%d,\"unexpected_messages\":%llu,",
          (unsigned long long)ctx->server_closes, ctx->last_close_code, (unsigned long long)ctx->unexpected_messages);
  fputs("\"errors\":{", out);
  for (int i = 0; i < ctx->error_kinds; i++) {
    if (i) fputc(',', out);
    json_string(out, ctx->errors[i].what);
    fprintf(out, ":%llu", (unsigned long long)ctx->errors[i].count);
  }
  fprintf(out, "},\"outcome\":\"%s\",\"exit_status\":%d}\n", outcome(ctx), wl_exit_status(ctx));
}

void wl_report(wl_ctx *ctx) {
  if (!ctx->opt.quiet && isatty(2)) fputs("\r\033[K", stderr);
  if (ctx->opt.json) json(ctx, stdout);
  else human(ctx, stdout);
  fflush(stdout);
}
