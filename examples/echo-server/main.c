/*
 * A WebSocket echo server on include/livetscore.h alone: every message on
 * any path comes back as it was sent. Conformance suites and the transport
 * benchmarks run against it.
 *
 * With --broadcast-path P, connections opened on path P are subscribed to
 * one topic, and a message sent on any of them is published to all of them
 * instead of echoed: the core's fan-out, for the broadcast benchmark.
 *
 * With --redis URL, the server is one node of several: a publish also
 * reaches the broadcast subscribers of every other echo server given the
 * same URL, for the pub/sub benchmark across processes.
 *
 * With --cert FILE --key FILE, it speaks TLS (wss:// and https://), and
 * SIGHUP loads the same files again (a renewed certificate), as a
 * production server would be told to.
 *
 * --static DIR serves DIR under /static/; the other flags set the limits and
 * timeouts of lts_config, so the transport tests can reach every one.
 * Run with no valid flags to see them all.
 *
 * Pages, for the transport tests: GET /bytes/N answers N bytes of the
 * letters a..z repeated (the host response path for large bodies; a body
 * over max_response_bytes is answered 500 "too big" after LTS_ETOOBIG);
 * GET /address answers the client address the core gave the request.
 */
#define _POSIX_C_SOURCE 200809L

#include <livetscore.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char broadcast_topic[] = "broadcast";
static const char *broadcast_path = NULL;
/* Connection ids are small increasing integers: one bit each says whether
 * the connection was opened on the broadcast path. Loop thread only. */
static unsigned char *broadcast_members = NULL;
static size_t broadcast_capacity = 0;

static int is_broadcast_member(lts_conn_id conn) {
  return conn / 8 < broadcast_capacity && (broadcast_members[conn / 8] >> (conn % 8) & 1);
}

static void on_open(lts_server *server, lts_conn_id conn, const lts_request *upgrade, void *userdata) {
  (void)userdata;
  const char *path = upgrade->target;
  size_t path_len = upgrade->target_len;
  if (broadcast_path == NULL) return;
  size_t want = strlen(broadcast_path);
  if (path_len < want || memcmp(path, broadcast_path, want) != 0 || (path_len > want && path[want] != '?')) return;
  if (conn / 8 >= broadcast_capacity) {
    size_t capacity = broadcast_capacity ? broadcast_capacity * 2 : 4096;
    while (conn / 8 >= capacity) capacity *= 2;
    unsigned char *grown = realloc(broadcast_members, capacity);
    if (grown == NULL) return;
    memset(grown + broadcast_capacity, 0, capacity - broadcast_capacity);
    broadcast_members = grown;
    broadcast_capacity = capacity;
  }
  broadcast_members[conn / 8] |= (unsigned char)(1u << (conn % 8));
  lts_conn_subscribe(server, conn, broadcast_topic, sizeof broadcast_topic - 1);
}

static void on_close(lts_server *server, lts_conn_id conn, int code, void *userdata) {
  (void)server, (void)code, (void)userdata;
  if (conn / 8 < broadcast_capacity) broadcast_members[conn / 8] &= (unsigned char)~(1u << (conn % 8));
}

static void on_message(lts_server *server, lts_conn_id conn, const char *data, size_t len, int is_binary,
                       void *userdata) {
  (void)userdata;
  if (!is_binary && is_broadcast_member(conn)) {
    lts_publish(server, broadcast_topic, sizeof broadcast_topic - 1, data, len);
    return;
  }
  if (is_binary)
    lts_send_binary(server, conn, data, len);
  else
    lts_send(server, conn, data, len);
}

static int target_starts_with(const lts_request *request, const char *prefix) {
  size_t n = strlen(prefix);
  return request->target_len >= n && memcmp(request->target, prefix, n) == 0;
}

static void respond_bytes(lts_server *server, const lts_request *request) {
  static const char type[] = "Content-Type: application/octet-stream\r\n";
  char digits[24] = {0};
  size_t n = request->target_len - 7;
  if (n >= sizeof digits) n = sizeof digits - 1;
  memcpy(digits, request->target + 7, n);
  size_t length = strtoull(digits, NULL, 10);
  char *body = malloc(length ? length : 1);
  if (body == NULL) {
    lts_respond(server, request->id, 500, NULL, 0, "no memory\n", 10);
    return;
  }
  for (size_t i = 0; i < length; i++) body[i] = (char)('a' + i % 26);
  if (lts_respond(server, request->id, 200, type, sizeof type - 1, body, length) == LTS_ETOOBIG)
    lts_respond(server, request->id, 500, NULL, 0, "too big\n", 8);
  free(body);
}

static void on_request(lts_server *server, const lts_request *request, void *userdata) {
  (void)userdata;
  static const char body[] = "LiveTS echo server: open a WebSocket on any path\n";
  static const char type[] = "Content-Type: text/plain; charset=utf-8\r\n";
  if (target_starts_with(request, "/bytes/")) {
    respond_bytes(server, request);
    return;
  }
  if (target_starts_with(request, "/address")) {
    lts_respond(server, request->id, 200, type, sizeof type - 1, request->address, request->address_len);
    return;
  }
  lts_respond(server, request->id, 200, type, sizeof type - 1, body, sizeof body - 1);
}

