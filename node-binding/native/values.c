/*
 * values.c: see values.h.
 */
#include "values.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livetscore.h"

#define MAX_SAFE_INTEGER 9007199254740991.0

void throw_lts_message(napi_env env, int code, const char *message) {
  napi_value msg, code_str, err, errno_val;
  /* Names come from the core's one table, so a new code needs no edit here. */
  const char *name = lts_err_name(code);
  if (message == NULL || message[0] == '\0') message = lts_strerror(code);
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code_str) != napi_ok ||
      napi_create_error(env, code_str, msg, &err) != napi_ok) {
    napi_throw_error(env, name, message);
    return;
  }
  if (napi_create_int32(env, code, &errno_val) == napi_ok)
    napi_set_named_property(env, err, "errno", errno_val);
  napi_throw(env, err);
}

void throw_lts(napi_env env, int code) {
  throw_lts_message(env, code, lts_last_error());
}

/* Turns a failed napi call into a JavaScript exception unless one is already
 * pending (a throwing getter, for instance, keeps its own error). */
void throw_napi(napi_env env, napi_status status) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  const napi_extended_error_info *info = NULL;
  const char *msg = NULL;
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL)
    msg = info->error_message;
  (void)status;
  napi_throw_error(env, NULL, msg != NULL ? msg : "N-API call failed");
}

int type_error(napi_env env, const char *what, const char *must) {
  char buf[160];
  snprintf(buf, sizeof buf, "%s must be %s", what, must);
  napi_throw_type_error(env, NULL, buf);
  return 0;
}

napi_valuetype type_of(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  if (napi_typeof(env, v, &t) != napi_ok) return napi_undefined;
  return t;
}

/* A malloc'd, NUL-terminated UTF-8 copy of a JavaScript string. */
int get_string(napi_env env, napi_value v, const char *what, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (type_of(env, v) != napi_string) return type_error(env, what, "a string");
  size_t n = 0;
  napi_status s = napi_get_value_string_utf8(env, v, NULL, 0, &n);
  if (s != napi_ok) {
    throw_napi(env, s);
    return 0;
  }
  char *buf = malloc(n + 1);
  if (buf == NULL) {
    char msg[160];
    snprintf(msg, sizeof msg, "out of memory copying %s (%zu bytes)", what, n + 1);
    throw_lts_message(env, LTS_ENOMEM, msg);
    return 0;
  }
  s = napi_get_value_string_utf8(env, v, buf, n + 1, &n);
  if (s != napi_ok) {
    free(buf);
    throw_napi(env, s);
    return 0;
  }
  *out = buf;
  *len = n;
  return 1;
}

/* A string, or NULL for undefined and null. */
int get_opt_string(napi_env env, napi_value v, const char *what, char **out, size_t *len) {
  napi_valuetype t = type_of(env, v);
  if (t == napi_undefined || t == napi_null) {
    *out = NULL;
    *len = 0;
    return 1;
  }
  if (t != napi_string) return type_error(env, what, "a string, null or undefined");
  return get_string(env, v, what, out, len);
}

int get_number(napi_env env, napi_value v, const char *what, const char *must, double *out) {
  if (type_of(env, v) != napi_number) return type_error(env, what, must);
  napi_status s = napi_get_value_double(env, v, out);
  if (s != napi_ok) {
    throw_napi(env, s);
    return 0;
  }
  return 1;
}

/* Ids and refs: safe non-negative integers. */
int get_u64(napi_env env, napi_value v, const char *what, uint64_t *out) {
  const char *must = "a non-negative safe integer";
  double d;
  if (!get_number(env, v, what, must, &d)) return 0;
  if (!(d >= 0 && d <= MAX_SAFE_INTEGER) || d != (double)(uint64_t)d)
    return type_error(env, what, must);
  *out = (uint64_t)d;
  return 1;
}

int get_int_range(napi_env env, napi_value v, const char *what, int lo, int hi, int *out) {
  char must[96];
  snprintf(must, sizeof must, "an integer from %d to %d", lo, hi);
  double d;
  if (!get_number(env, v, what, must, &d)) return 0;
  if (!(d >= lo && d <= hi) || d != (double)(int)d) return type_error(env, what, must);
  *out = (int)d;
  return 1;
}

