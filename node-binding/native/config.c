/*
 * config.c: reads the options object of createServer into an lts_config.
 * Every field of lts_config has its option here, so nothing the core can
 * be told is out of a Node host's reach; an absent (undefined or null)
 * option leaves the core's default.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads an optional property; *present is 0 for undefined or null. */
static int get_option(napi_env env, napi_value obj, const char *key, napi_value *out, int *present) {
  napi_status s = napi_get_named_property(env, obj, key, out);
  if (s != napi_ok) {
    throw_napi(env, s);
    return 0;
  }
  napi_valuetype t = type_of(env, *out);
  *present = t != napi_undefined && t != napi_null;
  return 1;
}

typedef enum { OPT_SIZE, OPT_UINT, OPT_BOOL, OPT_BOOL_NEGATED } opt_kind;

typedef struct {
  const char *name;
  opt_kind kind;
  size_t offset;
} numeric_option;

#define SIZE_OPT(js, field) {js, OPT_SIZE, offsetof(lts_config, field)}
#define UINT_OPT(js, field) {js, OPT_UINT, offsetof(lts_config, field)}
#define BOOL_OPT(js, field) {js, OPT_BOOL, offsetof(lts_config, field)}
/* An option on by default whose C field turns it off: `longPolling: false` sets disable_long_polling. */
#define NEGATED_BOOL_OPT(js, field) {js, OPT_BOOL_NEGATED, offsetof(lts_config, field)}

static const numeric_option numeric_options[] = {
    SIZE_OPT("maxMessageBytes", max_message_bytes),
    SIZE_OPT("maxOutboundBytes", max_outbound_bytes),
    UINT_OPT("headerTimeoutMs", header_timeout_ms),
    UINT_OPT("idleTimeoutMs", idle_timeout_ms),
    UINT_OPT("pingIntervalMs", ping_interval_ms),
    BOOL_OPT("disableCompression", disable_compression),
    UINT_OPT("maxViewsPerConnection", max_views_per_connection),
    UINT_OPT("maxConnectionsPerIp", max_connections_per_ip),
    UINT_OPT("maxConnections", max_connections),
    UINT_OPT("messageTimeoutMs", message_timeout_ms),
    SIZE_OPT("maxPartialBytes", max_partial_bytes),
    SIZE_OPT("maxHostQueueBytes", max_host_queue_bytes),
    SIZE_OPT("maxHostQueueBytesTotal", max_host_queue_bytes_total),
    UINT_OPT("eventRate", event_rate),
    UINT_OPT("eventBurst", event_burst),
    UINT_OPT("joinRate", join_rate),
    UINT_OPT("joinBurst", join_burst),
    UINT_OPT("pageRate", page_rate),
    UINT_OPT("pageBurst", page_burst),
    SIZE_OPT("maxResponseBytes", max_response_bytes),
    SIZE_OPT("maxLiveMessageBytes", max_live_message_bytes),
    BOOL_OPT("httpsOrigins", https_origins),
    SIZE_OPT("maxBodyBytes", max_body_bytes),
    UINT_OPT("bodyTimeoutMs", body_timeout_ms),
    BOOL_OPT("reusePort", reuse_port),
    SIZE_OPT("compressMinBytes", compress_min_bytes),
    BOOL_OPT("disablePageCompression", disable_page_compression),
    NEGATED_BOOL_OPT("longPolling", disable_long_polling),
};

static int read_numeric(napi_env env, napi_value v, const numeric_option *o, lts_config *cfg) {
  char what[64];
  snprintf(what, sizeof what, "config.%s", o->name);
  char *field = (char *)cfg + o->offset;
  switch (o->kind) {
    case OPT_SIZE:
      return get_size(env, v, what, (size_t *)field);
    case OPT_UINT: {
      int n;
      if (!get_int_range(env, v, what, 0, 2147483647, &n)) return 0;
      *(unsigned *)field = (unsigned)n;
      return 1;
    }
    case OPT_BOOL:
    case OPT_BOOL_NEGATED: {
      bool b;
      if (type_of(env, v) != napi_boolean || napi_get_value_bool(env, v, &b) != napi_ok) {
        return type_error(env, what, "a boolean");
      }
      *(int *)field = b == (o->kind == OPT_BOOL) ? 1 : 0;
      return 1;
    }
  }
  return 0;
}

/* A list option: a string ("a,b") or an array of strings, joined with
 * commas as the core reads it. An entry holding a comma is refused: it
 * would read as two. */
