#include "pmd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* A window size parameter's value, maybe quoted (RFC 7692 §7.1.2). */
static int window_bits(const char *v, size_t n) {
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"') v++, n -= 2;
  if (n == 1 && v[0] == '8') return 8;
  if (n == 1 && v[0] == '9') return 9;
  if (n == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
  return -1;
}

const char *pmd_parse(const char *value, size_t len, pmd_params *out) {
  *out = (pmd_params){0};
  const char *end = value + len, *p = value;
  if (memchr(value, ',', len) != NULL) return "handshake: more than one extension accepted";
  int first = 1;
  while (p < end) {
    while (p < end && is_space(*p)) p++;
    const char *item = p;
    while (p < end && *p != ';') p++;
    const char *item_end = p;
    while (item_end > item && is_space(item_end[-1])) item_end--;
    if (p < end) p++; /* the ';' */
    size_t n = (size_t)(item_end - item);
    if (first) {
      if (n != 18 || strncasecmp(item, "permessage-deflate", 18) != 0) return "handshake: unrequested extension";
      first = 0;
      continue;
    }
    const char *eq = memchr(item, '=', n);
    size_t name_len = eq != NULL ? (size_t)(eq - item) : n;
    while (name_len > 0 && is_space(item[name_len - 1])) name_len--;
    const char *v = eq != NULL ? eq + 1 : NULL;
    size_t vn = eq != NULL ? (size_t)(item_end - v) : 0;
    while (vn > 0 && is_space(*v)) v++, vn--;
#define NAME_IS(s) (name_len == sizeof(s) - 1 && strncasecmp(item, s, name_len) == 0)
    if (NAME_IS("server_no_context_takeover") && v == NULL && !out->server_no_context_takeover) {
      out->server_no_context_takeover = 1;
    } else if (NAME_IS("client_no_context_takeover") && v == NULL && !out->client_no_context_takeover) {
      out->client_no_context_takeover = 1;
    } else if (NAME_IS("server_max_window_bits") && v != NULL && !out->server_max_window_bits) {
      if ((out->server_max_window_bits = window_bits(v, vn)) < 0) return "handshake: bad server_max_window_bits";
    } else if (NAME_IS("client_max_window_bits") && v != NULL && !out->client_max_window_bits) {
      if ((out->client_max_window_bits = window_bits(v, vn)) < 0) return "handshake: bad client_max_window_bits";
    } else {
      return "handshake: bad permessage-deflate parameter";
    }
#undef NAME_IS
  }
  return first ? "handshake: empty Sec-WebSocket-Extensions" : NULL;
}

void pmd_describe(const pmd_params *p, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s%s", p->server_no_context_takeover ? "; server_no_context_takeover" : "",
                   p->client_no_context_takeover ? "; client_no_context_takeover" : "");
  if (p->server_max_window_bits && n >= 0 && (size_t)n < cap)
    n += snprintf(out + n, cap - (size_t)n, "; server_max_window_bits=%d", p->server_max_window_bits);
  if (p->client_max_window_bits && n >= 0 && (size_t)n < cap)
    n += snprintf(out + n, cap - (size_t)n, "; client_max_window_bits=%d", p->client_max_window_bits);
  if (n == 0) snprintf(out, cap, "; no parameters");
  /* The list reads without its leading "; ". */
  memmove(out, out + 2, strlen(out + 2) + 1);
}

int pmd_init(pmd *z, const pmd_params *params) {
  memset(z, 0, sizeof *z);
  z->params = *params;
  /* The largest window inflates whatever smaller one the server used. */
  if (inflateInit2(&z->in, -15) != Z_OK) return -1;
  int bits = params->client_max_window_bits ? params->client_max_window_bits : 15;
  /* zlib's raw deflate cannot keep to an 8-bit window (it uses 9), so then
   * client messages go uncompressed, which the extension allows. */
  if (bits >= 9) {
    if (deflateInit2(&z->out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      inflateEnd(&z->in);
      return -1;
    }
    z->deflating = 1;
  }
  return 0;
}

void pmd_free(pmd *z) {
  inflateEnd(&z->in);
  if (z->deflating) deflateEnd(&z->out);
  z->deflating = 0;
}

int pmd_inflate(pmd *z, const uint8_t *data, size_t len, bytes *out, size_t limit) {
  z->in.next_in = (Bytef *)data;
  z->in.avail_in = (uInt)len;
  z->bytes_in += len;
  do {
    size_t room = 16384;
    uint8_t *dst = bytes_reserve(out, room);
    z->in.next_out = dst;
    z->in.avail_out = (uInt)room;
    int rc = inflate(&z->in, Z_SYNC_FLUSH);
    size_t made = room - z->in.avail_out;
    out->len += made;
    z->bytes_inflated += made;
    if (rc == Z_BUF_ERROR && made == 0) break; /* all input taken */
    /* A block marked final (§7.2.3.3) ends the stream: the next starts afresh. */
    if (rc == Z_STREAM_END && inflateReset(&z->in) == Z_OK) continue;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return -1;
    if (out->len > limit) return -1;
  } while (z->in.avail_in > 0 || z->in.avail_out == 0);
  return 0;
}

int pmd_inflate_end(pmd *z, bytes *out, size_t limit) {
  z->bytes_in -= sizeof tail; /* not on the wire */
  if (pmd_inflate(z, tail, sizeof tail, out, limit) != 0) return -1;
  if (z->params.server_no_context_takeover && inflateReset(&z->in) != Z_OK) return -1;
  return 0;
}

int pmd_deflate(pmd *z, const void *data, size_t len, bytes *out) {
  if (!z->deflating) return -1;
  z->out.next_in = (Bytef *)data;
  z->out.avail_in = (uInt)len;
  size_t start = out->len;
  do {
    size_t room = len + 64;
    uint8_t *dst = bytes_reserve(out, room);
    z->out.next_out = dst;
    z->out.avail_out = (uInt)room;
    if (deflate(&z->out, Z_SYNC_FLUSH) == Z_STREAM_ERROR) return -1;
    out->len += room - z->out.avail_out;
  } while (z->out.avail_out == 0);
  /* §7.2.1: the flush's empty stored block is left off the wire. */
  if (out->len - start < sizeof tail || memcmp(out->p + out->len - sizeof tail, tail, sizeof tail) != 0) return -1;
  out->len -= sizeof tail;
  if (z->params.client_no_context_takeover && deflateReset(&z->out) != Z_OK) return -1;
  return 0;
}
