#ifndef WSLOAD_H
#define WSLOAD_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <uv.h>

#include "frame.h"

/* The state shared by the connection pool, the modes and the report. One
 * thread, one libuv loop: nothing here is locked. */

#define WL_MAX_TARGETS 8

/* One server address; connection i goes to target i % target_count. */
typedef struct wl_target {
  const char *host;
  int port;
  const char *path;
} wl_target;

typedef struct wl_options {
  const char *mode_name;
  const char *host;     /* the first target's, for the report */
  int port;
  const char *path;
  wl_target targets[WL_MAX_TARGETS];
  int target_count;
  int connections;
  size_t size;
  double duration;
  double warmup;
  int inflight;
  double rate;          /* echo: total messages/s; 0 = closed loop */
  int binary;
  int rounds;
  int warmup_rounds;
  double round_timeout;
  double gap_ms;
  double hold;          /* seconds between the last open and the "after" RSS sample */
  int connect_concurrency;
  double connect_timeout;
  double close_timeout;
  double timeout;       /* the whole run, whatever happens */
  int server_pid;       /* the first of server_pids, or 0 */
  int server_pids[WL_MAX_TARGETS]; /* sampled together: RSS and CPU are their sums */
  int server_pid_count;
  int json;
  int quiet;
  /* live */
  const char *protocol; /* "livets" or "phoenix" */
  const char *event;
  int deflate;          /* offer permessage-deflate */
  size_t deflate_threshold; /* compress client messages of at least this many bytes */
} wl_options;

/* JOINING: upgraded, the mode's join sent, not yet answered (live). */
enum { CONN_IDLE, CONN_CONNECTING, CONN_HANDSHAKE, CONN_JOINING, CONN_OPEN, CONN_CLOSING, CONN_CLOSED, CONN_FAILED };

typedef struct wl_handshake wl_handshake;

typedef struct wl_conn {
  uv_tcp_t tcp;
  uv_connect_t connect;
  uint32_t index;
  uint8_t state;
  uint8_t dirty;        /* queued in ctx->dirty for the next flush */
  uint8_t sent_close;
  uint8_t got_close;
  uint16_t close_code;  /* the server's, when it sent one */
  uint32_t owed;        /* echo frames to write at the next flush */
  uint64_t started_ns;
  wl_handshake *hs;     /* only while the handshake is in progress */
  frame_decoder dec;
  /* echo: send times of the messages in flight, oldest first */
  uint64_t *fifo;
  uint32_t fifo_head, fifo_len, fifo_cap;
  /* broadcast: the last round this connection received */
  uint32_t seen_round;
  /* live: its own per-connection state */
  void *mode_data;
} wl_conn;

typedef struct wl_ctx wl_ctx;

typedef struct wl_mode {
  const char *name;
  /* Checks options and allocates; returns 0, or -1 after printing why. */
  int (*prepare)(wl_ctx *ctx);
  /* Every connection is open (or failed) and the "after" RSS is taken. */
  void (*start)(wl_ctx *ctx);
  void (*message)(wl_ctx *ctx, wl_conn *c, const frame_event *ev, uint64_t now);
  /* An open connection ended while the mode was running. */
  void (*lost)(wl_ctx *ctx, wl_conn *c);
  /* The global timeout fired: stop timers, keep what was measured. */
  void (*abort)(wl_ctx *ctx);
  void (*report_human)(wl_ctx *ctx, FILE *out);
  void (*report_json)(wl_ctx *ctx, FILE *out);
  /* Whether the mode measured everything it meant to. */
  int (*complete)(wl_ctx *ctx);

  /* The rest is optional (NULL), for a mode that opens a connection the
   * way a browser opens a page (live). */
  /* Runs instead of the TCP connect of the WebSocket (live fetches the
   * page first); the mode then calls conn_connect, or conn_fail_open. */
  void (*fetch)(wl_ctx *ctx, wl_conn *c);
  /* The upgrade request's path, and header lines to add (or NULL). */
  const char *(*upgrade)(wl_ctx *ctx, wl_conn *c, const char **extra_headers);
  /* The upgrade was accepted with this Sec-WebSocket-Extensions value
   * (NULL when none). Returns NULL, or why the connection fails. The mode
   * speaks first (its join): it gets every message from now on, and the
   * connection counts as open when it calls conn_joined. */
  const char *(*upgraded)(wl_ctx *ctx, wl_conn *c, const char *extensions, size_t len);
  /* A connection that never opened is given up: drop what the mode holds for it. */
  void (*abandon)(wl_ctx *ctx, wl_conn *c);
} wl_mode;

extern const wl_mode echo_mode, broadcast_mode, idle_mode, live_mode;

enum { PHASE_CONNECT, PHASE_SETTLE, PHASE_RUN, PHASE_TEARDOWN, PHASE_DONE };

#define WL_MAX_ERROR_KINDS 16

typedef struct wl_ctx {
  wl_options opt;
  const wl_mode *mode;
  uv_loop_t *loop;
  struct sockaddr_storage addr[WL_MAX_TARGETS];
  wl_conn *conns;
  int n;
  int phase;

  /* connecting */
  int next_connect, connecting, open, failed, handles;
  int alive; /* open and not yet closing */
  uint64_t connect_start_ns, connect_end_ns;

  /* what echo writes on every owed frame, and compares every answer with */
  const uint8_t *payload;
  size_t payload_len;
  int opcode;

  wl_conn **dirty;
  int dirty_count;

  uv_timer_t watchdog, deadline, phase_timer;
  uv_check_t flush_check;
  uv_signal_t sigint, sigterm;

  /* the server's memory and CPU, and ours */
  long rss_before_kb, rss_after_kb, rss_end_kb;
  double run_start_s, run_end_s;
  double server_cpu_start, server_cpu_end;
  double server_user_start, server_user_end, server_sys_start, server_sys_end;
  double self_cpu_start, self_cpu_end;

  /* trouble, by kind */
  struct { const char *what; uint64_t count; } errors[WL_MAX_ERROR_KINDS];
  int error_kinds;
  uint64_t lost_in_run, server_closes, unexpected_messages;
  int last_close_code;
  int timed_out, interrupted;
} wl_ctx;

/* conn.c and run.c */
int wl_pool_start(wl_ctx *ctx);
void wl_owe(wl_ctx *ctx, wl_conn *c, uint32_t frames);
void wl_flush(wl_ctx *ctx);
int wl_send(wl_ctx *ctx, wl_conn *c, int opcode, const void *payload, size_t len);
/* The mode is done: sample the server, then close every connection. */
void wl_run_done(wl_ctx *ctx);
void wl_error(wl_ctx *ctx, const char *what);
uint64_t wl_now(void);

/* report.c */
void wl_report(wl_ctx *ctx);
int wl_exit_status(wl_ctx *ctx);

#endif
