#ifndef WSLOAD_HANDSHAKE_H
#define WSLOAD_HANDSHAKE_H

#include <stddef.h>

/* The client side of the RFC 6455 opening handshake (§4.1). */

#define HANDSHAKE_ACCEPT_LEN 28

/* Writes the upgrade request for a fresh random key into out and the
 * Sec-WebSocket-Accept value the server must answer with into accept.
 * extra_headers (NULL for none) are whole "Name: value\r\n" lines added
 * at the end. Returns the request length, or 0 if it does not fit in cap. */
size_t handshake_request(const char *host, int port, const char *path, const char *extra_headers, char *out,
                         size_t cap, char accept[HANDSHAKE_ACCEPT_LEN + 1]);

/* The length of the response head including its blank line, or 0 while
 * the head is incomplete. */
size_t handshake_head_length(const char *buf, size_t len);

/* NULL if the head accepts the upgrade, else a static reason. With
 * extensions NULL a Sec-WebSocket-Extensions header fails the upgrade (none
 * was offered); otherwise its value is pointed to there (NULL, 0 when
 * absent) for the caller, who offered some, to check. */
const char *handshake_check(const char *head, size_t len, const char *accept, const char **extensions,
                            size_t *extensions_len);

#endif
