#include "options.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: wsload MODE [options]\n"
    "\n"
    "modes\n"
    "  echo        every connection sends SIZE-byte messages and waits for the echo:\n"
    "              closed loop (--inflight per connection) or a fixed total --rate\n"
    "  broadcast   all connections on the broadcast path; one of them sends a\n"
    "              timestamped message, the server fans it out; measures the time\n"
    "              until the last connection has it, --rounds times\n"
    "  idle        opens the connections and holds them\n"
    "  live        every connection loads a live page as a browser does (GET, then\n"
    "              the WebSocket with Origin and permessage-deflate offered as\n"
    "              Chromium offers it), joins its view, then sends the connector's\n"
    "              event and waits for its answer, one in flight; events/s, latency\n"
    "\n"
    "target\n"
    "  --host ADDR              server address (127.0.0.1)\n"
    "  --port N                 server port (9001)\n"
    "  --path P                 request path (/; broadcast: /broadcast; live: the page)\n"
    "  --url ws://HOST:PORT/P   instead of the three above; repeat it (up to 8) to spread\n"
    "                           the connections over several servers, connection i to\n"
    "                           the (i mod count)th: broadcast's sender is on the first\n"
    "  --server-pid PID         sample this process's VmRSS and CPU time; repeat it to\n"
    "                           sample several servers, summed\n"
    "\n"
    "load\n"
    "  -c, --connections N      connections (echo 100, broadcast 1000, idle 1000, live 50)\n"
    "  -s, --size BYTES         message payload (64; broadcast at least 40)\n"
    "  -d, --duration SEC       echo, live: measured time (10)\n"
    "  --warmup SEC             echo, live: unmeasured time before it (1)\n"
    "  --inflight K             echo, closed loop: messages in flight per connection (1)\n"
    "  --rate R                 echo: R messages/s in total instead of a closed loop;\n"
    "                           latency counts from each message's scheduled time\n"
    "  --binary                 echo: binary frames instead of text\n"
    "  -r, --rounds R           broadcast: measured rounds (20)\n"
    "  --warmup-rounds R        broadcast: unmeasured rounds first (2)\n"
    "  --round-timeout SEC      broadcast: give up on a round after (10)\n"
    "  --gap MS                 broadcast: pause between rounds (20)\n"
    "  --hold SEC               wait after the last connection opens before sampling\n"
    "                           the server's RSS and starting (idle 2, live 0, others 0.5)\n"
    "  --protocol P             live: livets (/live?v=1) or phoenix (Phoenix LiveView's\n"
    "                           /live/websocket, as pyview serves it) (livets)\n"
    "  --event NAME             live: the event each click sends (inc)\n"
    "  --no-deflate             live: offer no permessage-deflate\n"
    "  --deflate-threshold B    live: with permessage-deflate, compress client messages\n"
    "                           of B bytes or more (1024, as ws; 0: all, as Chromium)\n"
    "\n"
    "limits\n"
    "  --connect-concurrency K  connections being opened at once (128; live 20), to stay\n"
    "                           under the server's listen backlog\n"
    "  --connect-timeout SEC    per connection, TCP connect plus handshake (10)\n"
    "  --close-timeout SEC      wait for close handshakes at the end (5)\n"
    "  --timeout SEC            the whole run (default: the expected time + 60)\n"
    "\n"
    "output\n"
    "  --json                   one JSON object on stdout instead of the table; live\n"
    "                           first prints {\"phase\":\"measure\"} as its window opens\n"
    "                           and {\"phase\":\"done\",...} as it closes, a line each\n"
    "  -q, --quiet              no progress on stderr\n"
    "\n"
    "exit status: 0 all measured, 1 measured with errors (failed or lost\n"
    "connections, wrong echoes, incomplete rounds, wrong or missing answers), 2 usage,\n"
    "3 timeout or signal\n";

static int number(const char *name, const char *text, double min, double *out) {
  char *end;
  double v = strtod(text, &end);
  if (*text == '\0' || *end != '\0' || !(v >= min)) {
    fprintf(stderr, "wsload: %s wants a number >= %g, not '%s'\n", name, min, text);
    return -1;
  }
  *out = v;
  return 0;
}

/* ws://HOST:PORT[/PATH], HOST an IPv6 address in brackets. The host is
 * copied, never freed, and the path points into text: argv outlives both. */
