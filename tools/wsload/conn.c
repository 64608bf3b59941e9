/* One connection's life: connect, the opening handshake, frames in and
 * out, and its end, whoever starts it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handshake.h"
#include "conn.h"
#include "wsload.h"

struct wl_handshake {
  char accept[HANDSHAKE_ACCEPT_LEN + 1];
  size_t len;
  char buf[4096];
};

typedef struct wl_write {
  uv_write_t req;
  wl_conn *conn;
  uint8_t data[];
} wl_write;

/* Reads are consumed before the next one starts: one buffer serves all. */
static uint8_t read_buffer[256 * 1024];

static const wl_target *target_of(wl_ctx *ctx, wl_conn *c) {
  return &ctx->opt.targets[c->index % (uint32_t)ctx->opt.target_count];
}

static wl_ctx *ctx_of(const void *handle) { return ((const uv_handle_t *)handle)->loop->data; }

static void on_closed(uv_handle_t *handle) {
  wl_ctx *ctx = ctx_of(handle);
  wl_conn *c = (wl_conn *)handle;
  if (c->state != CONN_FAILED) c->state = CONN_CLOSED;
  ctx->handles--;
  if (ctx->phase == PHASE_TEARDOWN && ctx->handles == 0) run_finish(ctx);
}

/* A reset leaves no TIME_WAIT behind on our side, so back-to-back runs of
 * 10,000 connections do not run out of ephemeral ports. */
void conn_close(wl_conn *c, int reset) {
  if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
  uv_read_stop((uv_stream_t *)&c->tcp);
  if (!reset || uv_tcp_close_reset(&c->tcp, on_closed) != 0) uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static int opening(const wl_conn *c) {
  return c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE || c->state == CONN_JOINING;
}

void conn_fail_open(wl_ctx *ctx, wl_conn *c, const char *why) {
  if (!opening(c)) return;
  ctx->connecting--;
  ctx->failed++;
  c->state = CONN_FAILED;
  free(c->hs);
  c->hs = NULL;
  if (ctx->mode->abandon != NULL) ctx->mode->abandon(ctx, c);
  wl_error(ctx, why);
  conn_close(c, 1);
  run_start_more(ctx);
}

/* An open connection ended before we asked it to. */
static void lose(wl_ctx *ctx, wl_conn *c, const char *why) {
  if (c->state != CONN_OPEN) return;
  c->state = CONN_CLOSING;
  ctx->alive--;
  ctx->lost_in_run++;
  if (why != NULL) wl_error(ctx, why);
  if (ctx->phase == PHASE_RUN) ctx->mode->lost(ctx, c);
}

/* A connection ended by trouble, whether it had opened or not. */
static void end_early(wl_ctx *ctx, wl_conn *c, const char *why) {
  if (opening(c)) conn_fail_open(ctx, c, why);
  else lose(ctx, c, why);
}

static void on_written(uv_write_t *req, int status) {
  wl_write *w = (wl_write *)req;
  wl_conn *c = w->conn;
  free(w);
  if (status < 0 && status != UV_ECANCELED && (c->state == CONN_OPEN || c->state == CONN_JOINING)) {
    end_early(ctx_of(&c->tcp), c, uv_err_name(status));
    conn_close(c, 1);
  }
}

static wl_write *new_write(wl_conn *c, size_t len) {
  wl_write *w = malloc(sizeof *w + len);
  if (w == NULL) {
    fputs("wsload: out of memory\n", stderr);
    exit(1);
  }
  w->conn = c;
  return w;
}

/* Written at once when the socket takes it all, as it nearly always
 * does: a queued uv_write costs an epoll_ctl as its queue drains (libuv
 * re-arms the watcher), as much as the write itself. */
static int submit(wl_ctx *ctx, wl_conn *c, wl_write *w, size_t len) {
  uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)len);
  int rc = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
  if (rc == (int)len) {
    free(w);
    return 0;
  }
  if (rc >= 0) {
    buf.base += rc;
    buf.len -= (size_t)rc;
  }
  if (rc >= 0 || rc == UV_EAGAIN) rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written);
  if (rc != 0) {
    free(w);
    end_early(ctx, c, uv_err_name(rc));
    conn_close(c, 1);
  }
  return rc;
}