/* Every refusal, one line each, so tests can see the cause and the detail. */
static void on_notice(lts_server *server, const lts_notice *notice, void *userdata) {
  (void)server, (void)userdata;
  printf("notice %s count=%llu address=%.*s: %.*s\n", lts_cause_name(notice->cause), (unsigned long long)notice->count,
         (int)notice->address_len, notice->address, (int)notice->detail_len, notice->detail);
  fflush(stdout);
}

static void usage(const char *program) {
  fprintf(stderr,
          "usage: %s --port N [--host ADDR] [--max-message BYTES] [--max-outbound BYTES]\n"
          "          [--broadcast-path P] [--redis redis://HOST:PORT] [--static DIR]\n"
          "          [--allowed-origins LIST] [--no-compression]\n"
          "          [--header-timeout-ms MS] [--idle-timeout-ms MS] [--ping-interval-ms MS]\n"
          "          [--max-connections-per-ip N] [--max-connections N] [--message-timeout-ms MS]\n"
          "          [--max-partial-bytes BYTES] [--page-rate N] [--page-burst N]\n"
          "          [--max-response-bytes BYTES] [--allowed-hosts LIST] [--trusted-proxies LIST]\n"
          "          [--https-origins] [--cert PEM --key PEM]\n",
          program);
}

int main(int argc, char **argv) {
  lts_config config = {.host = "127.0.0.1", .port = 9001, .mode = LTS_MODE_RAW, .ws_path = NULL,
                       .max_message_bytes = 64u << 20, .max_outbound_bytes = 128u << 20};
  const char *static_dir = NULL;
  for (int i = 1; i < argc; i++) {
    const char *flag = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(flag, "--no-compression") == 0) {
      config.disable_compression = 1;
      continue;
    }
    if (strcmp(flag, "--https-origins") == 0) {
      config.https_origins = 1;
      continue;
    }
    if (value == NULL) {
      usage(argv[0]);
      return 2;
    }
    i++;
    if (strcmp(flag, "--port") == 0)
      config.port = atoi(value);
    else if (strcmp(flag, "--host") == 0)
      config.host = value;
    else if (strcmp(flag, "--max-message") == 0)
      config.max_message_bytes = strtoull(value, NULL, 10);
    else if (strcmp(flag, "--max-outbound") == 0)
      config.max_outbound_bytes = strtoull(value, NULL, 10);
    else if (strcmp(flag, "--broadcast-path") == 0)
      broadcast_path = value;
    else if (strcmp(flag, "--redis") == 0)
      config.redis_url = value;
    else if (strcmp(flag, "--static") == 0)
      static_dir = value;
    else if (strcmp(flag, "--allowed-origins") == 0)
      config.allowed_origins = value;
    else if (strcmp(flag, "--header-timeout-ms") == 0)
      config.header_timeout_ms = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--idle-timeout-ms") == 0)
      config.idle_timeout_ms = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--ping-interval-ms") == 0)
      config.ping_interval_ms = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--max-connections-per-ip") == 0)
      config.max_connections_per_ip = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--max-connections") == 0)
      config.max_connections = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--message-timeout-ms") == 0)
      config.message_timeout_ms = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--max-partial-bytes") == 0)
      config.max_partial_bytes = strtoull(value, NULL, 10);
    else if (strcmp(flag, "--page-rate") == 0)
      config.page_rate = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--page-burst") == 0)
      config.page_burst = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(flag, "--max-response-bytes") == 0)
      config.max_response_bytes = strtoull(value, NULL, 10);
    else if (strcmp(flag, "--allowed-hosts") == 0)
      config.allowed_hosts = value;
    else if (strcmp(flag, "--trusted-proxies") == 0)
      config.trusted_proxies = value;
    else if (strcmp(flag, "--cert") == 0)
      config.tls_cert_file = value;
    else if (strcmp(flag, "--key") == 0)
      config.tls_key_file = value;
    else {
      usage(argv[0]);
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, NULL);

  lts_callbacks callbacks = {.on_message = on_message, .on_request = on_request, .on_open = on_open, .on_close = on_close,
                           .on_notice = on_notice};
  lts_server *server = NULL;
  int rc = lts_server_new(&config, &callbacks, NULL, &server);
  if (rc == LTS_OK && static_dir != NULL) rc = lts_server_add_static(server, "/static/", static_dir);
  if (rc == LTS_OK) rc = lts_server_start(server);
  if (rc != LTS_OK) {
    /* lts_last_error says which argument or setting was wrong; the code's
     * own sentence is the fallback. */
    const char *why = lts_last_error();
    fprintf(stderr, "echo-server: %s (%s)\n", why[0] != '\0' ? why : lts_strerror(rc), lts_err_name(rc));
    lts_server_free(server);
    return 1;
  }
  printf("echo server on %s://%s:%d/\n", config.tls_cert_file != NULL ? "wss" : "ws", config.host, lts_server_port(server));
  fflush(stdout);
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    rc = lts_server_reload_tls(server, NULL, NULL);
    if (rc == LTS_OK)
      printf("tls reloaded\n");
    else
      printf("tls reload failed: %s (%s)\n", lts_last_error(), lts_err_name(rc));
    fflush(stdout);
  }
  lts_server_free(server);
  return 0;
}
