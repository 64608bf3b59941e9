/*
 * livetscore.h: the C interface of the LiveTS core (liblivetscore.so).
 *
 * The core is an HTTP/1.1 and WebSocket server on its own libuv loop and
 * thread, with the registries, event router, HTML differ and pub/sub broker
 * of a LiveTS application. A host (the Node binding, or any C program)
 * renders views; the core owns every socket.
 *
 * Conventions
 *  - Every name starts with lts_. Functions return int: LTS_OK (0) or a
 *    negative LTS_E* code; lts_err_name() names a code ("LTS_EINVAL"),
 *    lts_strerror() gives its general sentence, and lts_last_error() says
 *    what exactly was wrong with the calling thread's last failing call
 *    (which argument, the value, the fix): log that one.
 *  - lts_server is opaque. CONSTRUCTOR lts_server_new, DESTRUCTOR
 *    lts_server_free (NULL is a no-op).
 *  - Every METHOD checks in this order and returns the first failure:
 *      1. the handle: NULL, freed or foreign (never from lts_server_new), or
 *         a call from a thread where it is not allowed, is LTS_EMISUSE,
 *         whatever the other arguments, and never a crash;
 *      2. the arguments: LTS_EINVAL for a NULL pointer with a non-zero
 *         length, a length past SIZE_MAX/2, an empty id or topic, conn 0,
 *         or a number out of its range; LTS_EPARSE for text that must be
 *         UTF-8 and is not (message data, HTML, reasons, presence keys) or
 *         is not JSON where JSON is taken; LTS_ETOOBIG for a size over a limit (a size is checked
 *         before the bytes are read);
 *      3. the server's state: LTS_ESTATE when it is not running (or, for
 *         calls made before lts_server_start, when it is).
 *    Each function's comment lists exactly the codes it returns beyond
 *    LTS_OK and LTS_EMISUSE.
 *  - Threads: every METHOD may be called from any thread; it copies its
 *    arguments and hands them to the loop thread. Callbacks run on the loop
 *    thread, must not block, and may fire before lts_server_start returns.
 *    From a callback, lts_server_stop is LTS_EMISUSE and lts_server_free
 *    does nothing (both would join the thread they run on).
 *  - Methods that name a connection, request or component queue their work
 *    for the loop and return LTS_OK at once: one that is gone by then (the
 *    client left) is dropped silently. LTS_ENOTFOUND is for lookups made
 *    at call time (a static directory that does not exist, a streamed
 *    request that is unknown or already done: see "Streamed HTTP").
 *  - Lifetimes: pointers handed to a callback are valid only during that
 *    callback; copy what you keep. Strings are UTF-8 with explicit lengths
 *    and are not NUL-terminated unless stated.
 */
#ifndef LIVETSCORE_H
#define LIVETSCORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LTS_VERSION_MAJOR 0
#define LTS_VERSION_MINOR 3
#define LTS_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH; compare with lts_version_number(). */
#define LTS_VERSION_NUMBER 300
#define LTS_VERSION_STRING "0.3.0"

/* The wire protocol version spoken with the browser connector. */
#define LTS_PROTOCOL_VERSION 1

/* Error codes. */
#define LTS_OK 0
#define LTS_EINVAL -1       /* a malformed argument: NULL with a length, out
                               of range, empty where a value is needed */
#define LTS_ENOMEM -2       /* an allocation failed */
#define LTS_ESTATE -3       /* not allowed in the server's current state */
#define LTS_ENOTFOUND -4    /* lts_server_add_static: no such directory */
#define LTS_EADDRINUSE -5   /* the listen address is taken */
#define LTS_EIO -6          /* the operating system refused (bind, thread) */
#define LTS_EPARSE -7       /* input that is not the expected format (not
                               UTF-8, not JSON, bad header lines) */
#define LTS_ETOOBIG -8      /* input over a limit */
#define LTS_EMISUSE -9      /* a NULL, freed or foreign handle, or a call from
                               a thread or callback where it is not allowed:
                               a bug in the caller, as SQLITE_MISUSE */