int wl_send(wl_ctx *ctx, wl_conn *c, int opcode, const void *payload, size_t len) {
  if (uv_is_closing((uv_handle_t *)&c->tcp)) return UV_ECANCELED;
  wl_write *w = new_write(c, frame_size(len));
  size_t n = frame_encode(w->data, opcode, payload, len);
  return submit(ctx, c, w, n);
}

void wl_owe(wl_ctx *ctx, wl_conn *c, uint32_t frames) {
  c->owed += frames;
  if (!c->dirty) {
    c->dirty = 1;
    ctx->dirty[ctx->dirty_count++] = c;
  }
}

/* One write per connection per loop turn, however many frames it owes:
 * the load generator must cost the kernel less than the server does. */
void wl_flush(wl_ctx *ctx) {
  size_t one = frame_size(ctx->payload_len);
  for (int i = 0; i < ctx->dirty_count; i++) {
    wl_conn *c = ctx->dirty[i];
    uint32_t owed = c->owed;
    c->dirty = 0;
    c->owed = 0;
    if (c->state != CONN_OPEN || owed == 0) continue;
    wl_write *w = new_write(c, one * owed);
    size_t n = 0;
    for (uint32_t k = 0; k < owed; k++) n += frame_encode(w->data + n, ctx->opcode, ctx->payload, ctx->payload_len);
    submit(ctx, c, w, n);
  }
  ctx->dirty_count = 0;
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)handle, (void)suggested;
  *buf = uv_buf_init((char *)read_buffer, sizeof read_buffer);
}

static void control(wl_ctx *ctx, wl_conn *c, const frame_event *ev) {
  if (ev->opcode == OP_PING) {
    if (c->state == CONN_OPEN || c->state == CONN_JOINING) wl_send(ctx, c, OP_PONG, ev->data, ev->data_len);
    return;
  }
  if (ev->opcode != OP_CLOSE || c->got_close) return;
  c->got_close = 1;
  c->close_code = ev->data_len >= 2 ? (uint16_t)(ev->data[0] << 8 | ev->data[1]) : 1005;
  if (c->sent_close) return; /* the answer to ours: the server closes the TCP connection next */
  ctx->server_closes++;
  ctx->last_close_code = c->close_code;
  /* §5.5.1: answer with the same code, then let the server close first. */
  c->sent_close = 1;
  wl_send(ctx, c, OP_CLOSE, ev->data, ev->data_len >= 2 ? 2 : 0);
  end_early(ctx, c, "server closed the connection (close frame)");
}

static void frames(wl_ctx *ctx, wl_conn *c, const uint8_t *p, size_t len, uint64_t now) {
  frame_event ev;
  while (len > 0 && (c->state == CONN_OPEN || c->state == CONN_JOINING || c->state == CONN_CLOSING)) {
    int r = frame_next(&c->dec, &p, &len, ctx->payload, ctx->payload_len, &ev);
    if (r == FRAME_NEED_MORE) break;
    if (r == FRAME_ERROR) {
      if (c->state == CONN_CLOSING) wl_error(ctx, ev.error);
      else end_early(ctx, c, ev.error);
      conn_close(c, 1);
      break;
    }
    if (r == FRAME_CONTROL) {
      control(ctx, c, &ev);
    } else if (c->state == CONN_OPEN || c->state == CONN_JOINING) {
      /* A mode that speaks first (upgraded) reads the answers to its join too. */
      if (ctx->phase == PHASE_RUN || ctx->mode->upgraded != NULL) ctx->mode->message(ctx, c, &ev, now);
      else ctx->unexpected_messages++;
    }
  }
}

