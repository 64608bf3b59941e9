#ifndef WSLOAD_RNG_H
#define WSLOAD_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Bytes from the kernel's CSPRNG: handshake keys must be unpredictable. */
void rng_bytes(void *out, size_t len);

/* A fast generator, seeded from the kernel, for the one masking key per
 * frame: getrandom per frame would cost more than the frame itself. */
uint32_t rng_mask(void);

#endif