#define LTS_ETLS -10        /* a TLS certificate or key file that cannot be
                               read or used (lts_last_error names the file
                               and gives OpenSSL's reason) */

/* Not an error: lts_response_write took the bytes, and more than the
 * high-water mark of this response is unsent. Wait for on_response_drain
 * before writing more (see "Streamed HTTP"). */
#define LTS_BUFFERED 1

/* These six cannot fail, may be called from any thread at any time, and
 * leave lts_last_error() as it was, so they can be used to report an error. */

/* The library's version, to check that header and library agree:
 * lts_version_number() == LTS_VERSION_NUMBER. */
int lts_version_number(void);
/* NUL-terminated, static. */
const char *lts_version_string(void);
/* A NUL-terminated static sentence for any code; unknown codes included. */
const char *lts_strerror(int code);
/* The code's name as a NUL-terminated static string ("LTS_EINVAL",
 * "LTS_OK"); "unknown" for a code not listed above. */
const char *lts_err_name(int code);
/* A NUL-terminated UTF-8 sentence about the calling thread's last failing
 * lts_ call, naming the function or lts_config field, the value and the
 * fix, e.g. "lts_config.host must be an IPv4 or IPv6 literal, got
 * \"localhost\"". "" if that call succeeded or none failed yet: every
 * function that returns a code (and lts_server_free) resets it. The
 * pointer is the thread's own buffer: valid until the thread exits, its
 * text replaced by the thread's next such call. Copy it to keep it. */
const char *lts_last_error(void);

/* Frees memory the library allocated for the caller (lts_diff,
 * lts_presence_list). NULL ok. */
void lts_free(void *ptr);

/* ---------------------------------------------------------------------- */
/* HTML diffing, usable without a server.                                 */
/* ---------------------------------------------------------------------- */

/* Diffs two HTML fragments (the content of one component root) and writes
 * the patch (docs/protocol.md, "Patch operations") to *out, a buffer the
 * caller frees with lts_free (*out is NULL after a failure). An unchanged
 * fragment gives the empty patch. Any thread.
 * Returns LTS_OK, LTS_EINVAL (NULL out or out_len, or NULL input with a
 * non-zero length) or LTS_ENOMEM. */
int lts_diff(const char *old_html, size_t old_len,
             const char *new_html, size_t new_len,
             uint8_t **out, size_t *out_len);

/* ---------------------------------------------------------------------- */
/* Server                                                                 */
/* ---------------------------------------------------------------------- */

typedef struct lts_server lts_server;
typedef uint64_t lts_conn_id;    /* 0 is never a connection */
typedef uint64_t lts_request_id; /* 0 is never a request */

/* How WebSocket messages reach the host. */
#define LTS_MODE_LIVETS 0 /* the LiveTS protocol: on_join/on_event/on_leave */
#define LTS_MODE_RAW 1    /* every message to on_message, as received */

typedef struct lts_config {
  const char *host;         /* NUL-terminated IPv4/IPv6 literal; NULL = 127.0.0.1 */
  int port;                 /* 0 = pick a free port (see lts_server_port) */
  int mode;                 /* LTS_MODE_* */
  const char *ws_path;      /* WebSocket endpoint path, compared without the
                               query string; NULL = any path */
  size_t max_message_bytes; /* largest inbound message; 0 = 1 MiB */
  size_t max_outbound_bytes;/* per-connection unsent bytes before close 1008;
                               0 = 4 MiB. Reads pause above a quarter of it. */
  const char *allowed_origins; /* comma-separated origins that may open a
                               WebSocket ("https://a.example,http://b:8080");
                               "*" = any; NULL = the Origin's host must equal
                               the Host header. No Origin header = allowed. */
  unsigned header_timeout_ms; /* a request must arrive within this; 0 = 10 s */
  unsigned idle_timeout_ms;   /* idle keep-alive connections close; 0 = 60 s */
  unsigned ping_interval_ms;  /* a WebSocket silent this long is pinged, and
                               dropped if silent as long again; 0 = 30 s */
  int disable_compression;    /* non-zero: never negotiate permessage-deflate */
  const char *redis_url; /* "redis://[[user]:password@]host[:port][/db]";
                            NULL = single process */
  /* With redis_url, this server is one node of several: lts_publish also
   * reaches subscribers on the other nodes, and presence is shared (see
   * "Presence"). Each server takes a random node id at creation; messages
   * carry it, so a node ignores its own publishes coming back from Redis.
   * Port defaults to 6379; an IPv6 host goes in brackets ("[::1]:6379");
   * the db number is ignored (Redis pub/sub spans databases). With a password (percent-encoded, as in any URL; a user
   * name is optional, for Redis 6 ACLs) both connections send AUTH first;
   * a user without a password, a bad %-escape or options ("?…") are
   * LTS_EINVAL. A refused AUTH fails the attempt, is reported on
   * "lts:redis" and retried with the backoff below. A host
   * name is resolved at each connect, on the loop thread: prefer an IP.
   * When Redis goes away, publishes keep reaching local subscribers and are
   * dropped for Redis (counted in lts_stats.redis_dropped_publishes; the few
   * written in the instant before the loss is noticed are lost uncounted);
   * the core reconnects with exponential backoff from 100 ms to 5 s,
   * jittered, and a connect that takes over 2 s counts as failed. */

  /* Limits that keep one client from hurting the server or other users
   * (docs/security.md). Every field's 0 (or NULL) means its default. A
   * refusal is counted in lts_stats.refusals by cause and reported through
   * on_notice. */
  unsigned max_views_per_connection; /* views one WebSocket may have joined;
                                        0 = 100. A join over it is answered
                                        ["x", id, ref, "too many views"]; the
                                        connection lives on. */
  unsigned max_connections_per_ip;   /* open TCP connections per client address;
                                        0 = 256. Over it: HTTP 503 with
                                        Retry-After, then close. */
  unsigned max_connections;          /* open TCP connections in all; 0 = the
                                        file descriptor limit less 64 kept for
                                        the listener, Redis and the host */
  unsigned message_timeout_ms;       /* a WebSocket message (all its frames) must
                                        arrive within this of its first byte;
                                        0 = 10 s; else close 1008 */
  size_t max_partial_bytes;          /* bytes of unfinished inbound messages held
                                        for all connections together; 0 = 64 MiB.
                                        The connection that would pass it is
                                        closed 1013. */
  size_t max_host_queue_bytes;       /* bytes of joins, events and URL changes of
                                        one connection handed to the host and not
                                        yet answered; 0 = 4 MiB. Reads of that
                                        connection pause above it (as they do
                                        above 64 unanswered messages). */
  size_t max_host_queue_bytes_total; /* the same for the whole server; 0 = 64 MiB.
                                        Reads of a connection that delivers while
                                        it is passed pause until it halves. */
  unsigned event_rate;               /* events and URL changes per second per
                                        connection (token bucket); 0 = 100 */
  unsigned event_burst;              /* the bucket's size; 0 = 200. Over it a
                                        frame is answered ["x", id, ref, "rate
                                        limited"]; as many refusals again within
                                        10 s close the connection 1008. */
  unsigned join_rate;                /* joins per second per connection; 0 = 10 */
  unsigned join_burst;               /* 0 = 30 */
  unsigned page_rate;                /* requests per second per client address
                                        that reach on_request (pages, not static
                                        files); 0 = 20 */
  unsigned page_burst;               /* 0 = 100. Over it: 503 with Retry-After. */
  size_t max_response_bytes;         /* largest body lts_respond takes; 0 = 16 MiB;
                                        over it LTS_ETOOBIG */
  size_t max_live_message_bytes;     /* largest render or patch the core sends;
                                        0 = 4 MiB; lts_component_register and
                                        _update give LTS_ETOOBIG for HTML over it */
  const char *allowed_hosts;         /* comma-separated names or addresses the Host
                                        header may carry (the port is ignored)
                                        besides the bound address, "localhost",
                                        "127.0.0.1" and "[::1]", which always may;
                                        "*" = any. Others get 400, on pages and
                                        upgrades alike. */
  const char *trusted_proxies;       /* comma-separated IP addresses whose
                                        X-Forwarded-For is believed: the client
                                        address is then the last address in that
                                        header not itself a trusted proxy.
                                        NULL = none (the peer address is used). */
  int https_origins;                 /* non-zero: accept https:// Origins on this
                                        plain-HTTP server (a proxy terminates TLS).
                                        0: an https Origin is refused with 403. */
  size_t max_body_bytes;             /* largest request body; 0 = 1 MiB. A declared
                                        Content-Length over it is answered 413 before
                                        the host sees the request; a chunked body
                                        that passes it gets 413 (or, once the host
                                        began its answer, nothing more) and the
                                        connection closes. Without streamed
                                        requests the whole body is held in memory,
                                        so keep it small there. */
  unsigned body_timeout_ms;          /* a streamed request body must make progress:
                                        no byte for this long while the host is
                                        ready for more is answered 408 and closes
                                        the connection; 0 = 10 s */

  /* TLS: with both set, every connection speaks HTTPS and WSS (TLS 1.2 or
   * 1.3, Mozilla's "intermediate" ciphers, ALPN http/1.1); with both NULL,
   * plain HTTP. NUL-terminated paths, read by lts_server_new (a bad file
   * fails it with LTS_ETLS) and again by lts_server_reload_tls. A server
   * with TLS accepts https:// Origins (as https_origins does). Handshake
   * and record failures close the connection and count as LTS_CAUSE_TLS;
   * a plain-HTTP request on the port gets 400 first. */
  const char *tls_cert_file;         /* PEM: the certificate, then any
                                        intermediates (a "fullchain" file) */
  const char *tls_key_file;          /* PEM private key, unencrypted (an
                                        encrypted one is LTS_ETLS: the core
                                        never asks for a passphrase) */

  /* Many processes on one port: with reuse_port non-zero the listening
   * socket gets SO_REUSEPORT before bind, so every server of the same user
   * that sets it may bind the same host and port, and the kernel spreads
   * new connections among them (Linux hashes each connection to one
   * listener; a listener that stops takes its queued connections with it).
   * A socket without the option on that port, or one of another user,
   * still makes lts_server_start fail with LTS_EADDRINUSE, as it always
   * does with reuse_port 0. A page rendered by one process joins on any
   * other when all share the host's secret; give them one redis_url so
   * publishes and presence span them. lts_server_start_unbound ignores it. */
  int reuse_port;

  /* Pages: a response given whole (lts_respond) whose body is at least
   * compress_min_bytes, of a text type (text/..., JSON, JavaScript, XML,
   * SVG), with no Content-Encoding, Content-Range or Cache-Control:
   * no-transform of its own, goes out with Content-Encoding: gzip to a
   * client whose Accept-Encoding allows gzip (q-values honoured), and with
   * Vary: Accept-Encoding to every client; a strong ETag becomes weak in the
   * gzip variant. Streamed responses (lts_response_start) are sent as given. */
  size_t compress_min_bytes;         /* 0 = 1024 */
  int disable_page_compression;      /* non-zero: never gzip a response the host gives */

  /* Long polling: a browser that cannot keep a WebSocket (a proxy blocks the
   * upgrade) talks to <ws_path>/poll ("/live/poll" with ws_path NULL)
   * instead, over plain requests (docs/protocol.md, "Long polling"). Each
   * session is a connection to the host: on_open with the request that
   * opened it, messages and on_close as for a WebSocket, with the same
   * Origin check, caps (max_connections_per_ip counts sessions too), rate
   * limits and max_message_bytes; max_outbound_bytes bounds the messages it
   * has not fetched. Only text messages reach it: lts_send_binary to a
   * session is dropped, as for a connection that is gone. */
  int disable_long_polling;          /* non-zero: no long polling; requests to
                                        the path go to on_request like others */
} lts_config;

/* A kind of lts_live_event. */
#define LTS_EVENT_JOIN 1  /* a browser joins component `component` with `name` = token */
#define LTS_EVENT_EVENT 2 /* a user event `name` with JSON `payload` */
#define LTS_EVENT_LEAVE 3 /* the browser left the component; the core has
                             already unregistered and unsubscribed it */
#define LTS_EVENT_URL 4   /* the page URL changed (live patch, back/forward):
                             `name` = the new path and query */

typedef struct lts_live_event {
  int kind;                /* LTS_EVENT_* */
  lts_conn_id conn;
  uint64_t ref;            /* the browser's reference, echoed in the reply:
                              1 .. 2^53-1 for joins, events and URL changes
                              (the core refuses others), so a JavaScript
                              Number holds it exactly */
  const char *component;   /* component id, as the page named it */
  size_t component_len;
  const char *name;        /* event name (EVENT), join token (JOIN), URL (URL), or empty */
  size_t name_len;
  const char *payload;     /* JSON text (EVENT: payload, JOIN: params); "null" if absent */
  size_t payload_len;
  const char *address;     /* the client's IP address as text ("203.0.113.5",
                              "::1"), through trusted proxies */
  size_t address_len;
} lts_live_event;

typedef struct lts_request {
  lts_request_id id;       /* answer with lts_respond, on any thread */
  const char *method;      /* e.g. "GET" */
  size_t method_len;
  const char *target;      /* path and query, as sent */
  size_t target_len;
  const char *headers;     /* raw header lines, "Name: value\r\n" each */
  size_t headers_len;
  const char *body;
  size_t body_len;
  const char *address;     /* the client's IP address as text, through
                              trusted proxies (see lts_config.trusted_proxies) */
  size_t address_len;
} lts_request;

/* Why the core refused something (lts_notice.cause, lts_stats.refusals). */
#define LTS_CAUSE_BAD_MESSAGE 1        /* a frame of the wrong shape or target */
#define LTS_CAUSE_VIEWS_PER_CONNECTION 2
#define LTS_CAUSE_CONNECTIONS_PER_IP 3
#define LTS_CAUSE_CONNECTIONS 4        /* max_connections */
#define LTS_CAUSE_MESSAGE_TIMEOUT 5
#define LTS_CAUSE_PARTIAL_BYTES 6
#define LTS_CAUSE_HOST_QUEUE 7         /* reads paused: the host is behind */
#define LTS_CAUSE_EVENT_RATE 8
#define LTS_CAUSE_JOIN_RATE 9
#define LTS_CAUSE_PAGE_RATE 10
#define LTS_CAUSE_HOST_NOT_ALLOWED 11  /* a Host header not in allowed_hosts */
#define LTS_CAUSE_ORIGIN 12            /* an upgrade's Origin refused */
#define LTS_CAUSE_SLOW_CONSUMER 13     /* closed: max_outbound_bytes passed */
#define LTS_CAUSE_TOO_BIG 14           /* a response or live message over its limit */
#define LTS_CAUSE_RATE_ABUSE 15        /* closed 1008 after sustained rate refusals */
#define LTS_CAUSE_TLS 16               /* a TLS handshake or record failed (an old
                                          protocol, no shared cipher, a client that
                                          does not trust the certificate, plain HTTP) */