static void handshake_bytes(wl_ctx *ctx, wl_conn *c, const uint8_t *p, size_t len, uint64_t now) {
  wl_handshake *hs = c->hs;
  size_t room = sizeof hs->buf - hs->len, take = len < room ? len : room;
  memcpy(hs->buf + hs->len, p, take);
  hs->len += take;
  size_t head = handshake_head_length(hs->buf, hs->len);
  if (head == 0) {
    if (hs->len == sizeof hs->buf) conn_fail_open(ctx, c, "handshake: response head over 4 KiB");
    return;
  }
  const char *extensions = NULL;
  size_t extensions_len = 0;
  int speaks_first = ctx->mode->upgraded != NULL;
  const char *why =
      handshake_check(hs->buf, head, hs->accept, speaks_first ? &extensions : NULL, speaks_first ? &extensions_len : NULL);
  if (why != NULL) {
    conn_fail_open(ctx, c, why);
    return;
  }
  /* Frames may follow the head in the same read. */
  size_t in_buffer = hs->len - head;
  uint8_t *rest = malloc(in_buffer + (len - take) + 1);
  memcpy(rest, hs->buf + head, in_buffer);
  memcpy(rest + in_buffer, p + take, len - take);
  size_t rest_len = in_buffer + (len - take);
  if (speaks_first) {
    c->state = CONN_JOINING;
    /* The extensions' text is in hs->buf: hs goes only after the mode has read it. */
    why = ctx->mode->upgraded(ctx, c, extensions, extensions_len);
  }
  free(c->hs);
  c->hs = NULL;
  if (why != NULL) conn_fail_open(ctx, c, why);
  else if (!speaks_first) conn_joined(ctx, c);
  frames(ctx, c, rest, rest_len, now);
  free(rest);
}

void conn_joined(wl_ctx *ctx, wl_conn *c) {
  c->state = CONN_OPEN;
  ctx->connecting--;
  ctx->open++;
  ctx->alive++;
  run_start_more(ctx);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  wl_ctx *ctx = ctx_of(stream);
  wl_conn *c = (wl_conn *)stream;
  if (nread == 0) return;
  if (nread < 0) {
    if (c->state == CONN_HANDSHAKE) {
      conn_fail_open(ctx, c, nread == UV_EOF ? "handshake: connection closed" : uv_err_name((int)nread));
    } else if (c->state == CONN_JOINING) {
      conn_fail_open(ctx, c, nread == UV_EOF ? "join: connection closed" : uv_err_name((int)nread));
    } else {
      if (c->state == CONN_OPEN)
        lose(ctx, c, nread == UV_EOF ? "server closed the TCP connection without a close frame" : uv_err_name((int)nread));
      /* The server closed first (§7.1.1), so a plain close leaves no TIME_WAIT here. */
      conn_close(c, nread != UV_EOF);
    }
    return;
  }
  uint64_t now = wl_now();
  if (c->state == CONN_HANDSHAKE) handshake_bytes(ctx, c, (const uint8_t *)buf->base, (size_t)nread, now);
  else frames(ctx, c, (const uint8_t *)buf->base, (size_t)nread, now);
}

static void on_connect(uv_connect_t *req, int status) {
  wl_conn *c = (wl_conn *)req->handle;
  wl_ctx *ctx = ctx_of(req->handle);
  if (status == UV_ECANCELED || c->state != CONN_CONNECTING) return;
  if (status < 0) {
    conn_fail_open(ctx, c, uv_err_name(status));
    return;
  }
  c->hs = calloc(1, sizeof *c->hs);
  const wl_target *target = target_of(ctx, c);
  const char *path = target->path, *extra = NULL;
  if (ctx->mode->upgrade != NULL) path = ctx->mode->upgrade(ctx, c, &extra);
  char host[300], request[4096];
  snprintf(host, sizeof host, strchr(target->host, ':') != NULL ? "[%s]" : "%s", target->host);
  size_t len = handshake_request(host, target->port, path, extra, request, sizeof request, c->hs->accept);
  c->state = CONN_HANDSHAKE;
  if (len == 0) {
    conn_fail_open(ctx, c, "handshake: request too long");
    return;
  }
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  wl_write *w = new_write(c, len);
  memcpy(w->data, request, len);
  submit(ctx, c, w, len);
}

void conn_begin(wl_ctx *ctx, wl_conn *c) {
  c->state = CONN_CONNECTING;
  c->started_ns = wl_now();
  ctx->connecting++;
  uv_tcp_init(ctx->loop, &c->tcp);
  ctx->handles++;
  uv_tcp_nodelay(&c->tcp, 1);
  if (ctx->mode->fetch != NULL) ctx->mode->fetch(ctx, c);
  else conn_connect(ctx, c);
}

void conn_connect(wl_ctx *ctx, wl_conn *c) {
  if (c->state != CONN_CONNECTING) return;
  const struct sockaddr *addr = (const struct sockaddr *)&ctx->addr[c->index % (uint32_t)ctx->opt.target_count];
  int rc = uv_tcp_connect(&c->connect, &c->tcp, addr, on_connect);
  if (rc != 0) conn_fail_open(ctx, c, uv_err_name(rc));
}

