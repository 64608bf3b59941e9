#include "rng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

void rng_bytes(void *out, size_t len) {
  unsigned char *p = out;
  while (len > 0) {
    ssize_t n = getrandom(p, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("wsload: getrandom");
      exit(1);
    }
    p += n;
    len -= (size_t)n;
  }
}

static uint64_t state;

uint32_t rng_mask(void) {
  while (state == 0) rng_bytes(&state, sizeof state);
  /* xorshift64*: statistically fine for masks, which only defeat proxy cache poisoning. */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (uint32_t)((state * 0x2545F4914F6CDD1DULL) >> 32);
}
