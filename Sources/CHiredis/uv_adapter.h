#ifndef LIVETS_CHIREDIS_UV_ADAPTER_H
#define LIVETS_CHIREDIS_UV_ADAPTER_H
/* hiredis 0.14's libuv adapter (hiredis/adapters/libuv.h) with its poll
 * errors handled. The stock adapter returns on any error status, and libuv
 * stops polling after one, so a refused connect was noticed only by the
 * bridge's 2 s deadline, with its reason lost, and a reset connection could
 * sit silent. Here an error goes to hiredis, which reads the socket's own
 * error (SO_ERROR while connecting, the failing read once connected); a
 * context still alive after that is freed, since nothing polls it any more.
 * It also frees its state when uv_poll_init fails, which the stock one leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

typedef struct lts_redis_uv_events {
  redisAsyncContext *context; /* NULL once hiredis has cleaned up */
  uv_poll_t handle;
  int events;
} lts_redis_uv_events;

static void lts_redis_uv_poll(uv_poll_t *handle, int status, int events) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)handle->data;
  if (p->context == NULL) return;
  if (status != 0) {
    redisAsyncContext *ac = p->context;
    if (!(ac->c.flags & REDIS_CONNECTED)) {
      redisAsyncHandleWrite(ac); /* runs the connect check: the callback gets the reason */
    } else {
      redisAsyncHandleRead(ac);
    }
    if (p->context != NULL) {
      ac->c.err = REDIS_ERR_IO;
      snprintf(ac->c.errstr, sizeof(ac->c.errstr), "%s", uv_strerror(status));
      redisAsyncFree(ac);
    }
    return;
  }
  if (events & UV_READABLE) redisAsyncHandleRead(p->context);
  if (p->context != NULL && (events & UV_WRITABLE)) redisAsyncHandleWrite(p->context);
}

static void lts_redis_uv_update(lts_redis_uv_events *p) {
  if (p->events) {
    uv_poll_start(&p->handle, p->events, lts_redis_uv_poll);
  } else {
    uv_poll_stop(&p->handle);
  }
}

static void lts_redis_uv_add_read(void *data) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)data;
  p->events |= UV_READABLE;
  lts_redis_uv_update(p);
}

static void lts_redis_uv_del_read(void *data) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)data;
  p->events &= ~UV_READABLE;
  lts_redis_uv_update(p);
}

static void lts_redis_uv_add_write(void *data) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)data;
  p->events |= UV_WRITABLE;
  lts_redis_uv_update(p);
}

static void lts_redis_uv_del_write(void *data) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)data;
  p->events &= ~UV_WRITABLE;
  lts_redis_uv_update(p);
}

static void lts_redis_uv_closed(uv_handle_t *handle) {
  free(handle->data);
}

static void lts_redis_uv_cleanup(void *data) {
  lts_redis_uv_events *p = (lts_redis_uv_events *)data;
  p->context = NULL; /* the context is being freed; the poll callback must not touch it */
  uv_close((uv_handle_t *)&p->handle, lts_redis_uv_closed);
}

static int lts_redis_uv_attach(redisAsyncContext *ac, uv_loop_t *loop) {
  if (ac->ev.data != NULL) return REDIS_ERR;
  lts_redis_uv_events *p = (lts_redis_uv_events *)calloc(1, sizeof(*p));
  if (p == NULL) return REDIS_ERR;
  if (uv_poll_init(loop, &p->handle, ac->c.fd) != 0) {
    free(p);
    return REDIS_ERR;
  }
  p->handle.data = p;
  p->context = ac;
  ac->ev.addRead = lts_redis_uv_add_read;
  ac->ev.delRead = lts_redis_uv_del_read;
  ac->ev.addWrite = lts_redis_uv_add_write;
  ac->ev.delWrite = lts_redis_uv_del_write;
  ac->ev.cleanup = lts_redis_uv_cleanup;
  ac->ev.data = p;
  return REDIS_OK;
}
#endif