#define LTS_CAUSE_LONG_POLL 17         /* a long-poll request naming no session, an
                                          ended one, or another's token */
#define LTS_CAUSE_COUNT 18             /* one past the largest cause */

/* A stable lowercase name for a cause ("event_rate"); "unknown" otherwise. */
const char *lts_cause_name(int cause);

/* A refusal, reported at most once per cause and connection (or client
 * address, before a connection is a WebSocket) every 10 seconds: the first
 * one at once with count 1, the rest when the interval ends, as one notice
 * whose count says how many it stands for. */
typedef struct lts_notice {
  int cause;               /* LTS_CAUSE_* */
  lts_conn_id conn;        /* 0 when no WebSocket is concerned */
  uint64_t count;          /* refusals this notice stands for */
  const char *address;     /* the client's address as text */
  size_t address_len;
  const char *detail;      /* one sentence for a log line */
  size_t detail_len;
} lts_notice;

/* Every callback may be NULL. All run on the loop thread. */
typedef struct lts_callbacks {
  /* An HTTP request that is neither a static file nor a WebSocket upgrade.
   * The host must answer it with lts_respond (now or later, any thread). */
  void (*on_request)(lts_server *server, const lts_request *request, void *userdata);
  /* A WebSocket connection is open. `upgrade` is the request that opened
   * it, valid during the call only: its target, its headers (Cookie, so a
   * host can check the session a join claims; User-Agent) and the
   * client's address. Its id is 0 and its body empty: nothing answers it. */
  void (*on_open)(lts_server *server, lts_conn_id conn, const lts_request *upgrade,
                  void *userdata);
  /* A WebSocket connection is gone; every component it joined is already
   * unregistered and unsubscribed. `code` is the close code (1006: no close frame). */
  void (*on_close)(lts_server *server, lts_conn_id conn, int code, void *userdata);
  /* LTS_MODE_LIVETS: a join, event, leave or URL change, already checked for
   * shape and, except joins, for the component belonging to this connection.
   * Every join, event and URL change should be answered, with its ref,
   * by lts_component_register/update or lts_reply_error: the core counts
   * the unanswered ones and their bytes, per connection and in all, and
   * stops reading a connection while they are over the limits
   * (64 messages, max_host_queue_bytes, max_host_queue_bytes_total). */
  void (*on_live_event)(lts_server *server, const lts_live_event *event, void *userdata);
  /* LTS_MODE_RAW: one complete message. `data` is the message where the
   * core decoded it (no copy), valid during the call; text is valid UTF-8,
   * and lts_send of it, or of a part cut at character boundaries, from
   * this callback is not validated again. */
  void (*on_message)(lts_server *server, lts_conn_id conn, const char *data, size_t len,
                     int is_binary, void *userdata);
  /* A publish reached a topic that component `component` of `conn` subscribed
   * to; conn is 0 and the component empty for lts_host_subscribe. */
  void (*on_info)(lts_server *server, lts_conn_id conn, const char *component,
                  size_t component_len, const char *topic, size_t topic_len,
                  const char *data, size_t data_len, void *userdata);
  /* The core refused something (see lts_notice): for the host's log. */
  void (*on_notice)(lts_server *server, const lts_notice *notice, void *userdata);
} lts_callbacks;

