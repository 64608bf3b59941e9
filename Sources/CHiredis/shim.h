#ifndef LIVETS_CHIREDIS_SHIM_H
#define LIVETS_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include "uv_adapter.h"

/* A stable name for Swift to call, whatever the importer makes of the static adapter. */
static inline int lts_redis_attach(redisAsyncContext *ac, uv_loop_t *loop) {
    return lts_redis_uv_attach(ac, loop);
}

/* hiredis 0.14 has no async connect timeout and keeps `err` inside the
 * embedded redisContext; reading it here spares Swift the struct layout. */
static inline int lts_redis_error(const redisAsyncContext *ac) {
    return ac ? ac->err : -1;
}

/* Why the context failed, as hiredis words it ("Connection refused"). */
static inline const char *lts_redis_errstr(const redisAsyncContext *ac) {
    return ac ? ac->errstr : "";
}

static inline void *lts_redis_get_data(const redisAsyncContext *ac) {
    return ac ? ac->data : NULL;
}

static inline void lts_redis_set_data(redisAsyncContext *ac, void *data) {
    ac->data = data;
}
#endif
