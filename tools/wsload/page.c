#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"

/* A page larger than this is not a page the benchmark serves. */
#define PAGE_LIMIT (16u << 20)

struct page {
  uv_tcp_t tcp;
  uv_connect_t connect;
  uv_write_t write;
  char request[1024];
  bytes in;
  size_t head_len; /* 0 until the head is in */
  long content_length; /* -1: none given */
  bytes cookies;   /* "a=1; b=2", NUL-terminated once the head is in */
  int chunked, status, finished;
  page_done done;
  void *arg;
};

static void on_closed(uv_handle_t *handle) {
  page *p = handle->data;
  bytes_free(&p->in);
  bytes_free(&p->cookies);
  free(p);
}

static void finish(page *p, int status, const char *why, const char *body, size_t body_len, const char *cookies) {
  if (p->finished) return;
  p->finished = 1;
  if (p->done != NULL) p->done(p->arg, status, why, body, body_len, cookies);
  uv_close((uv_handle_t *)&p->tcp, on_closed);
}

void page_cancel(page *p) {
  p->done = NULL;
  finish(p, 0, NULL, NULL, 0, NULL);
}

static int header_is(const char *line, size_t len, const char *name, const char **value, size_t *value_len) {
  size_t n = strlen(name);
  if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0) return 0;
  const char *v = line + n + 1, *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  while (end > v && (end[-1] == ' ' || end[-1] == '\t')) end--;
  *value = v;
  *value_len = (size_t)(end - v);
  return 1;
}

/* The status, the body's framing and the cookies (name=value of each
 * Set-Cookie, attributes dropped, as a browser sends them back). */
static int read_head(page *p, const char *head, size_t len) {
  bytes *cookies = &p->cookies;
  if (len < 12 || memcmp(head, "HTTP/1.", 7) != 0) return -1;
  p->status = atoi(head + 9);
  p->content_length = -1;
  const char *line = memchr(head, '\n', len), *end = head + len;
  while (line != NULL && ++line < end) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (eol == NULL) break;
    size_t n = (size_t)(eol - line);
    if (n > 0 && line[n - 1] == '\r') n--;
    const char *v;
    size_t vn;
    if (header_is(line, n, "content-length", &v, &vn)) {
      p->content_length = strtol(v, NULL, 10);
    } else if (header_is(line, n, "transfer-encoding", &v, &vn)) {
      p->chunked = vn >= 7 && strncasecmp(v + vn - 7, "chunked", 7) == 0;
    } else if (header_is(line, n, "set-cookie", &v, &vn)) {
      const char *semi = memchr(v, ';', vn);
      size_t pair = semi != NULL ? (size_t)(semi - v) : vn;
      if (cookies->len > 0) bytes_append(cookies, "; ", 2);
      bytes_append(cookies, v, pair);
    }
    line = eol;
  }
  bytes_append(cookies, "", 1);
  return 0;
}

/* Decodes a chunked body in place; returns its length, or -1 while it is
 * incomplete or broken (-2). */
static long dechunk(char *body, size_t len) {
  size_t r = 0, w = 0;
  for (;;) {
    char *eol = memchr(body + r, '\n', len - r);
    if (eol == NULL) return -1;
    char *endp;
    unsigned long size = strtoul(body + r, &endp, 16);
    if (endp == body + r) return -2;
    r = (size_t)(eol - body) + 1;
    if (size == 0) return (long)w;
    if (len - r < size + 2) return -1;
    memmove(body + w, body + r, size);
    w += size;
    r += size + 2;
  }
}

