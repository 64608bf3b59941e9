#ifndef WSLOAD_PMD_H
#define WSLOAD_PMD_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "bytes.h"

/* permessage-deflate (RFC 7692), client side: the offer, the check of the
 * server's answer, and one connection's inflater and deflater. */

/* What Chromium offers: every window size it can take, and room for the
 * server to bound the client's. */
#define PMD_OFFER "permessage-deflate; client_max_window_bits"

typedef struct pmd_params {
  int server_no_context_takeover;
  int client_no_context_takeover;
  int server_max_window_bits; /* 0: not given (15) */
  int client_max_window_bits; /* 0: not given (15) */
} pmd_params;

/* Reads the server's Sec-WebSocket-Extensions value against PMD_OFFER;
 * NULL when it is one valid permessage-deflate answer, else why not. */
const char *pmd_parse(const char *value, size_t len, pmd_params *out);

/* "server_no_context_takeover; client_max_window_bits=12", or "defaults". */
void pmd_describe(const pmd_params *p, char *out, size_t cap);

typedef struct pmd {
  pmd_params params;
  z_stream in, out;
  int deflating; /* 0 when client messages cannot be compressed as negotiated */
  uint64_t bytes_in, bytes_inflated;
} pmd;

int pmd_init(pmd *z, const pmd_params *params);
void pmd_free(pmd *z);

/* Inflates part of a compressed message onto out; 0, or -1 when the data
 * is not valid or the message grows past limit bytes. */
int pmd_inflate(pmd *z, const uint8_t *data, size_t len, bytes *out, size_t limit);
/* The message is complete: §7.2.2's tail, and a fresh inflater if the
 * server does not keep its context. */
int pmd_inflate_end(pmd *z, bytes *out, size_t limit);

/* Compresses one whole message onto out (the frame's payload, its tail
 * stripped); 0, or -1. */
int pmd_deflate(pmd *z, const void *data, size_t len, bytes *out);

#endif
