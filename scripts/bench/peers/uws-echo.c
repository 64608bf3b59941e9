/*
 * The transport benchmark's second peer: a WebSocket echo server on
 * uWebSockets, through the C API of socketify's libsocketify (uWS and
 * uSockets on libuv, as shipped on PyPI). It behaves as
 * examples/echo-server and scripts/bench/peers/ws-echo.js do: every message
 * on any path comes back as it was sent, and with --broadcast-path P the
 * connections opened on P are subscribed to one topic, and a text message
 * from any of them is published to all of them, the sender included.
 * No compression and a 64 MiB message limit, as the other two.
 *
 * scripts/bench/transport builds it into .build/bench/uws-echo, against the
 * library it unpacks from the socketify sdist (fetched with pip into .cache).
 * The prototypes below are the ones socketify's native.py declares.
 *
 * usage: uws-echo --port N [--host ADDR] [--broadcast-path P]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct us_socket_context_options_t {
  const char *key_file_name;
  const char *cert_file_name;
  const char *passphrase;
  const char *dh_params_file_name;
  const char *ca_file_name;
  const char *ssl_ciphers;
  int ssl_prefer_low_memory_usage;
};
struct us_listen_socket_t;
typedef enum { CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10 } uws_opcode_t;
typedef enum { BACKPRESSURE, SUCCESS, DROPPED } uws_sendstatus_t;
typedef enum { DISABLED = 0 } uws_compress_options_t;
typedef struct {
  int port;
  const char *host;
  int options;
} uws_app_listen_config_t;
typedef struct uws_app_s uws_app_t;
typedef struct uws_req_s uws_req_t;
typedef struct uws_res_s uws_res_t;
typedef struct uws_socket_context_s uws_socket_context_t;
typedef struct uws_websocket_s uws_websocket_t;
typedef void (*uws_websocket_handler)(uws_websocket_t *ws, void *user_data);
typedef void (*uws_websocket_message_handler)(uws_websocket_t *ws, const char *message, size_t length,
                                              uws_opcode_t opcode, void *user_data);
typedef void (*uws_websocket_ping_pong_handler)(uws_websocket_t *ws, const char *message, size_t length,
                                                void *user_data);
typedef void (*uws_websocket_close_handler)(uws_websocket_t *ws, int code, const char *message, size_t length,
                                            void *user_data);
typedef void (*uws_websocket_upgrade_handler)(uws_res_t *response, uws_req_t *request, uws_socket_context_t *context,
                                              void *user_data);
typedef void (*uws_websocket_subscription_handler)(uws_websocket_t *ws, const char *topic, size_t topic_length,
                                                   int new_count, int old_count, void *user_data);
typedef struct {
  uws_compress_options_t compression;
  unsigned int maxPayloadLength;
  unsigned short idleTimeout;
  unsigned int maxBackpressure;
  bool closeOnBackpressureLimit;
  bool resetIdleTimeoutOnSend;
  bool sendPingsAutomatically;
  unsigned short maxLifetime;
  uws_websocket_upgrade_handler upgrade;
  uws_websocket_handler open;
  uws_websocket_message_handler message;
  uws_websocket_handler drain;
  uws_websocket_ping_pong_handler ping;
  uws_websocket_ping_pong_handler pong;
  uws_websocket_close_handler close;
  uws_websocket_subscription_handler subscription;
} uws_socket_behavior_t;
typedef void (*uws_listen_handler)(struct us_listen_socket_t *listen_socket, uws_app_listen_config_t config,
                                   void *user_data);
typedef void (*uws_method_handler)(uws_res_t *response, uws_req_t *request, void *user_data);

uws_app_t *uws_create_app(int ssl, struct us_socket_context_options_t options);
void uws_app_any(int ssl, uws_app_t *app, const char *pattern, uws_method_handler handler, void *user_data);
void uws_ws(int ssl, uws_app_t *app, const char *pattern, uws_socket_behavior_t behavior, void *user_data);
void uws_app_listen_with_config(int ssl, uws_app_t *app, uws_app_listen_config_t config, uws_listen_handler handler,
                                void *user_data);
void uws_app_run(int ssl, uws_app_t *app);
int us_socket_local_port(int ssl, struct us_listen_socket_t *ls);
void uws_res_end(int ssl, uws_res_t *res, const char *data, size_t length, bool close_connection);
void uws_res_write_header(int ssl, uws_res_t *res, const char *key, size_t key_length, const char *value,
                          size_t value_length);
void uws_res_upgrade(int ssl, uws_res_t *res, void *data, const char *key, size_t key_length, const char *protocol,
                     size_t protocol_length, const char *extensions, size_t extensions_length,
                     uws_socket_context_t *ws);
size_t uws_req_get_url(uws_req_t *req, const char **dest);
size_t uws_req_get_header(uws_req_t *req, const char *lower_case_header, size_t lower_case_header_length,
                          const char **dest);
void *uws_ws_get_user_data(int ssl, uws_websocket_t *ws);
uws_sendstatus_t uws_ws_send(int ssl, uws_websocket_t *ws, const char *message, size_t length, uws_opcode_t opcode);
bool uws_ws_subscribe(int ssl, uws_websocket_t *ws, const char *topic, size_t length);
bool uws_publish(int ssl, uws_app_t *app, const char *topic, size_t topic_length, const char *message,
                 size_t message_length, uws_opcode_t opcode, bool compress);

static const char topic[] = "broadcast";
static const char *broadcast_path = NULL;
static uws_app_t *app = NULL;
/* A socket's user data says whether it was opened on the broadcast path. */
static char member_mark;

