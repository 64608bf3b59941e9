/*
 * A live counter served by a plain C program through include/livetscore.h
 * alone: no Node, no Swift toolchain. It shows that the header is the whole
 * contract a host needs.
 *
 * usage: c-counter PORT CLIENT_DIST_DIR
 * Serves "/" (the counter page) and the connector under /_livets/.
 */
#define _POSIX_C_SOURCE 200809L

#include <livetscore.h>

#include <pthread.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTERS 4096

struct counter {
  lts_conn_id conn;
  char component[64];
  long value;
};

/* Touched only from callbacks, which all run on the core's loop thread. */
static struct counter counters[MAX_COUNTERS];

static struct counter *find_counter(lts_conn_id conn, const char *id, size_t len, int create) {
  struct counter *free_slot = NULL;
  for (size_t i = 0; i < MAX_COUNTERS; i++) {
    struct counter *c = &counters[i];
    if (c->conn == conn && strlen(c->component) == len && memcmp(c->component, id, len) == 0) return c;
    if (c->conn == 0 && free_slot == NULL) free_slot = c;
  }
  if (!create || free_slot == NULL || len >= sizeof free_slot->component) return NULL;
  free_slot->conn = conn;
  memcpy(free_slot->component, id, len);
  free_slot->component[len] = '\0';
  free_slot->value = 0;
  return free_slot;
}

static int render(long value, char *out, size_t size) {
  return snprintf(out, size,
                  "<h1>C counter</h1><span id=\"count\">%ld</span>"
                  "<button id=\"dec\" ts-on:click=\"dec\">-</button>"
                  "<button id=\"inc\" ts-on:click=\"inc\">+</button>",
                  value);
}

static void on_request(lts_server *server, const lts_request *request, void *userdata) {
  (void)userdata;
  int is_root = request->target_len >= 1 && request->target[0] == '/' &&
                (request->target_len == 1 || request->target[1] == '?');
  if (!is_root) {
    static const char missing[] = "404 Not Found\n";
    static const char type[] = "Content-Type: text/plain; charset=utf-8\r\n";
    lts_respond(server, request->id, 404, type, sizeof type - 1, missing, sizeof missing - 1);
    return;
  }
  char view[512];
  render(0, view, sizeof view);
  char page[2048];
  int n = snprintf(page, sizeof page,
                   "<!doctype html><html><head><meta charset=\"utf-8\"><title>C counter</title>"
                   "<script defer src=\"/_livets/livets.js\"></script></head><body>"
                   "<div data-livets-id=\"counter\" data-livets-token=\"c-host\">%s</div></body></html>",
                   view);
  static const char type[] = "Content-Type: text/html; charset=utf-8\r\n";
  lts_respond(server, request->id, 200, type, sizeof type - 1, page, (size_t)n);
}

static void on_live_event(lts_server *server, const lts_live_event *event, void *userdata) {
  (void)userdata;
  char html[512];
  if (event->kind == LTS_EVENT_JOIN) {
    struct counter *c = find_counter(event->conn, event->component, event->component_len, 1);
    if (c == NULL) {
      static const char full[] = "server full";
      lts_reply_error(server, event->conn, event->component, event->component_len, event->ref, full, sizeof full - 1);
      return;
    }
    int n = render(c->value, html, sizeof html);
    lts_component_register(server, event->conn, event->component, event->component_len, event->ref, html, (size_t)n);
    return;
  }
  struct counter *c = find_counter(event->conn, event->component, event->component_len, 0);
  if (c == NULL) return;
  if (event->kind == LTS_EVENT_LEAVE) {
    c->conn = 0;
    return;
  }
  int is_inc = event->name_len == 3 && memcmp(event->name, "inc", 3) == 0;
  int is_dec = event->name_len == 3 && memcmp(event->name, "dec", 3) == 0;
  if (!is_inc && !is_dec) {
    static const char unknown[] = "unknown event";
    lts_reply_error(server, event->conn, event->component, event->component_len, event->ref, unknown, sizeof unknown - 1);
    return;
  }
  c->value += is_inc ? 1 : -1;
  int n = render(c->value, html, sizeof html);
  lts_component_update(server, event->conn, event->component, event->component_len, event->ref, html, (size_t)n);
}

static void on_close(lts_server *server, lts_conn_id conn, int code, void *userdata) {
  (void)server, (void)code, (void)userdata;
  for (size_t i = 0; i < MAX_COUNTERS; i++)
    if (counters[i].conn == conn) counters[i].conn = 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT CLIENT_DIST_DIR\n", argv[0]);
    return 2;
  }
  if (lts_version_number() != LTS_VERSION_NUMBER) {
    fprintf(stderr, "liblivetscore %s does not match header %s\n", lts_version_string(), LTS_VERSION_STRING);
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  /* Block before the core's thread exists so only sigwait below sees them. */
  pthread_sigmask(SIG_BLOCK, &signals, NULL);

  lts_config config = {.host = "127.0.0.1", .port = atoi(argv[1]), .mode = LTS_MODE_LIVETS, .ws_path = "/live"};
  lts_callbacks callbacks = {.on_request = on_request, .on_live_event = on_live_event, .on_close = on_close};
  lts_server *server = NULL;
  int rc = lts_server_new(&config, &callbacks, NULL, &server);
  if (rc == LTS_OK) rc = lts_server_add_static(server, "/_livets/", argv[2]);
  if (rc == LTS_OK) rc = lts_server_start(server);
  if (rc != LTS_OK) {
    /* lts_last_error says which argument or setting was wrong; the code's
     * own sentence is the fallback. */
    const char *why = lts_last_error();
    fprintf(stderr, "c-counter: %s (%s)\n", why[0] != '\0' ? why : lts_strerror(rc), lts_err_name(rc));
    lts_server_free(server);
    return 1;
  }
  printf("listening on http://127.0.0.1:%d\n", lts_server_port(server));
  fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  lts_server_stop(server);
  lts_server_free(server);
  return 0;
}