/* CONSTRUCTOR. Copies config and callbacks; *out is NULL after a failure.
 * Returns LTS_EINVAL for a NULL out, config or callbacks, a port outside
 * 0..65535, an unknown mode, a malformed list or URL (allowed_origins
 * with an empty entry, allowed_hosts or trusted_proxies with an entry that
 * is not a host name or IP address, redis_url), or only one of
 * tls_cert_file and tls_key_file; LTS_ETLS if they cannot be read or used;
 * LTS_ENOMEM if the event loop cannot be created. lts_config.host is
 * checked by lts_server_start. */
int lts_server_new(const lts_config *config, const lts_callbacks *callbacks, void *userdata,
                   lts_server **out);

/* Serves files under `dir` for request paths that start with `prefix`
 * (e.g. "/_livets/"); both NUL-terminated. Returns LTS_EINVAL for a NULL
 * prefix or dir or a prefix not starting with "/"; LTS_ESTATE once the
 * server was started; LTS_ENOTFOUND if `dir` does not exist. */
int lts_server_add_static(lts_server *server, const char *prefix, const char *dir);

/* Binds, listens and starts the loop thread; returns once the socket is
 * listening or binding failed. Returns LTS_ESTATE if already running or
 * ever stopped; LTS_EADDRINUSE if host:port is taken; LTS_EINVAL if
 * lts_config.host is not an IPv4 or IPv6 literal; LTS_EIO if the system
 * refused otherwise. A failed start leaves the server stopped. */
int lts_server_start(lts_server *server);

/* Loads a TLS certificate and key again, for connections accepted from
 * now on; open connections keep the one they were accepted with. NULL for
 * both reads the files last loaded again (a renewal written over them);
 * two paths switch to those files, which later reloads then read. The
 * files are read on the calling thread; any thread, any time before
 * lts_server_free, callbacks included. Returns LTS_EINVAL for only one
 * path NULL; LTS_ESTATE for a server created without TLS (it cannot be
 * turned on later); LTS_ETLS if the new files cannot be read or used, and
 * the server goes on with the certificate it had. */
int lts_server_reload_tls(lts_server *server, const char *cert_file, const char *key_file);

/* Starts the loop thread without binding a socket, for a host whose own
 * HTTP server owns the port and hands connections over with
 * lts_server_adopt. Everything else is as after lts_server_start: the
 * connection caps, deadlines, static mounts and callbacks all apply to
 * adopted connections. Returns LTS_ESTATE if already running or ever
 * stopped; LTS_EIO if the system refused the thread. A failed start
 * leaves the server stopped. */
int lts_server_start_unbound(lts_server *server);

/* The bound port (positive) once started, else LTS_ESTATE (also for a
 * server started with lts_server_start_unbound, which has none). */
int lts_server_port(lts_server *server);

/* Adopts a connection another event loop accepted: `fd`, a connected TCP
 * socket, and `request`, the bytes already read from it (an HTTP request
 * head, and whatever followed it, such as early WebSocket frames). The
 * core takes a duplicate of fd before returning, opens it on its loop
 * thread and handles `request` as if it had just been read from the
 * socket, then reads on: a WebSocket upgrade goes through the usual
 * checks (Host, Origin, ws_path, the caps) and handshake, and any other
 * request reaches on_request or a static mount. Works on a server started
 * either way.
 *   The caller keeps fd and must close it without shutdown(2) once the
 * call returns LTS_OK, and read or write nothing more on it: the socket
 * lives on through the duplicate (closing one descriptor of two does not
 * end a TCP connection). fd's file status flags are shared with the
 * duplicate: it is left non-blocking. After a failure nothing was taken:
 * fd is as it was, and still the caller's to answer or close.
 *   Any thread, and callbacks too (the connection is opened on a later
 * turn of the loop). A connection over the caps is answered 503 and
 * closed, and a client that left meanwhile is dropped, as for an accepted
 * one; neither is reported to the caller.
 * Returns LTS_EINVAL for a negative fd, one that is not open, not a
 * socket, not a TCP socket (IPv4 or IPv6), or a listening one, or a NULL
 * request with a non-zero length; LTS_ETOOBIG for a request over the
 * largest request head and body the core reads (16 KiB + 1 MiB); LTS_ESTATE if
 * the server is not running; LTS_EIO if fd cannot be duplicated (out of
 * descriptors). */
int lts_server_adopt(lts_server *server, int fd, const char *request, size_t request_len);

/* Closes every connection (1001) and the listener, then joins the loop
 * thread. After it returns no callback runs. Idempotent (LTS_OK on a
 * stopped or never-started server); a stopped server cannot be started
 * again. From a callback on this server's loop thread: LTS_EMISUSE, and
 * nothing is stopped. */
int lts_server_stop(lts_server *server);

/* Counters of a running server, read consistently on its loop thread. */
typedef struct lts_stats {
  uint64_t connections;           /* open TCP connections, WebSockets included */
  uint64_t websockets;            /* open WebSocket connections */
  uint64_t components;            /* registered components */
  uint64_t topics;                /* topics with at least one subscriber */
  uint64_t subscriptions;         /* (subscriber, topic) pairs */
  uint64_t slow_consumers_closed; /* closed for overflowing max_outbound_bytes */
  uint64_t origins_rejected;      /* upgrades refused with 403 */
  uint64_t messages_refused;      /* browser frames answered with "x" */
  uint64_t redis_connected;         /* 1 while connected to Redis (publishing and subscribed) */
  uint64_t redis_reconnects;        /* times the Redis link came back after being lost */
  uint64_t redis_dropped_publishes; /* lts_publish calls not sent to Redis (link down) */
  uint64_t refusals[32];            /* refusals by LTS_CAUSE_* (index = cause) */
} lts_stats;

