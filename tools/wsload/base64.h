#ifndef WSLOAD_BASE64_H
#define WSLOAD_BASE64_H

#include <stddef.h>

/* Standard alphabet with padding; writes 4*ceil(len/3) chars and a NUL.
 * Returns the number of chars written, NUL excluded. */
size_t base64_encode(const void *data, size_t len, char *out);

#endif
