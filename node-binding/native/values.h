/*
 * values.h: JavaScript values to C and back for the N-API shim, with the
 * errors a caller sees: a TypeError naming the argument and what it must
 * be, or an Error carrying the core's LTS_E* code.
 */
#ifndef LIVETS_NAPI_VALUES_H
#define LIVETS_NAPI_VALUES_H

#define NAPI_VERSION 8
#include <node_api.h>

#include <stddef.h>
#include <stdint.h>

/* Throws an Error for a failed lts_ call: message = lts_last_error() (or
 * lts_strerror(code) if that is empty), code = lts_err_name(code) and
 * errno = code. Call it right after the failing lts_ call, before any other. */
void throw_lts(napi_env env, int code);
/* The same for a failure the shim itself finds, with its own message. */
void throw_lts_message(napi_env env, int code, const char *message);
/* Turns a failed napi call into a JavaScript exception unless one is pending. */
void throw_napi(napi_env env, napi_status status);

#define NAPI_OK(env, call)                   \
  do {                                       \
    napi_status s_ = (call);                 \
    if (s_ != napi_ok) {                     \
      throw_napi((env), s_);                 \
      return NULL;                           \
    }                                        \
  } while (0)

/* The same, for functions that must free before returning. */
#define NAPI_OK_GOTO(env, call, label)       \
  do {                                       \
    napi_status s_ = (call);                 \
    if (s_ != napi_ok) {                     \
      throw_napi((env), s_);                 \
      goto label;                            \
    }                                        \
  } while (0)

/* Throws TypeError("<what> must be <must>"); returns 0 for `return type_error(...)`. */
int type_error(napi_env env, const char *what, const char *must);
napi_valuetype type_of(napi_env env, napi_value v);

/* Each get_* returns 1, or 0 with an exception pending. Strings are malloc'd
 * NUL-terminated UTF-8 copies the caller frees. */
int get_string(napi_env env, napi_value v, const char *what, char **out, size_t *len);
int get_opt_string(napi_env env, napi_value v, const char *what, char **out, size_t *len);
int get_number(napi_env env, napi_value v, const char *what, const char *must, double *out);
int get_u64(napi_env env, napi_value v, const char *what, uint64_t *out);
int get_int_range(napi_env env, napi_value v, const char *what, int lo, int hi, int *out);
int get_size(napi_env env, napi_value v, const char *what, size_t *out);
int get_bytes(napi_env env, napi_value v, const char *what, const char **data, size_t *len, char **owned);
/* Fetches exactly `want` arguments (missing ones read as undefined). */
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
/* Returns undefined, or throws for a negative lts code. */
napi_value lts_result(napi_env env, int rc);

#define ARGS_MAX 6

/*
 * The converted arguments of one call. convert_args fills it from argv in
 * order, following a spec of comma-separated "name:kind" items:
 *   u     a non-negative safe integer             -> u[]
 *   iLO:HI  an integer from LO to HI              -> i[]
 *   s     a string                                -> s[], n[]
 *   s?    a string, null or undefined (NULL, 0)   -> s[], n[]
 *   b     a string, Buffer, Uint8Array, null or undefined -> bytes, bytes_len
 * A bad value throws the TypeError its getter would; free_args frees what
 * was copied either way.
 */
typedef struct {
  napi_value argv[ARGS_MAX];
  uint64_t u[3];
  int i[2];
  char *s[4];
  size_t n[4];
  const char *bytes;
  size_t bytes_len;
  char *owned;
} call_args;

/* Converts argv[first...] by `spec`; 1 on success, 0 with an exception pending. */
int convert_args(napi_env env, call_args *a, size_t first, const char *spec);
void free_args(call_args *a);

#endif