/* Fills *out. Blocks the caller until the loop thread has read the counters
 * (immediate from a callback). Returns LTS_EINVAL for a NULL out,
 * LTS_ESTATE if the server is not running. */
int lts_server_stats(lts_server *server, lts_stats *out);

/* lts_stats and what the core counted since: its diffs (how many, their
 * time on the loop thread, the bytes of their patches) and pub/sub
 * traffic. Fields are only ever appended: the caller sets `size` to
 * sizeof(lts_stats_v2) as its header declares it, and the core fills what
 * fits, so an older host's smaller struct gets the fields it knows and a
 * newer host's larger one keeps what it zeroed past what this core knows.
 * The counters start at 0 with the server and wrap at 2^64. */
typedef struct lts_stats_v2 {
  size_t size;                /* set by the caller: sizeof(lts_stats_v2) */
  lts_stats base;             /* as lts_server_stats fills it */
  uint64_t diffs;             /* lts_component_update calls diffed */
  uint64_t diff_ns;           /* their time on the loop thread: parsing the new HTML,
                                 diffing it and encoding the patch, in nanoseconds */
  uint64_t patch_bytes;       /* bytes of the patch operations they produced */
  uint64_t publishes;         /* lts_publish calls */
  uint64_t remote_publishes;  /* publishes of other nodes received through Redis */
  uint64_t deliveries;        /* publishes handed to a subscriber here (a component,
                                 a raw connection, the host): one per subscriber,
                                 Redis link notices and presence diffs included */
} lts_stats_v2;

/* Fills *out up to out->size, as lts_server_stats does (blocking the
 * caller until the loop thread has read the counters). Returns LTS_EINVAL
 * for a NULL out or an out->size smaller than the struct up to `base`
 * included; LTS_ESTATE if the server is not running. */
int lts_server_stats_v2(lts_server *server, lts_stats_v2 *out);

/* DESTRUCTOR. Stops the server if running, then frees it. NULL is a no-op.
 * Misuse does nothing but set lts_last_error(): a freed or foreign handle,
 * or a call from a callback on this server's loop thread (free it after
 * the callback). */
void lts_server_free(lts_server *server);

/* Answers request `id`. `headers` holds extra "Name: value\r\n" lines
 * (may be NULL); Content-Length, Date and Connection are added. A request
 * the host never answers is dropped when its connection closes, and an
 * answer to one that is gone is dropped. Large bodies are written as the
 * client reads them. Returns LTS_EINVAL for id 0, a status outside
 * 100..999, or NULL headers or body with a non-zero length; LTS_EPARSE for
 * a header block with a bare CR or LF, a NUL or a line not ending in CRLF
 * (it could split the response); LTS_ETOOBIG for a body over
 * max_response_bytes (the request stays open: answer it again, with a 500
 * say); LTS_ESTATE if the server is not running. On a streamed request
 * (see "Streamed HTTP") it is the whole answer at once: LTS_ESTATE if
 * lts_response_start was called for it. */
int lts_respond(lts_server *server, lts_request_id id, int status,
                const char *headers, size_t headers_len, const char *body, size_t body_len);

/* Sends one text message on a connection (any mode). Returns LTS_EINVAL
 * for conn 0 or NULL data with a non-zero len, LTS_EPARSE if `data` is not
 * UTF-8, LTS_ESTATE if the server is not running. */
int lts_send(lts_server *server, lts_conn_id conn, const char *data, size_t len);

/* Sends one binary message on a connection (any mode). Returns LTS_EINVAL
 * for conn 0 or NULL data with a non-zero len, LTS_ESTATE if the server is
 * not running. */
int lts_send_binary(lts_server *server, lts_conn_id conn, const void *data, size_t len);

/* Closes a connection with a close code and a UTF-8 reason. Returns
 * LTS_EINVAL for conn 0, a code that may not be sent (valid: 1000-1003,
 * 1007-1011, 3000-4999), NULL reason with a non-zero length or a reason
 * over 123 bytes (what a close frame holds); LTS_EPARSE for a reason that
 * is not UTF-8; LTS_ESTATE if the server is not running. */
int lts_close(lts_server *server, lts_conn_id conn, int code, const char *reason, size_t reason_len);

/* ---------------------------------------------------------------------- */
/* Streamed HTTP                                                          */
/* ---------------------------------------------------------------------- */

/* With lts_server_set_http_callbacks, every request the core does not
 * answer itself (static files, WebSocket upgrades, refusals) goes to the
 * host as a stream, whatever its method: on_request_head with the head,
 * then on_request_body with the body as it arrives (Content-Length and
 * chunked bodies decoded by the core: the host sees body bytes only),
 * then on_request_end. on_request is not called any more.
 *
 * Body backpressure: the core hands the host at most 256 KiB of body it
 * has not consumed; past that it stops reading the connection (the
 * client slows down) until lts_request_consume says the host took some.
 * A body is never held whole in memory, so max_body_bytes may be large.
 *
 * The answer: lts_response_start (status and headers), any number of
 * lts_response_write, then lts_response_end; or lts_response_send (or
 * lts_respond, without a reason phrase) with the whole answer at once. Without a Content-Length header the body is sent with
 * Transfer-Encoding: chunked (HTTP/1.1), or until the connection closes
 * (HTTP/1.0). HEAD answers, 204 and 304 carry no body: written bytes are
 * dropped. "Expect: 100-continue" is answered "100 Continue" as soon as
 * the request is handed to the host (as Node does by default).
 *
 * Every request gets exactly one on_request_done: after lts_response_end
 * (or lts_respond) has been handed to the socket (aborted = 0), or when
 * the request ends otherwise (aborted = 1): the client went away, its body
 * broke its framing, passed max_body_bytes or body_timeout_ms, the host
 * called lts_request_abort, or the server stopped. After it, no callback
 * names the id and every call naming it returns LTS_ENOTFOUND; the host
 * stops writing. A response that ends before its body was all read is
 * fine: the rest is read and dropped, then the connection takes its next
 * request. Pipelined requests wait until both body and response are done.
 *
 * Unlike the calls above, these check the request at call time: an id that
 * is unknown or done is LTS_ENOTFOUND, a call out of order LTS_ESTATE. A
 * request can be done on the loop thread while a call is being made: a
 * host that gets LTS_ENOTFOUND after having had the head should treat it
 * as an abort and wait for on_request_done. */

typedef struct lts_http_request {
  lts_request_id id;       /* valid until on_request_done */
  const char *method;      /* a token, e.g. "POST"; the core takes GET, HEAD,
                              POST, PUT, PATCH, DELETE and OPTIONS (others: 501) */
  size_t method_len;
  const char *target;      /* path and query as sent ("*" for OPTIONS *) */
  size_t target_len;
  int version_minor;       /* HTTP/1.<version_minor>: 1 or 0 */
  const char *headers;     /* "name: value\r\n" lines in the order received,
                              names lowercased, values trimmed */
  size_t headers_len;
  const char *address;     /* the client's IP address as text, through
                              trusted proxies (see lts_config.trusted_proxies) */
  size_t address_len;
  int64_t body_length;     /* 0: no body; > 0: its Content-Length; -1: chunked,
                              length unknown until on_request_end */
} lts_http_request;

