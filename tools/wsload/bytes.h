#ifndef WSLOAD_BYTES_H
#define WSLOAD_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer, reused message after message. */
typedef struct bytes {
  uint8_t *p;
  size_t len, cap;
} bytes;

/* Room for at least `more` bytes past len. */
static inline uint8_t *bytes_reserve(bytes *b, size_t more) {
  if (b->cap - b->len < more) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < more) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (p == NULL) {
      fputs("wsload: out of memory\n", stderr);
      exit(1);
    }
    b->p = p;
    b->cap = cap;
  }
  return b->p + b->len;
}

static inline void bytes_append(bytes *b, const void *data, size_t len) {
  memcpy(bytes_reserve(b, len), data, len);
  b->len += len;
}

static inline void bytes_free(bytes *b) {
  free(b->p);
  *b = (bytes){NULL, 0, 0};
}

#endif
