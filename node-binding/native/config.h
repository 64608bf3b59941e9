/*
 * config.h: a createServer options object to an lts_config.
 */
#ifndef LIVETS_NAPI_CONFIG_H
#define LIVETS_NAPI_CONFIG_H

#include "values.h"
#include "livetscore.h"

/* The strings an lts_config points at, owned until config_free. */
typedef struct {
  char *host, *ws_path, *redis_url, *allowed_origins, *allowed_hosts, *trusted_proxies;
  char *tls_cert_file, *tls_key_file;
} config_strings;

/* Fills *cfg from the options object; 1, or 0 with a TypeError pending that
 * names the option. config_free(strings) is due either way. */
int config_read(napi_env env, napi_value options, lts_config *cfg, config_strings *strings);
void config_free(config_strings *strings);

#endif
