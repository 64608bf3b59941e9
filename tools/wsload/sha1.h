#ifndef WSLOAD_SHA1_H
#define WSLOAD_SHA1_H

#include <stddef.h>
#include <stdint.h>

/* SHA-1 (FIPS 180-4). Only the handshake needs it, so one-shot is enough. */
void sha1(const void *data, size_t len, uint8_t digest[20]);

#endif