static bool is_broadcast_path(const char *url, size_t length) {
  if (broadcast_path == NULL) return false;
  size_t want = strlen(broadcast_path);
  return length >= want && memcmp(url, broadcast_path, want) == 0 && (length == want || url[want] == '?');
}

static void on_upgrade(uws_res_t *res, uws_req_t *req, uws_socket_context_t *context, void *user_data) {
  (void)user_data;
  const char *url, *key, *protocol, *extensions;
  size_t url_length = uws_req_get_url(req, &url);
  size_t key_length = uws_req_get_header(req, "sec-websocket-key", 17, &key);
  size_t protocol_length = uws_req_get_header(req, "sec-websocket-protocol", 22, &protocol);
  size_t extensions_length = uws_req_get_header(req, "sec-websocket-extensions", 24, &extensions);
  uws_res_upgrade(0, res, is_broadcast_path(url, url_length) ? &member_mark : NULL, key, key_length, protocol,
                  protocol_length, extensions, extensions_length, context);
}

static void on_open(uws_websocket_t *ws, void *user_data) {
  (void)user_data;
  if (uws_ws_get_user_data(0, ws) == &member_mark) uws_ws_subscribe(0, ws, topic, sizeof topic - 1);
}

static void on_message(uws_websocket_t *ws, const char *message, size_t length, uws_opcode_t opcode, void *user_data) {
  (void)user_data;
  if (opcode == TEXT && uws_ws_get_user_data(0, ws) == &member_mark) {
    uws_publish(0, app, topic, sizeof topic - 1, message, length, TEXT, false);
    return;
  }
  uws_ws_send(0, ws, message, length, opcode);
}

static void on_http(uws_res_t *res, uws_req_t *req, void *user_data) {
  (void)req, (void)user_data;
  static const char body[] = "uWS echo server: open a WebSocket on any path\n";
  uws_res_write_header(0, res, "Content-Type", 12, "text/plain; charset=utf-8", 25);
  uws_res_end(0, res, body, sizeof body - 1, false);
}

static void on_listen(struct us_listen_socket_t *listen_socket, uws_app_listen_config_t config, void *user_data) {
  (void)user_data;
  if (listen_socket == NULL) {
    fprintf(stderr, "uws-echo: cannot listen on %s:%d\n", config.host, config.port);
    exit(1);
  }
  printf("uWS echo server on ws://%s:%d/\n", config.host, us_socket_local_port(0, listen_socket));
  fflush(stdout);
}

int main(int argc, char **argv) {
  uws_app_listen_config_t listen = {.port = 9001, .host = "127.0.0.1", .options = 0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      listen.port = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
      listen.host = argv[++i];
    } else if (strcmp(argv[i], "--broadcast-path") == 0 && i + 1 < argc) {
      broadcast_path = argv[++i];
    } else {
      fprintf(stderr, "usage: %s --port N [--host ADDR] [--broadcast-path P]\n", argv[0]);
      return 2;
    }
  }
  struct us_socket_context_options_t options;
  memset(&options, 0, sizeof options);
  app = uws_create_app(0, options);
  if (app == NULL) {
    fprintf(stderr, "uws-echo: uws_create_app failed\n");
    return 1;
  }
  uws_socket_behavior_t behavior;
  memset(&behavior, 0, sizeof behavior);
  behavior.compression = DISABLED;
  behavior.maxPayloadLength = 64u << 20;
  /* No idle timeout and no pings: the other servers close no idle socket
   * within a run. Backpressure as high as the echo server's outbound limit. */
  behavior.idleTimeout = 0;
  behavior.maxBackpressure = 128u << 20;
  behavior.upgrade = on_upgrade;
  behavior.open = on_open;
  behavior.message = on_message;
  uws_ws(0, app, "/*", behavior, NULL);
  uws_app_any(0, app, "/*", on_http, NULL);
  uws_app_listen_with_config(0, app, listen, on_listen, NULL);
  uws_app_run(0, app);
  return 0;
}