static void complete(page *p, int eof) {
  if (p->head_len == 0) {
    if (eof) finish(p, 0, "page: connection closed before the response", NULL, 0, NULL);
    return;
  }
  bytes_reserve(&p->in, 1); /* for the NUL after the body */
  char *body = (char *)p->in.p + p->head_len;
  size_t have = p->in.len - p->head_len;
  long body_len;
  if (p->chunked) {
    /* Decoded on a copy: a partial body must stay as it came. */
    char *copy = malloc(have + 1);
    memcpy(copy, body, have);
    body_len = dechunk(copy, have);
    if (body_len == -1 && !eof) {
      free(copy);
      return;
    }
    if (body_len >= 0) memcpy(body, copy, (size_t)body_len);
    free(copy);
    if (body_len < 0) {
      finish(p, 0, "page: bad chunked body", NULL, 0, NULL);
      return;
    }
  } else if (p->content_length >= 0) {
    if ((long)have < p->content_length) {
      if (eof) finish(p, 0, "page: connection closed inside the body", NULL, 0, NULL);
      return;
    }
    body_len = p->content_length;
  } else {
    if (!eof) return;
    body_len = (long)have;
  }
  body[body_len] = '\0';
  finish(p, p->status, NULL, body, (size_t)body_len, (const char *)p->cookies.p);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  page *p = handle->data;
  *buf = uv_buf_init((char *)bytes_reserve(&p->in, 65536), 65536);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  (void)buf;
  page *p = stream->data;
  if (p->finished) return;
  if (nread < 0) {
    if (nread != UV_EOF) finish(p, 0, uv_err_name((int)nread), NULL, 0, NULL);
    else complete(p, 1);
    return;
  }
  p->in.len += (size_t)nread;
  if (p->in.len > PAGE_LIMIT) {
    finish(p, 0, "page: over 16 MiB", NULL, 0, NULL);
    return;
  }
  if (p->head_len == 0) {
    const uint8_t *s = p->in.p;
    for (size_t i = 3; i < p->in.len; i++) {
      if (s[i] == '\n' && s[i - 1] == '\r' && s[i - 2] == '\n' && s[i - 3] == '\r') {
        p->head_len = i + 1;
        break;
      }
    }
    if (p->head_len == 0) return;
    if (read_head(p, (const char *)p->in.p, p->head_len) != 0) {
      finish(p, 0, "page: not an HTTP/1.x response", NULL, 0, NULL);
      return;
    }
  }
  complete(p, 0);
}

static void on_written(uv_write_t *req, int status) {
  page *p = req->handle->data;
  if (status < 0 && status != UV_ECANCELED) finish(p, 0, uv_err_name(status), NULL, 0, NULL);
}

static void on_connect(uv_connect_t *req, int status) {
  page *p = req->handle->data;
  if (status == UV_ECANCELED || p->finished) return;
  if (status < 0) {
    finish(p, 0, uv_err_name(status), NULL, 0, NULL);
    return;
  }
  uv_buf_t buf = uv_buf_init(p->request, (unsigned)strlen(p->request));
  int rc = uv_read_start((uv_stream_t *)&p->tcp, on_alloc, on_read);
  if (rc == 0) rc = uv_write(&p->write, (uv_stream_t *)&p->tcp, &buf, 1, on_written);
  if (rc != 0) finish(p, 0, uv_err_name(rc), NULL, 0, NULL);
}

page *page_get(uv_loop_t *loop, const struct sockaddr *addr, const char *host, int port, const char *path,
               page_done done, void *arg) {
  page *p = calloc(1, sizeof *p);
  if (p == NULL) {
    fputs("wsload: out of memory\n", stderr);
    exit(1);
  }
  p->done = done;
  p->arg = arg;
  uv_tcp_init(loop, &p->tcp);
  p->tcp.data = p;
  uv_tcp_nodelay(&p->tcp, 1);
  int n = snprintf(p->request, sizeof p->request, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n", path,
                   host, port);
  int rc = n > 0 && (size_t)n < sizeof p->request ? uv_tcp_connect(&p->connect, &p->tcp, addr, on_connect) : UV_E2BIG;
  if (rc != 0) {
    uv_close((uv_handle_t *)&p->tcp, on_closed);
    return NULL;
  }
  return p;
}

size_t page_extract(const char *body, const char *before, const char *after, char *out, size_t cap) {
  size_t before_len = strlen(before), after_len = strlen(after);
  for (const char *at = strstr(body, before); at != NULL; at = strstr(at + 1, before)) {
    const char *v = at + before_len, *q = strchr(v, '"');
    if (q == NULL) return 0;
    if (q == v || strncmp(q + 1, after, after_len) != 0) continue;
    size_t n = (size_t)(q - v);
    if (n + 1 > cap) return 0;
    memcpy(out, v, n);
    out[n] = '\0';
    return n;
  }
  return 0;
}