static int parse_url(const char *text, wl_target *out) {
  if (strncmp(text, "ws://", 5) != 0) return -1;
  const char *path = strchr(text + 5, '/');
  if (path == NULL) path = "/";
  size_t authority = strcspn(text + 5, "/");
  char *copy = malloc(authority + 1);
  if (copy == NULL) return -1;
  memcpy(copy, text + 5, authority);
  copy[authority] = '\0';
  char *host = copy, *colon;
  if (*host == '[') {
    char *close = strchr(host, ']');
    if (close == NULL || close[1] != ':') return -1;
    *close = '\0';
    host++;
    colon = close + 1;
  } else {
    colon = strrchr(host, ':');
    if (colon == NULL) return -1;
    *colon = '\0';
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*host == '\0' || end == colon + 1 || *end != '\0' || port < 1 || port > 65535) return -1;
  *out = (wl_target){.host = host, .port = (int)port, .path = path};
  return 0;
}

const wl_mode *options_parse(int argc, char **argv, wl_options *opt, int *status) {
  *status = 2;
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage, argc < 2 ? stderr : stdout);
    if (argc >= 2) *status = 0;
    return NULL;
  }
  const wl_mode *mode = NULL;
  if (strcmp(argv[1], "echo") == 0) mode = &echo_mode;
  else if (strcmp(argv[1], "broadcast") == 0) mode = &broadcast_mode;
  else if (strcmp(argv[1], "idle") == 0) mode = &idle_mode;
  else if (strcmp(argv[1], "live") == 0) mode = &live_mode;
  else {
    fprintf(stderr, "wsload: unknown mode '%s'\n\n%s", argv[1], usage);
    return NULL;
  }
  int is_echo = mode == &echo_mode, is_broadcast = mode == &broadcast_mode, is_live = mode == &live_mode;
  int gave_target = 0; /* --host, --port or --path, which --url excludes */
  *opt = (wl_options){
      .mode_name = mode->name,
      .host = "127.0.0.1",
      .port = 9001,
      .path = is_broadcast ? "/broadcast" : "/",
      .connections = is_echo ? 100 : is_live ? 50 : 1000,
      .size = 64,
      .duration = 10,
      .warmup = 1,
      .inflight = 1,
      .rounds = 20,
      .warmup_rounds = 2,
      .round_timeout = 10,
      .gap_ms = 20,
      .hold = mode == &idle_mode ? 2 : is_live ? 0 : 0.5,
      /* The render benchmark's Node client opened its connections 20 at a time. */
      .connect_concurrency = is_live ? 20 : 128,
      .connect_timeout = 10,
      .close_timeout = 5,
      .timeout = 0,
      .protocol = "livets",
      .event = "inc",
      .deflate = 1,
      .deflate_threshold = 1024,
  };
  for (int i = 2; i < argc; i++) {
    char *arg = argv[i];
    const char *value = NULL;
    char name[64];
    char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    if (eq != NULL && (size_t)(eq - arg) < sizeof name) {
      memcpy(name, arg, (size_t)(eq - arg));
      name[eq - arg] = '\0';
      value = eq + 1;
      arg = name;
    }
#define IS(long_name, short_name) (strcmp(arg, long_name) == 0 || (short_name[0] != '\0' && strcmp(arg, short_name) == 0))
#define FLAG(field)                                                   \
  do {                                                                \
    if (value != NULL) {                                              \
      fprintf(stderr, "wsload: %s takes no value\n", arg);            \
      return NULL;                                                    \
    }                                                                 \
    opt->field = 1;                                                   \
  } while (0)
#define VALUE()                                                       \
  do {                                                                \
    if (value == NULL) {                                              \
      if (i + 1 >= argc) {                                            \
        fprintf(stderr, "wsload: %s wants a value\n", arg);           \
        return NULL;                                                  \
      }                                                               \
      value = argv[++i];                                              \
    }                                                                 \
  } while (0)
#define NUM(field, min, type)                                         \
  do {                                                                \
    double v_;                                                        \
    VALUE();                                                          \
    if (number(arg, value, min, &v_) != 0) return NULL;               \
    opt->field = (type)v_;                                            \
  } while (0)
    if (IS("--help", "-h")) {
      fputs(usage, stdout);
      *status = 0;
      return NULL;
    } else if (IS("--host", "")) {
      VALUE();
      opt->host = value;
      gave_target = 1;
    } else if (IS("--port", "")) {
      NUM(port, 1, int);
      gave_target = 1;
    } else if (IS("--url", "")) {
      VALUE();
      if (opt->target_count == WL_MAX_TARGETS) {
        fprintf(stderr, "wsload: at most %d --url\n", WL_MAX_TARGETS);
        return NULL;
      }
      if (parse_url(value, &opt->targets[opt->target_count]) != 0) {
        fprintf(stderr, "wsload: --url wants ws://HOST:PORT[/PATH], not '%s'\n", value);
        return NULL;
      }
      opt->target_count++;
    } else if (IS("--path", "")) {
      gave_target = 1;
      VALUE();
      if (value[0] != '/') {
        fprintf(stderr, "wsload: --path must start with /\n");
        return NULL;
      }
      opt->path = value;
    } else if (IS("--server-pid", "")) {
      if (opt->server_pid_count == WL_MAX_TARGETS) {
        fprintf(stderr, "wsload: at most %d --server-pid\n", WL_MAX_TARGETS);
        return NULL;
      }
      NUM(server_pids[opt->server_pid_count], 1, int);
      opt->server_pid = opt->server_pids[0];
      opt->server_pid_count++;
    } else if (IS("--connections", "-c")) {
      NUM(connections, 1, int);
    } else if (IS("--size", "-s")) {
      NUM(size, 0, size_t);
    } else if (IS("--duration", "-d")) {
      NUM(duration, 0.001, double);
    } else if (IS("--warmup", "")) {
      NUM(warmup, 0, double);
    } else if (IS("--inflight", "")) {
      NUM(inflight, 1, int);
    } else if (IS("--rate", "")) {
      NUM(rate, 0.001, double);
    } else if (IS("--binary", "")) {
      FLAG(binary);
    } else if (IS("--rounds", "-r")) {
      NUM(rounds, 1, int);
    } else if (IS("--warmup-rounds", "")) {
      NUM(warmup_rounds, 0, int);
    } else if (IS("--round-timeout", "")) {
      NUM(round_timeout, 0.001, double);
    } else if (IS("--gap", "")) {
      NUM(gap_ms, 0, double);
    } else if (IS("--hold", "")) {
      NUM(hold, 0, double);
    } else if (IS("--connect-concurrency", "")) {
      NUM(connect_concurrency, 1, int);
    } else if (IS("--connect-timeout", "")) {
      NUM(connect_timeout, 0.001, double);
    } else if (IS("--close-timeout", "")) {
      NUM(close_timeout, 0, double);
    } else if (IS("--timeout", "")) {
      NUM(timeout, 0.001, double);
    } else if (IS("--protocol", "")) {
      VALUE();
      opt->protocol = value;
    } else if (IS("--event", "")) {
      VALUE();
      opt->event = value;
    } else if (IS("--no-deflate", "")) {
      FLAG(deflate);
      opt->deflate = 0;
    } else if (IS("--deflate-threshold", "")) {
      NUM(deflate_threshold, 0, size_t);
    } else if (IS("--json", "")) {
      FLAG(json);
    } else if (IS("--quiet", "-q")) {
      FLAG(quiet);
    } else {
      fprintf(stderr, "wsload: unknown option '%s' (see wsload --help)\n", arg);
      return NULL;
    }
#undef IS
#undef FLAG
#undef VALUE
#undef NUM
  }
  if (opt->target_count > 0 && gave_target) {
    fprintf(stderr, "wsload: --url replaces --host, --port and --path: give one or the other\n");
    return NULL;
  }
  if (opt->target_count == 0) {
    opt->targets[0] = (wl_target){.host = opt->host, .port = opt->port, .path = opt->path};
    opt->target_count = 1;
  }
  opt->host = opt->targets[0].host;
  opt->port = opt->targets[0].port;
  opt->path = opt->targets[0].path;
  if (opt->size > (size_t)1 << 30) {
    fprintf(stderr, "wsload: --size is limited to 1 GiB\n");
    return NULL;
  }
  if (opt->timeout == 0) {
    /* Connecting is allowed a millisecond per connection on top. */
    double expected = opt->hold + opt->connections / 1000.0 + opt->close_timeout;
    if (is_echo || is_live) expected += opt->warmup + opt->duration + 5;
    if (is_broadcast) expected += (opt->rounds + opt->warmup_rounds) * (opt->round_timeout + opt->gap_ms / 1000);
    opt->timeout = expected + 60;
  }
  *status = 0;
  return mode;
}