int get_size(napi_env env, napi_value v, const char *what, size_t *out) {
  uint64_t u;
  if (!get_u64(env, v, what, &u)) return 0;
  if (u > SIZE_MAX) return type_error(env, what, "a size this machine can address");
  *out = (size_t)u;
  return 1;
}

/* Bytes of a string (copied, caller frees *owned) or a Buffer/Uint8Array
 * (borrowed for the duration of the call). */
int get_bytes(napi_env env, napi_value v, const char *what, const char **data, size_t *len,
                     char **owned) {
  *owned = NULL;
  *data = NULL;
  *len = 0;
  napi_valuetype t = type_of(env, v);
  if (t == napi_undefined || t == napi_null) return 1;
  if (t == napi_string) {
    if (!get_string(env, v, what, owned, len)) return 0;
    *data = *owned;
    return 1;
  }
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type tt;
    size_t length, offset;
    void *ptr;
    napi_value ab;
    napi_status s = napi_get_typedarray_info(env, v, &tt, &length, &ptr, &ab, &offset);
    if (s != napi_ok) {
      throw_napi(env, s);
      return 0;
    }
    if (tt != napi_uint8_array) return type_error(env, what, "a string, Buffer or Uint8Array");
    *data = ptr;
    *len = length;
    return 1;
  }
  return type_error(env, what, "a string, Buffer or Uint8Array");
}

/* Fetches exactly `want` arguments (missing ones read as undefined). */
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_status s = napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (s != napi_ok) {
    throw_napi(env, s);
    return 0;
  }
  return 1;
}

/* Returns undefined, or throws for a negative lts code. */
napi_value lts_result(napi_env env, int rc) {
  if (rc < 0) {
    throw_lts(env, rc);
    return NULL;
  }
  napi_value undef;
  NAPI_OK(env, napi_get_undefined(env, &undef));
  return undef;
}

int convert_args(napi_env env, call_args *a, size_t first, const char *spec) {
  size_t nu = 0, ni = 0, ns = 0, at = first;
  const char *p = spec;
  while (*p != '\0') {
    char name[48];
    const char *colon = strchr(p, ':');
    if (colon == NULL || (size_t)(colon - p) >= sizeof name || at >= ARGS_MAX) {
      napi_throw_error(env, NULL, "livets: bad argument spec");
      return 0;
    }
    memcpy(name, p, (size_t)(colon - p));
    name[colon - p] = '\0';
    const char *kind = colon + 1;
    napi_value v = a->argv[at++];
    int ok;
    if (kind[0] == 'u' && nu < 3) {
      ok = get_u64(env, v, name, &a->u[nu++]);
    } else if (kind[0] == 'i' && ni < 2) {
      int lo = 0, hi = 0;
      sscanf(kind + 1, "%d:%d", &lo, &hi);
      ok = get_int_range(env, v, name, lo, hi, &a->i[ni++]);
    } else if (kind[0] == 's' && ns < 4) {
      ok = kind[1] == '?' ? get_opt_string(env, v, name, &a->s[ns], &a->n[ns])
                          : get_string(env, v, name, &a->s[ns], &a->n[ns]);
      ns++;
    } else if (kind[0] == 'b' && a->owned == NULL && a->bytes == NULL) {
      ok = get_bytes(env, v, name, &a->bytes, &a->bytes_len, &a->owned);
    } else {
      napi_throw_error(env, NULL, "livets: bad argument spec");
      return 0;
    }
    if (!ok) return 0;
    const char *comma = strchr(kind, ',');
    if (comma == NULL) break;
    p = comma + 1;
    while (*p == ' ') p++;
  }
  return 1;
}

void free_args(call_args *a) {
  for (size_t k = 0; k < 4; k++) {
    free(a->s[k]);
    a->s[k] = NULL;
  }
  free(a->owned);
  a->owned = NULL;
}
