#include "handshake.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "rng.h"
#include "sha1.h"

static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

size_t handshake_request(const char *host, int port, const char *path, const char *extra_headers, char *out,
                         size_t cap, char accept[HANDSHAKE_ACCEPT_LEN + 1]) {
  uint8_t nonce[16];
  rng_bytes(nonce, sizeof nonce);
  char key[25];
  base64_encode(nonce, sizeof nonce, key);

  char concat[24 + sizeof guid];
  memcpy(concat, key, 24);
  memcpy(concat + 24, guid, sizeof guid - 1);
  uint8_t digest[20];
  sha1(concat, 24 + sizeof guid - 1, digest);
  base64_encode(digest, sizeof digest, accept);

  int n = snprintf(out, cap,
                   "GET %s HTTP/1.1\r\n"
                   "Host: %s:%d\r\n"
                   "Upgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\n"
                   "%s"
                   "\r\n",
                   path, host, port, key, extra_headers != NULL ? extra_headers : "");
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t handshake_head_length(const char *buf, size_t len) {
  for (size_t i = 3; i < len; i++)
    if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') return i + 1;
  return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Whether a comma-separated header value holds `token`, ignoring case. */
static int has_token(const char *value, size_t len, const char *token) {
  size_t want = strlen(token), i = 0;
  while (i < len) {
    while (i < len && (is_space(value[i]) || value[i] == ',')) i++;
    size_t start = i;
    while (i < len && value[i] != ',') i++;
    size_t end = i;
    while (end > start && is_space(value[end - 1])) end--;
    if (end - start == want && strncasecmp(value + start, token, want) == 0) return 1;
  }
  return 0;
}

const char *handshake_check(const char *head, size_t len, const char *accept, const char **extensions,
                            size_t *extensions_len) {
  if (extensions != NULL) {
    *extensions = NULL;
    *extensions_len = 0;
  }
  if (len < 12 || memcmp(head, "HTTP/1.1 ", 9) != 0) return "handshake: not an HTTP/1.1 response";
  if (memcmp(head + 9, "101", 3) != 0) return "handshake: status is not 101";
  int upgrade = 0, connection = 0, accepted = 0;
  const char *line = memchr(head, '\n', len);
  const char *end = head + len;
  while (line != NULL && ++line < end) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (eol == NULL) break;
    size_t line_len = (size_t)(eol - line);
    if (line_len > 0 && line[line_len - 1] == '\r') line_len--;
    if (line_len == 0) break;
    const char *colon = memchr(line, ':', line_len);
    if (colon == NULL) return "handshake: malformed header line";
    size_t name_len = (size_t)(colon - line);
    const char *value = colon + 1;
    size_t value_len = line_len - name_len - 1;
    while (value_len > 0 && is_space(*value)) value++, value_len--;
    while (value_len > 0 && is_space(value[value_len - 1])) value_len--;
#define NAME_IS(s) (name_len == sizeof(s) - 1 && strncasecmp(line, s, name_len) == 0)
    if (NAME_IS("upgrade")) {
      upgrade = value_len == 9 && strncasecmp(value, "websocket", 9) == 0;
    } else if (NAME_IS("connection")) {
      connection = has_token(value, value_len, "upgrade");
    } else if (NAME_IS("sec-websocket-accept")) {
      accepted = value_len == HANDSHAKE_ACCEPT_LEN && memcmp(value, accept, HANDSHAKE_ACCEPT_LEN) == 0;
      if (!accepted) return "handshake: wrong Sec-WebSocket-Accept";
    } else if (NAME_IS("sec-websocket-extensions")) {
      /* §4.1: an extension the client did not offer fails the connection. */
      if (extensions == NULL) return "handshake: unrequested extension";
      if (*extensions != NULL) return "handshake: Sec-WebSocket-Extensions twice";
      *extensions = value;
      *extensions_len = value_len;
    } else if (NAME_IS("sec-websocket-protocol")) {
      return "handshake: unrequested subprotocol";
    }
#undef NAME_IS
    line = eol;
  }
  if (!upgrade) return "handshake: no Upgrade: websocket";
  if (!connection) return "handshake: no Connection: Upgrade";
  if (!accepted) return "handshake: no Sec-WebSocket-Accept";
  return NULL;
}
