#include "json.h"

#include <stdio.h>
#include <string.h>

static size_t skip_space(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

/* The index just past the value starting at s[i], or 0 when it is not one.
 * Depth-limited, so a hostile frame cannot run the stack out. */
static size_t skip_value(const char *s, size_t n, size_t i, int depth) {
  if (i >= n || depth > 64) return 0;
  char c = s[i];
  if (c == '"') {
    for (i++; i < n; i++) {
      if (s[i] == '\\') i++;
      else if (s[i] == '"') return i + 1;
    }
    return 0;
  }
  if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    i = skip_space(s, n, i + 1);
    if (i < n && s[i] == close) return i + 1;
    for (;;) {
      if (c == '{') {
        if (i >= n || s[i] != '"') return 0;
        i = skip_value(s, n, i, depth + 1);
        if (i == 0) return 0;
        i = skip_space(s, n, i);
        if (i >= n || s[i] != ':') return 0;
        i = skip_space(s, n, i + 1);
      }
      i = skip_value(s, n, i, depth + 1);
      if (i == 0) return 0;
      i = skip_space(s, n, i);
      if (i >= n) return 0;
      if (s[i] == close) return i + 1;
      if (s[i] != ',') return 0;
      i = skip_space(s, n, i + 1);
    }
  }
  /* A number or a literal: up to the next delimiter. */
  size_t start = i;
  while (i < n && s[i] != ',' && s[i] != ']' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
         s[i] != '\r' && s[i] != ':' && s[i] != '"' && s[i] != '[' && s[i] != '{')
    i++;
  return i > start ? i : 0;
}

int json_array(const char *s, size_t n, json_span *out, int max) {
  size_t i = skip_space(s, n, 0);
  if (i >= n || s[i] != '[') return -1;
  size_t end = skip_value(s, n, i, 0);
  if (end == 0 || skip_space(s, n, end) != n) return -1;
  int count = 0;
  i = skip_space(s, n, i + 1);
  while (i < end - 1) {
    size_t next = skip_value(s, n, i, 1);
    if (count < max) out[count] = (json_span){s + i, next - i};
    count++;
    i = skip_space(s, n, next);
    if (s[i] == ',') i = skip_space(s, n, i + 1);
  }
  return count;
}

json_span json_member(json_span v, const char *key) {
  json_span none = {NULL, 0};
  if (v.n < 2 || v.p[0] != '{') return none;
  size_t klen = strlen(key), i = skip_space(v.p, v.n, 1);
  while (i < v.n && v.p[i] == '"') {
    size_t kend = skip_value(v.p, v.n, i, 1);
    if (kend == 0) return none;
    int match = kend - i == klen + 2 && memcmp(v.p + i + 1, key, klen) == 0;
    i = skip_space(v.p, v.n, kend);
    if (i >= v.n || v.p[i] != ':') return none;
    i = skip_space(v.p, v.n, i + 1);
    size_t vend = skip_value(v.p, v.n, i, 1);
    if (vend == 0) return none;
    if (match) return (json_span){v.p + i, vend - i};
    i = skip_space(v.p, v.n, vend);
    if (i < v.n && v.p[i] == ',') i = skip_space(v.p, v.n, i + 1);
  }
  return none;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char h = p[i];
    v <<= 4;
    if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
    else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

/* Escapes decoded as they are compared: a server may write "\u002f" or "/". */
int json_is_string_n(json_span v, const char *text, size_t len) {
  if (v.n < 2 || v.p[0] != '"' || v.p[v.n - 1] != '"') return 0;
  const char *p = v.p + 1, *end = v.p + v.n - 1;
  size_t t = 0;
  while (p < end) {
    if (*p != '\\') {
      if (t >= len || text[t++] != *p++) return 0;
      continue;
    }
    if (end - p < 2) return 0;
    char e = p[1];
    p += 2;
    static const char escapes[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
    const char *simple = e != '\0' ? strchr(escapes, e) : NULL;
    if (simple != NULL) {
      if (t >= len || text[t++] != decoded[simple - escapes]) return 0;
      continue;
    }
    unsigned cp, low;
    if (e != 'u' || end - p < 4 || hex4(p, &cp) != 0) return 0;
    p += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
      if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &low) != 0 || low < 0xDC00 || low > 0xDFFF) return 0;
      p += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    char utf8[4];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n == 1) utf8[0] = (char)cp;
    else if (n == 2) utf8[0] = (char)(0xC0 | cp >> 6), utf8[1] = (char)(0x80 | (cp & 0x3F));
    else if (n == 3)
      utf8[0] = (char)(0xE0 | cp >> 12), utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), utf8[2] = (char)(0x80 | (cp & 0x3F));
    else
      utf8[0] = (char)(0xF0 | cp >> 18), utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
      utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), utf8[3] = (char)(0x80 | (cp & 0x3F));
    if (t + n > len || memcmp(text + t, utf8, n) != 0) return 0;
    t += n;
  }
  return t == len;
}

int json_is_string(json_span v, const char *text) { return json_is_string_n(v, text, strlen(text)); }

int json_uint(json_span v, uint64_t *out) {
  if (v.n == 0 || v.n > 20) return -1;
  uint64_t x = 0;
  for (size_t i = 0; i < v.n; i++) {
    if (v.p[i] < '0' || v.p[i] > '9') return -1;
    uint64_t next = x * 10 + (uint64_t)(v.p[i] - '0');
    if (next / 10 != x) return -1;
    x = next;
  }
  *out = x;
  return 0;
}

int json_is_uint(json_span v, uint64_t want) {
  uint64_t x;
  return json_uint(v, &x) == 0 && x == want;
}

size_t json_quote(const char *s, char *out, size_t cap) {
  size_t n = 0;
#define PUT(ch)                 \
  do {                          \
    if (n + 1 >= cap) return 0; \
    out[n++] = (ch);            \
  } while (0)
  PUT('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      PUT('\\');
      PUT((char)*p);
    } else if (*p < 0x20 && strchr("\b\f\n\r\t", *p) != NULL) {
      /* JSON.stringify's short forms, so frames match the browser's byte for byte. */
      PUT('\\');
      PUT("bfnrt"[strchr("\b\f\n\r\t", *p) - "\b\f\n\r\t"]);
    } else if (*p < 0x20) {
      if (n + 7 >= cap) return 0;
      n += (size_t)snprintf(out + n, cap - n, "\\u%04x", *p);
    } else {
      PUT((char)*p);
    }
  }
  PUT('"');
#undef PUT
  out[n] = '\0';
  return n;
}