/* All run on the loop thread; pointers are valid only during the call. */
typedef struct lts_http_callbacks {
  /* Required. A request to answer. */
  void (*on_request_head)(lts_server *server, const lts_http_request *request, void *userdata);
  /* The next piece of the body, in order, at most 256 KiB beyond what was
   * consumed. Report what you take with lts_request_consume. NULL: the
   * body is consumed as it arrives and dropped. */
  void (*on_request_body)(lts_server *server, lts_request_id id, const char *data, size_t len,
                          void *userdata);
  /* The body is complete (also for a request without one). Not called when
   * the response ended first. */
  void (*on_request_end)(lts_server *server, lts_request_id id, void *userdata);
  /* After lts_response_write returned LTS_BUFFERED: the unsent bytes are
   * down to 16 KiB; write again. Once per LTS_BUFFERED. */
  void (*on_response_drain)(lts_server *server, lts_request_id id, void *userdata);
  /* The request is over (see above). */
  void (*on_request_done)(lts_server *server, lts_request_id id, int aborted, void *userdata);
} lts_http_callbacks;

/* Answers requests as streams from now on (see above). The callbacks are
 * copied; they get the userdata given to lts_server_new. Before
 * lts_server_start only. Returns LTS_EINVAL for NULL callbacks or a NULL
 * on_request_head, LTS_ESTATE once the server was started. */
int lts_server_set_http_callbacks(lts_server *server, const lts_http_callbacks *callbacks);

/* The host took `bytes` more of the body delivered by on_request_body;
 * reading resumes once less than 256 KiB is untaken. 0 is allowed (does
 * nothing). Once on_request_end has come, consuming is optional: the core
 * reads no more of this body, so a host that read it all at once need not
 * say so. Returns LTS_EINVAL for id 0 or more bytes than were delivered
 * and not yet consumed; LTS_ENOTFOUND for an unknown or done request;
 * LTS_ESTATE if the server is not running. */
int lts_request_consume(lts_server *server, lts_request_id id, size_t bytes);

/* Sends the status line and headers. `reason` is the reason phrase (NULL
 * or empty: the standard one for the status). `headers` holds "Name:
 * value\r\n" lines (may be NULL); the core adds Date (unless given),
 * Connection (a given "Connection: close" is honoured) and, without a
 * Content-Length, Transfer-Encoding: chunked. Returns LTS_EINVAL for id 0,
 * a status outside 200..999 (1xx answers are the core's), NULL reason or
 * headers with a non-zero length, a Content-Length that is not a number
 * or differs from another, a Transfer-Encoding other than chunked or
 * beside a Content-Length; LTS_EPARSE for a reason with a control byte or
 * a header block with a line not ending in CRLF, a name that is not a
 * token, or a CR, LF, NUL or other control byte in a value (it could split
 * the response); LTS_ENOTFOUND for an unknown or done request; LTS_ESTATE
 * if the head was already given (or lts_respond answered) or the server
 * is not running. */
int lts_response_start(lts_server *server, lts_request_id id, int status, const char *reason,
                       size_t reason_len, const char *headers, size_t headers_len);

/* Sends body bytes (copied; one chunk when chunked; len 0 does nothing).
 * Returns LTS_OK, or LTS_BUFFERED when they were taken but more than
 * 64 KiB of this response is unsent: wait for on_response_drain. A host
 * that keeps writing regardless is closed as a slow consumer once
 * max_outbound_bytes are waiting (on_request_done, aborted). Returns
 * LTS_EINVAL for id 0, NULL data with a non-zero len, or bytes past the
 * Content-Length given (nothing is sent); LTS_ENOTFOUND for an unknown or
 * done request; LTS_ESTATE before lts_response_start, after
 * lts_response_end, or if the server is not running. */
int lts_response_write(lts_server *server, lts_request_id id, const void *data, size_t len);

/* Sends the last body bytes (may be NULL with len 0) and ends the
 * response. A body shorter than its Content-Length closes the connection
 * after it (the client can tell only so). Returns the codes of
 * lts_response_write, for the same reasons, and never LTS_BUFFERED. */
int lts_response_end(lts_server *server, lts_request_id id, const void *data, size_t len);

/* The whole answer in one call: lts_response_start with `status`,
 * `reason` and `headers`, then lts_response_end with `data`, as one socket
 * write (a handler that ends its response in one go pays one call, not
 * two). Checked whole before anything is sent: returns the codes of
 * lts_response_start and lts_response_end, for the same reasons, and on
 * any failure the request is still unanswered. A body shorter than its
 * Content-Length gets "Connection: close" in the head. */
int lts_response_send(lts_server *server, lts_request_id id, int status, const char *reason,
                      size_t reason_len, const char *headers, size_t headers_len,
                      const void *data, size_t len);

/* Calls made on the calling thread from lts_server_hold_calls on (the
 * answers lts_response_*, lts_request_consume and lts_request_abort, and
 * every other call the loop thread carries out: lts_send,
 * lts_component_*, lts_reply_error, subscriptions, publishes...) are
 * checked at once as always, and queued in call order, but the loop
 * thread is woken for them only by lts_server_release_calls: one wake-up
 * for all the answers a host gives in one turn of its own event loop,
 * instead of one each (on a shared core, each is a switch between the two
 * threads, and the loop thread would take each answer alone). Holds nest:
 * the wake-up comes with the release of the last. Release before the
 * thread waits for anything; calls that wait for the loop thread
 * (lts_server_stats, lts_presence_list, lts_server_stop) wake it as
 * always, and what was held, queued ahead of them, runs first. Other
 * threads are not held. Hold returns LTS_ESTATE if the
 * server is not running; release always succeeds. */
int lts_server_hold_calls(lts_server *server);
int lts_server_release_calls(lts_server *server);

/* The end of one turn of the loop thread's event loop: its check phase,
 * after that turn's reads, timers and queued calls, and once more after
 * the last turn, before lts_server_stop returns. Runs on the loop thread
 * with the userdata given to lts_server_new. */
typedef void (*lts_turn_cb)(lts_server *server, void *userdata);

/* Calls on_turn_end at the end of every turn from now on: a host that
 * queues the callbacks it hears for a thread of its own can wake that
 * thread there, once for all it heard in the turn, rather than at the
 * first callback (on a shared core the woken thread runs at once and
 * takes each callback alone, a switch between the threads each time).
 * It runs every turn, whether or not the turn made a callback, so it must
 * be cheap. Before lts_server_start only. Returns LTS_EINVAL for a NULL
 * on_turn_end; LTS_ESTATE once the server was started. */
int lts_server_set_turn_callback(lts_server *server, lts_turn_cb on_turn_end);