static int get_list(napi_env env, napi_value v, const char *what, char **out) {
  size_t len;
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return get_string(env, v, what, out, &len);
  uint32_t count;
  if (napi_get_array_length(env, v, &count) != napi_ok) return type_error(env, what, "an array of strings");
  if (count == 0) return type_error(env, what, "a non-empty array of strings");
  size_t total = 0;
  char *joined = NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    char *s = NULL;
    if (napi_get_element(env, v, i, &item) != napi_ok || !get_string(env, item, what, &s, &len)) {
      free(joined);
      return 0;
    }
    if (len == 0 || memchr(s, ',', len) != NULL) {
      free(s);
      free(joined);
      return type_error(env, what, "an array of non-empty strings without commas");
    }
    char *grown = realloc(joined, total + len + 2);
    if (grown == NULL) {
      free(s);
      free(joined);
      throw_lts_message(env, LTS_ENOMEM, "out of memory joining a list option");
      return 0;
    }
    joined = grown;
    if (total > 0) joined[total++] = ',';
    memcpy(joined + total, s, len);
    total += len;
    joined[total] = '\0';
    free(s);
  }
  *out = joined;
  return 1;
}

int config_read(napi_env env, napi_value options, lts_config *cfg, config_strings *strings) {
  napi_value v;
  int present;
  size_t unused;
  memset(cfg, 0, sizeof *cfg);
  memset(strings, 0, sizeof *strings);
  if (type_of(env, options) != napi_object) return type_error(env, "config", "an object");

  if (!get_option(env, options, "host", &v, &present)) return 0;
  if (present && !get_string(env, v, "config.host", &strings->host, &unused)) return 0;
  if (!get_option(env, options, "port", &v, &present)) return 0;
  if (present && !get_int_range(env, v, "config.port", 0, 65535, &cfg->port)) return 0;
  if (!get_option(env, options, "mode", &v, &present)) return 0;
  if (present && !get_int_range(env, v, "config.mode", LTS_MODE_LIVETS, LTS_MODE_RAW, &cfg->mode)) return 0;
  if (!get_option(env, options, "wsPath", &v, &present)) return 0;
  if (present && !get_string(env, v, "config.wsPath", &strings->ws_path, &unused)) return 0;
  if (!get_option(env, options, "redisUrl", &v, &present)) return 0;
  if (present && !get_string(env, v, "config.redisUrl", &strings->redis_url, &unused)) return 0;
  if (!get_option(env, options, "allowedOrigins", &v, &present)) return 0;
  if (present && !get_list(env, v, "config.allowedOrigins", &strings->allowed_origins)) return 0;
  if (!get_option(env, options, "allowedHosts", &v, &present)) return 0;
  if (present && !get_list(env, v, "config.allowedHosts", &strings->allowed_hosts)) return 0;
  if (!get_option(env, options, "trustedProxies", &v, &present)) return 0;
  if (present && !get_list(env, v, "config.trustedProxies", &strings->trusted_proxies)) return 0;
  if (!get_option(env, options, "tlsCertFile", &v, &present)) return 0;
  if (present && !get_string(env, v, "config.tlsCertFile", &strings->tls_cert_file, &unused)) return 0;
  if (!get_option(env, options, "tlsKeyFile", &v, &present)) return 0;
  if (present && !get_string(env, v, "config.tlsKeyFile", &strings->tls_key_file, &unused)) return 0;

  for (size_t i = 0; i < sizeof numeric_options / sizeof numeric_options[0]; i++) {
    if (!get_option(env, options, numeric_options[i].name, &v, &present)) return 0;
    if (present && !read_numeric(env, v, &numeric_options[i], cfg)) return 0;
  }

  cfg->host = strings->host;
  cfg->ws_path = strings->ws_path;
  cfg->redis_url = strings->redis_url;
  cfg->allowed_origins = strings->allowed_origins;
  cfg->allowed_hosts = strings->allowed_hosts;
  cfg->trusted_proxies = strings->trusted_proxies;
  cfg->tls_cert_file = strings->tls_cert_file;
  cfg->tls_key_file = strings->tls_key_file;
  return 1;
}

void config_free(config_strings *strings) {
  free(strings->host);
  free(strings->ws_path);
  free(strings->redis_url);
  free(strings->allowed_origins);
  free(strings->allowed_hosts);
  free(strings->trusted_proxies);
  free(strings->tls_cert_file);
  free(strings->tls_key_file);
  memset(strings, 0, sizeof *strings);
}
