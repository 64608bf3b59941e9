#ifndef WSLOAD_JSON_H
#define WSLOAD_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Just enough JSON to read the frames the live mode answers to: the
 * elements of a top-level array, an object's member by key, and scalar
 * comparisons. Values are spans of the message, never copied. */

typedef struct json_span {
  const char *p;
  size_t n; /* 0: absent or not valid */
} json_span;

/* The elements of the array s holds (whitespace around allowed), at most
 * max of them into out; returns how many there are, or -1 if s is not one
 * well-formed array. */
int json_array(const char *s, size_t n, json_span *out, int max);

/* The value of key in object v, or a span of length 0. */
json_span json_member(json_span v, const char *key);

/* Whether v is a JSON string whose value, escapes decoded, is text. */
int json_is_string(json_span v, const char *text);

/* The same for the bytes text[0..len). */
int json_is_string_n(json_span v, const char *text, size_t len);

/* Whether v is the integer number `want`. */
int json_is_uint(json_span v, uint64_t want);

/* v as a non-negative integer into *out; 0 on success, -1 if it is not one. */
int json_uint(json_span v, uint64_t *out);

/* Appends s as a JSON string, quotes included, to out (cap bytes);
 * returns the bytes written, or 0 if it does not fit. */
size_t json_quote(const char *s, char *out, size_t cap);

#endif