/* Ends a request at once by closing its connection: for an answer that
 * failed after its head was sent (the client sees it cut off), or a body
 * the host refuses to read. on_request_done follows with aborted = 1.
 * Returns LTS_EINVAL for id 0, LTS_ENOTFOUND for an unknown or done
 * request, LTS_ESTATE if the server is not running. */
int lts_request_abort(lts_server *server, lts_request_id id);

/* ---------------------------------------------------------------------- */
/* Components (LTS_MODE_LIVETS)                                           */
/* ---------------------------------------------------------------------- */

/* Registers a component of `conn` with its first HTML (the content of the
 * component root) and sends it to the browser as a full render answering
 * join `ref`. Registering an existing id replaces its HTML. Returns
 * LTS_EINVAL for conn 0, an empty component id, or NULL component or html
 * with a non-zero length; LTS_EPARSE for HTML that is not UTF-8 (patches
 * travel in text frames); LTS_ETOOBIG for HTML over
 * max_live_message_bytes; LTS_ESTATE if the server is not running. After
 * a failure nothing is sent and the join is still unanswered.
 *
 * Stream containers (elements with a ts-stream attribute) are kept with no
 * children, here and by lts_component_update: the children a render puts
 * in one are that update's items, sent as stream operations after the
 * render (a patch following it at once) or after the diff, and then
 * forgotten (docs/protocol.md, "Stream operations"). */
int lts_component_register(lts_server *server, lts_conn_id conn, const char *component,
                           size_t component_len, uint64_t ref, const char *html, size_t html_len);

/* Gives a component its new HTML; the core diffs it against the last HTML
 * and sends the patch (empty if nothing changed), answering event `ref`
 * (0 for a change no event asked for). Returns the codes of
 * lts_component_register, for the same reasons; after a failure nothing
 * is sent, the component keeps its last HTML and the event is still
 * unanswered. */
int lts_component_update(lts_server *server, lts_conn_id conn, const char *component,
                         size_t component_len, uint64_t ref, const char *html, size_t html_len);

/* One change to a component's last HTML: `removed` bytes at byte `offset`
 * give way to the `text_len` bytes of `text` (UTF-8). */
typedef struct lts_splice {
    size_t offset;
    size_t removed;
    const char *text;
    size_t text_len;
} lts_splice;

/* lts_component_update with the new HTML given as `count` splices against
 * the last HTML (whose length the host says is `base_len` bytes), for a
 * host that knows what changed: only the splices are copied and checked,
 * so the cost of the call follows the change, not the page. Offsets are
 * into the last HTML, ascending, never overlapping, on character
 * boundaries. Returns LTS_EINVAL for conn 0, an empty component id, NULL
 * splices with a non-zero count, a NULL text with a non-zero length, or
 * splices out of order or past base_len; LTS_EPARSE for a text that is not
 * UTF-8; LTS_ETOOBIG when the HTML they make is over
 * max_live_message_bytes; LTS_ESTATE if the server is not running. The
 * pointers are borrowed until the call returns. A component whose last
 * HTML is not `base_len` bytes long (or that a splice would cut inside a
 * character) gets no patch: the event `ref` is refused with "out of step",
 * and the host should send the whole HTML with lts_component_update. */
int lts_component_update_splices(lts_server *server, lts_conn_id conn, const char *component,
                                 size_t component_len, uint64_t ref, size_t base_len,
                                 const lts_splice *splices, size_t count);

/* Forgets a component and its subscriptions. Returns LTS_EINVAL for conn 0
 * or an empty or NULL component id, LTS_ESTATE if the server is not
 * running. */
int lts_component_unregister(lts_server *server, lts_conn_id conn, const char *component,
                             size_t component_len);

/* Tells the browser that request `ref` on `component` was refused, with a
 * short UTF-8 reason it may log. The connection stays open. Returns
 * LTS_EINVAL for conn 0, an empty component id, or NULL component or
 * reason with a non-zero length; LTS_EPARSE for a reason that is not
 * UTF-8; LTS_ESTATE if the server is not running. */
int lts_reply_error(lts_server *server, lts_conn_id conn, const char *component,
                    size_t component_len, uint64_t ref, const char *reason, size_t reason_len);

/* ---------------------------------------------------------------------- */
/* Uploads (LTS_MODE_LIVETS)                                              */
/* ---------------------------------------------------------------------- */

/* A browser sends a file as binary WebSocket messages on its view's socket
 * (docs/protocol.md, "Uploads"), each one chunk: a byte giving the entry
 * id's length (1..64), the id (letters, digits, '-', '_'), then the
 * chunk's bytes. The core writes chunks of an upload the host allowed to a
 * temporary file it creates with O_EXCL and mode 0600 in the upload
 * directory, counts them against the allowed size, and answers each with
 * ["k", component, entry, received] (a fifth element, the reason, when the
 * upload failed); the browser sends its next chunk only after the ack of
 * the one before, so neither side ever holds a file in memory. A chunk for
 * an id not allowed on its connection is answered with component "" and
 * reason "unknown upload" and written nowhere; a message that is not a
 * chunk is refused as a bad message. A connection that closes takes its
 * partial files with it (no callback: on_close says it). */

#define LTS_UPLOAD_PROGRESS 1 /* a chunk was written: received < size */
#define LTS_UPLOAD_DONE 2     /* all `size` bytes are in the file at `path`,
                                 closed, and the host's from now on: move it
                                 or remove it */
#define LTS_UPLOAD_FAILED 3   /* larger than allowed, a write that failed,
                                 64 uploads already open on the connection;
                                 the partial file is removed, the browser
                                 told `reason` */

typedef struct lts_upload_event {
  int kind;                /* LTS_UPLOAD_* */
  lts_conn_id conn;
  const char *component;   /* as given to lts_upload_allow */
  size_t component_len;
  const char *entry;
  size_t entry_len;
  uint64_t received;       /* bytes written so far */
  uint64_t size;           /* bytes allowed */
  const char *path;        /* DONE: the file's path, else empty */
  size_t path_len;
  const char *reason;      /* FAILED: one sentence, else empty */
  size_t reason_len;
} lts_upload_event;

/* Runs on the loop thread; the event and its strings are valid during the
 * call only. */
typedef void (*lts_upload_cb)(lts_server *server, const lts_upload_event *event, void *userdata);

/* Takes uploads from now on: `on_upload` hears their progress, and files
 * go to `dir` (NUL-terminated; NULL = $TMPDIR, else /tmp), which must
 * exist; it gets the userdata given to lts_server_new. Without this call
 * binary messages are still taken as chunks, and every one is an
 * "unknown upload". Before lts_server_start only. Returns LTS_EINVAL for a
 * NULL on_upload or a dir that is empty or not a directory; LTS_ESTATE
 * once the server was started. */
int lts_server_set_upload_callback(lts_server *server, lts_upload_cb on_upload, const char *dir);

/* Lets `conn` send `size` bytes (0 allowed: done at once) for `entry` of
 * `component`, in chunks of at most `chunk_bytes` (a larger one fails the
 * upload): the core creates the file and sends ["k", component, entry, 0,
 * chunk_bytes], the browser's signal to start. Allowing an id again replaces
 * its upload (a partial file is removed). A connection that is gone by
 * the time the loop runs it is dropped silently; a file that cannot be
 * created is an LTS_UPLOAD_FAILED. Returns LTS_EINVAL for conn 0, an
 * empty or NULL component, an entry id that is not 1..64 letters, digits,
 * '-' or '_', or chunk_bytes 0 or so large that a chunk with its header
 * would not fit in max_message_bytes; LTS_ESTATE if the server is not
 * running or no upload callback was set. */
int lts_upload_allow(lts_server *server, lts_conn_id conn, const char *component,
                     size_t component_len, const char *entry, size_t entry_len, uint64_t size,
                     size_t chunk_bytes);

/* Forgets an unfinished upload (the browser cancelled it, its view left)
 * and removes its partial file; chunks still arriving for it are "unknown
 * upload". A finished or unknown id is no error (nothing happens).
 * Returns LTS_EINVAL for conn 0 or an entry id as for lts_upload_allow;
 * LTS_ESTATE if the server is not running. */
int lts_upload_cancel(lts_server *server, lts_conn_id conn, const char *entry, size_t entry_len);

/* ---------------------------------------------------------------------- */
/* Pub/sub                                                                */
/* ---------------------------------------------------------------------- */

/* Subscribes component `component` of `conn` to `topic`; a publish then
 * calls on_info for it. Subscriptions end with the component or connection.
 * Both return LTS_EINVAL for conn 0, an empty component id or topic, or a
 * NULL one with a non-zero length; LTS_ESTATE if the server is not
 * running. */
int lts_subscribe(lts_server *server, lts_conn_id conn, const char *component,
                  size_t component_len, const char *topic, size_t topic_len);
int lts_unsubscribe(lts_server *server, lts_conn_id conn, const char *component,
                    size_t component_len, const char *topic, size_t topic_len);

/* Subscribes connection `conn` itself to `topic`: a publish then writes the
 * data to it as one text message, with no callback (channel messages,
 * broadcasts). The subscription ends with the connection. Both return
 * LTS_EINVAL for conn 0 or an empty or NULL topic, LTS_ESTATE if the
 * server is not running. */
int lts_conn_subscribe(lts_server *server, lts_conn_id conn, const char *topic, size_t topic_len);
int lts_conn_unsubscribe(lts_server *server, lts_conn_id conn, const char *topic, size_t topic_len);

/* Subscribes the host itself to `topic`: a publish then calls on_info with
 * conn 0 and an empty component, whether or not any browser is connected
 * (state shared between nodes, caches to invalidate). Lasts until
 * lts_host_unsubscribe or the server stops. Both return LTS_EINVAL for an
 * empty or NULL topic, LTS_ESTATE if the server is not running. */
int lts_host_subscribe(lts_server *server, const char *topic, size_t topic_len);
int lts_host_unsubscribe(lts_server *server, const char *topic, size_t topic_len);

/* Topics starting with "lts:" are the core's own. Anyone may subscribe to
 * them; lts_publish and lts_presence_track refuse them with LTS_EINVAL, so
 * what arrives there comes from the core. With redis_url, "lts:redis"
 * carries, to this node's subscribers only,
 *   {"connected":true,"reconnects":N} each time the Redis link comes up;
 *   {"connected":false,"reconnects":N,"error":"..."} when it is lost, and
 *   again while it is down whenever an attempt fails for another reason
 *   (hiredis's or Redis's words: "Connection refused", "WRONGPASS ...").
 * A new subscription to "lts:redis" gets the current state at once, as a
 * retained message (once the first attempt has had an outcome), so a
 * subscriber never misses a refusal that happened before it came.
 * Publishes made while the link was down reached this node only and are
 * not replayed: a host keeping shared state re-syncs it on "connected":true. */
#define LTS_REDIS_LINK_TOPIC "lts:redis"

/* Delivers `data` to every subscriber of `topic`: on_info for each
 * subscribed component, and one text frame, encoded once, written to every
 * subscribed connection. Returns LTS_EINVAL for an empty topic, a reserved
 * "lts:" topic, or NULL topic or data with a non-zero length; LTS_EPARSE
 * for data that is not UTF-8; LTS_ESTATE if the server is not running. */
int lts_publish(lts_server *server, const char *topic, size_t topic_len, const char *data,
                size_t data_len);

/* ---------------------------------------------------------------------- */
/* Presence                                                               */
/* ---------------------------------------------------------------------- */

/* Who is on a topic, as Phoenix.Presence: connection `conn` tracks `key`
 * (UTF-8, e.g. a user id) on `topic` with `meta`, one JSON value (NULL or
 * empty = {}; at most 64 KiB, else LTS_ETOOBIG; not JSON: LTS_EPARSE).
 * A key may be tracked by several connections (two tabs); each is one meta.
 * Tracking the same (conn, topic, key) again replaces its meta.
 *
 * Every change is published on `topic` to its subscribers (on_info for
 * components, a text frame for subscribed connections) as
 *   {"presence_diff":{"joins":{"alice":[{"x":1}]},"leaves":{"bob":[{}]}}}
 * with the metas that joined and left (a meta change is a leave of the old
 * meta and a join of the new). Entries leave when their connection closes.
 *
 * With redis_url, each node announces its joins and leaves at once and its
 * full state every 1.5 s; entries of a node not heard from for 4.5 s are
 * dropped with leaves (checked every 1.5 s, so within 6 s), a stopping node
 * says so and its entries leave at once, and a node that (re)connects
 * announces its state and asks the others for theirs. During a Redis
 * outage other nodes' entries therefore leave, and join again on reconnect.
 *
 * Track and untrack queue their work like the other methods (a closed
 * connection is ignored). Both return LTS_EINVAL for conn 0, an empty
 * topic or key, a reserved "lts:" topic, or a NULL topic, key or meta with
 * a non-zero length; LTS_EPARSE for a key that is not UTF-8; LTS_ESTATE if
 * the server is not running. Track also returns LTS_ETOOBIG for a meta
 * over 64 KiB and then LTS_EPARSE for one that is not one JSON value. */
int lts_presence_track(lts_server *server, lts_conn_id conn, const char *topic, size_t topic_len,
                       const char *key, size_t key_len, const char *meta_json, size_t meta_len);
int lts_presence_untrack(lts_server *server, lts_conn_id conn, const char *topic, size_t topic_len,
                         const char *key, size_t key_len);

/* Writes the topic's presences on every node, a JSON object of key → array
 * of metas ({"alice":[{"x":1},{"x":2}]}, {} if none), to *out_json, freed
 * with lts_free (NUL-terminated; *out_len excludes the NUL; *out_json is
 * NULL after a failure). Blocks like lts_server_stats (immediate from a
 * callback). Returns LTS_EINVAL for a NULL out_json or out_len or an empty
 * or NULL topic, LTS_ESTATE if the server is not running, LTS_ENOMEM. */
int lts_presence_list(lts_server *server, const char *topic, size_t topic_len, char **out_json,
                      size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* LIVETSCORE_H */
