/*
 * livets_napi.c: the N-API face of liblivetscore. It converts arguments,
 * forwards them to lts_* and carries core callbacks to JavaScript; every
 * decision about views, tokens and pages lives in the TypeScript layer.
 *
 * Connection ids, request ids and refs are uint64 in C and plain Numbers in
 * JavaScript: the core hands them out counting from 1, so they stay far
 * below 2^53. A Number that is not a safe non-negative integer is refused.
 *
 * Core callbacks run on the core's loop thread. Each one copies its data into
 * a single heap record and appends it to a queue; only the append that finds
 * the queue empty wakes JavaScript, and the JavaScript call drains the whole
 * queue at once, so a burst of traffic costs one thread hop, not one per
 * message.
 */
#include "config.h"
#include "values.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "livetscore.h"

/* ---------------------------------------------------------------------- */
/* Records                                                                */
/* ---------------------------------------------------------------------- */

enum rec_type {
  REC_REQUEST, REC_OPEN, REC_CLOSE, REC_LIVE, REC_MESSAGE, REC_INFO, REC_NOTICE,
  /* Streamed requests (lts_http_callbacks). */
  REC_HTTP_HEAD, REC_HTTP_BODY, REC_HTTP_END, REC_HTTP_DRAIN, REC_HTTP_DONE,
  /* lts_upload_cb */
  REC_UPLOAD
};

#define REC_MAX_STRINGS 5

/* One allocation per record: the strings follow the struct. */
typedef struct rec {
  struct rec *next;
  int type;
  int kind; /* LTS_EVENT_* (REC_LIVE), is_binary (REC_MESSAGE), LTS_CAUSE_* (REC_NOTICE),
               version_minor (REC_HTTP_HEAD), aborted (REC_HTTP_DONE), LTS_UPLOAD_* (REC_UPLOAD) */
  int code; /* close code (REC_CLOSE) */
  uint64_t id; /* connection, or request for REC_REQUEST */
  uint64_t ref; /* the browser's ref (REC_LIVE), the count (REC_NOTICE), received (REC_UPLOAD) */
  int64_t length; /* body_length (REC_HTTP_HEAD), size (REC_UPLOAD) */
  int nstr;
  const char *str[REC_MAX_STRINGS];
  size_t len[REC_MAX_STRINGS];
} rec;

static rec *rec_new(int type, int nstr, const char *const *s, const size_t *n) {
  size_t total = sizeof(rec);
  for (int i = 0; i < nstr; i++) {
    if (n[i] > SIZE_MAX - total) return NULL;
    total += n[i];
  }
  rec *r = malloc(total);
  if (r == NULL) return NULL;
  memset(r, 0, sizeof(rec));
  r->type = type;
  r->nstr = nstr;
  char *p = (char *)(r + 1);
  for (int i = 0; i < nstr; i++) {
    size_t len = s[i] != NULL ? n[i] : 0;
    if (len > 0) memcpy(p, s[i], len);
    r->str[i] = p;
    r->len[i] = len;
    p += len;
  }
  return r;
}

static void rec_free_list(rec *r) {
  while (r != NULL) {
    rec *next = r->next;
    free(r);
    r = next;
  }
}

/* ---------------------------------------------------------------------- */
/* Per-server and per-environment state                                   */
/* ---------------------------------------------------------------------- */

typedef struct instance instance;

typedef struct binding {
  lts_server *server;
  napi_threadsafe_function tsfn;
  pthread_mutex_t mu;
  pthread_mutex_t call_mu; /* held while the loop thread calls the tsfn */
  rec *head, *tail;  /* guarded by mu */
  int tsfn_live;     /* written under call_mu and mu, read under either; cleared when Node finalizes the tsfn */
  int wake_owed;     /* loop thread: records were queued this turn into an empty queue */
  int released;      /* main thread: we gave up our hold on the tsfn */
  int refs;          /* main thread: the external and the tsfn each hold one */
  instance *inst;    /* main thread */
  struct binding *prev, *next; /* main thread: instance->servers list */
} binding;

/* Per-environment: the servers still alive, so a worker or process teardown
 * stops their threads even if their handles were never collected. */
struct instance {
  binding *servers;
  napi_ref live_record; /* live_record_factory's function, made at its first use */
};

static const napi_type_tag SERVER_TAG = {0x6c697665747373ULL, 0x7365727665723031ULL};

static void binding_unref(binding *b) {
  if (--b->refs > 0) return;
  rec_free_list(b->head);
  pthread_mutex_destroy(&b->mu);
  pthread_mutex_destroy(&b->call_mu);
  free(b);
}

static void binding_unlink(binding *b) {
  if (b->inst == NULL) return;
  if (b->prev != NULL) b->prev->next = b->next;
  else b->inst->servers = b->next;
  if (b->next != NULL) b->next->prev = b->prev;
  b->prev = b->next = NULL;
  b->inst = NULL;
}

/* Gives up our hold on the tsfn once the core can no longer call it. Queued
 * records are still delivered before Node finalizes it. */
static void binding_release_tsfn(binding *b) {
  if (b->released) return;
  b->released = 1;
  if (b->tsfn_live) napi_release_threadsafe_function(b->tsfn, napi_tsfn_release);
}

static void instance_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  instance *inst = data;
  while (inst->servers != NULL) {
    binding *b = inst->servers;
    binding_unlink(b);
    lts_server_stop(b->server);
  }
  free(inst);
}

/* ---------------------------------------------------------------------- */
/* Core thread → JavaScript                                               */
/* ---------------------------------------------------------------------- */

/* Not under mu: the call wakes Node's thread, which on a shared core may
 * run at once, and call_js would then block on mu until this thread ran
 * again. call_mu only keeps the tsfn from being finalized meanwhile. A
 * failed call means Node is shutting down; the finalizer frees the queue. */
static void wake_js(binding *b) {
  pthread_mutex_lock(&b->call_mu);
  if (b->tsfn_live) napi_call_threadsafe_function(b->tsfn, NULL, napi_tsfn_nonblocking);
  pthread_mutex_unlock(&b->call_mu);
}

static void enqueue(binding *b, rec *r) {
  pthread_mutex_lock(&b->mu);
  if (!b->tsfn_live) {
    pthread_mutex_unlock(&b->mu);
    free(r);
    return;
  }
  int was_empty = b->head == NULL;
  if (b->tail != NULL) b->tail->next = r;
  else b->head = r;
  b->tail = r;
  pthread_mutex_unlock(&b->mu);
  /* Woken at the turn's end (on_turn_end), once for all this turn queues. */
  if (was_empty) b->wake_owed = 1;
}

/* Every callback runs on the loop thread, as this does, so wake_owed needs
 * no lock. A queue JavaScript empties meanwhile owes a wake-up again at
 * its next record. */
static void on_turn_end(lts_server *server, void *ud) {
  (void)server;
  binding *b = ud;
  if (!b->wake_owed) return;
  b->wake_owed = 0;
  wake_js(b);
}

static void on_request(lts_server *server, const lts_request *q, void *ud) {
  const char *s[5] = {q->method, q->target, q->headers, q->body, q->address};
  size_t n[5] = {q->method_len, q->target_len, q->headers_len, q->body_len, q->address_len};
  rec *r = rec_new(REC_REQUEST, 5, s, n);
  if (r == NULL) {
    /* Nobody else will ever answer this request. */
    lts_respond(server, q->id, 503, NULL, 0, NULL, 0);
    return;
  }
  r->id = q->id;
  enqueue(ud, r);
}

static void on_open(lts_server *server, lts_conn_id conn, const lts_request *upgrade, void *ud) {
  (void)server;
  const char *s[2] = {upgrade->target, upgrade->headers};
  size_t n[2] = {upgrade->target_len, upgrade->headers_len};
  rec *r = rec_new(REC_OPEN, 2, s, n);
  if (r == NULL) return;
  r->id = conn;
  enqueue(ud, r);
}

static void on_close(lts_server *server, lts_conn_id conn, int code, void *ud) {
  (void)server;
  rec *r = rec_new(REC_CLOSE, 0, NULL, NULL);
  if (r == NULL) return;
  r->id = conn;
  r->code = code;
  enqueue(ud, r);
}

static void on_live_event(lts_server *server, const lts_live_event *e, void *ud) {
  (void)server;
  const char *s[4] = {e->component, e->name, e->payload, e->address};
  size_t n[4] = {e->component_len, e->name_len, e->payload_len, e->address_len};
  rec *r = rec_new(REC_LIVE, 4, s, n);
  if (r == NULL) return;
  r->id = e->conn;
  r->ref = e->ref;
  r->kind = e->kind;
  enqueue(ud, r);
}

static void on_message(lts_server *server, lts_conn_id conn, const char *data, size_t len,
                       int is_binary, void *ud) {
  (void)server;
  rec *r = rec_new(REC_MESSAGE, 1, &data, &len);
  if (r == NULL) return;
  r->id = conn;
  r->kind = is_binary;
  enqueue(ud, r);
}

static void on_info(lts_server *server, lts_conn_id conn, const char *component,
                    size_t component_len, const char *topic, size_t topic_len, const char *data,
                    size_t data_len, void *ud) {
  (void)server;
  const char *s[3] = {component, topic, data};
  size_t n[3] = {component_len, topic_len, data_len};
  rec *r = rec_new(REC_INFO, 3, s, n);
  if (r == NULL) return;
  r->id = conn;
  enqueue(ud, r);
}

static void on_notice(lts_server *server, const lts_notice *notice, void *ud) {
  (void)server;
  const char *s[2] = {notice->address, notice->detail};
  size_t n[2] = {notice->address_len, notice->detail_len};
  rec *r = rec_new(REC_NOTICE, 2, s, n);
  if (r == NULL) return;
  r->id = notice->conn;
  r->kind = notice->cause;
  r->ref = notice->count;
  enqueue(ud, r);
}

static void on_upload(lts_server *server, const lts_upload_event *e, void *ud) {
  (void)server;
  const char *s[4] = {e->component, e->entry, e->path, e->reason};
  size_t n[4] = {e->component_len, e->entry_len, e->path_len, e->reason_len};
  rec *r = rec_new(REC_UPLOAD, 4, s, n);
  if (r == NULL) return;
  r->id = e->conn;
  r->kind = e->kind;
  r->ref = e->received;
  r->length = (int64_t)e->size;
  enqueue(ud, r);
}

static void on_request_head(lts_server *server, const lts_http_request *q, void *ud) {
  const char *s[4] = {q->method, q->target, q->headers, q->address};
  size_t n[4] = {q->method_len, q->target_len, q->headers_len, q->address_len};
  rec *r = rec_new(REC_HTTP_HEAD, 4, s, n);
  if (r == NULL) {
    /* Nobody else will ever answer this request. */
    lts_request_abort(server, q->id);
    return;
  }
  r->id = q->id;
  r->kind = q->version_minor;
  r->length = q->body_length;
  enqueue(ud, r);
}

static void on_request_body(lts_server *server, lts_request_id id, const char *data, size_t len, void *ud) {
  rec *r = rec_new(REC_HTTP_BODY, 1, &data, &len);
  if (r == NULL) {
    /* A hole in the body would corrupt it: end the request instead. */
    lts_request_abort(server, id);
    return;
  }
  r->id = id;
  enqueue(ud, r);
}

static void http_event(int type, lts_request_id id, int kind, void *ud) {
  rec *r = rec_new(type, 0, NULL, NULL);
  if (r == NULL) return;
  r->id = id;
  r->kind = kind;
  enqueue(ud, r);
}

static void on_request_end(lts_server *server, lts_request_id id, void *ud) {
  (void)server;
  http_event(REC_HTTP_END, id, 0, ud);
}

static void on_response_drain(lts_server *server, lts_request_id id, void *ud) {
  (void)server;
  http_event(REC_HTTP_DRAIN, id, 0, ud);
}

static void on_request_done(lts_server *server, lts_request_id id, int aborted, void *ud) {
  (void)server;
  http_event(REC_HTTP_DONE, id, aborted, ud);
}

static napi_status set_str(napi_env env, napi_value obj, const char *key, const char *s, size_t n) {
  napi_value v;
  napi_status st = napi_create_string_utf8(env, s, n, &v);
  if (st != napi_ok) return st;
  return napi_set_named_property(env, obj, key, v);
}

static napi_status set_num(napi_env env, napi_value obj, const char *key, double d) {
  napi_value v;
  napi_status st = napi_create_double(env, d, &v);
  if (st != napi_ok) return st;
  return napi_set_named_property(env, obj, key, v);
}

#define TRY(call)                    \
  do {                               \
    napi_status t_ = (call);         \
    if (t_ != napi_ok) return t_;    \
  } while (0)

/* Live records (joins, events, leaves, URL changes) are most of what
 * reaches JavaScript, one per browser event: each is built by this
 * function, as an object literal, in one call. Seven property writes
 * through N-API cost more than the rest of the record: each is a call into
 * V8's runtime that looks the key up and moves the object to a new shape. */
#define STR2(x) #x
#define STR(x) STR2(x)
static const char LIVE_RECORD_SOURCE[] =
    "(function (kind, conn, ref, component, name, payload, address) {\n"
    "  const type = kind === " STR(LTS_EVENT_JOIN) " ? 'join' : kind === " STR(LTS_EVENT_EVENT) " ? 'event'\n"
    "    : kind === " STR(LTS_EVENT_LEAVE) " ? 'leave' : kind === " STR(LTS_EVENT_URL) " ? 'url' : 'unknown';\n"
    "  return { type, conn, ref, component, name, payload, address };\n"
    "})";

static instance *get_instance(napi_env env);

static napi_status live_record_factory(napi_env env, napi_value *out) {
  instance *inst = get_instance(env);
  if (inst == NULL) return napi_generic_failure;
  if (inst->live_record != NULL) return napi_get_reference_value(env, inst->live_record, out);
  napi_value source;
  TRY(napi_create_string_utf8(env, LIVE_RECORD_SOURCE, NAPI_AUTO_LENGTH, &source));
  TRY(napi_run_script(env, source, out));
  return napi_create_reference(env, *out, 1, &inst->live_record);
}

static napi_status live_rec_to_js(napi_env env, napi_value factory, const rec *r, napi_value *out) {
  napi_value args[7], undef;
  TRY(napi_create_int32(env, r->kind, &args[0]));
  TRY(napi_create_double(env, (double)r->id, &args[1]));
  TRY(napi_create_double(env, (double)r->ref, &args[2]));
  for (int i = 0; i < 4; i++) TRY(napi_create_string_utf8(env, r->str[i], r->len[i], &args[3 + i]));
  TRY(napi_get_undefined(env, &undef));
  return napi_call_function(env, undef, factory, 7, args, out);
}

static napi_status rec_to_js(napi_env env, const rec *r, napi_value *out) {
  napi_value o;
  TRY(napi_create_object(env, &o));
  switch (r->type) {
    case REC_REQUEST: {
      napi_value body;
      void *copy = NULL;
      TRY(set_str(env, o, "type", "request", 7));
      TRY(set_num(env, o, "id", (double)r->id));
      TRY(set_str(env, o, "method", r->str[0], r->len[0]));
      TRY(set_str(env, o, "target", r->str[1], r->len[1]));
      TRY(set_str(env, o, "headers", r->str[2], r->len[2]));
      /* Request bodies may be binary, so they stay bytes. */
      TRY(napi_create_buffer_copy(env, r->len[3], r->str[3], &copy, &body));
      TRY(napi_set_named_property(env, o, "body", body));
      TRY(set_str(env, o, "address", r->str[4], r->len[4]));
      break;
    }
    case REC_OPEN:
      TRY(set_str(env, o, "type", "open", 4));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_str(env, o, "path", r->str[0], r->len[0]));
      TRY(set_str(env, o, "headers", r->str[1], r->len[1]));
      break;
    case REC_CLOSE:
      TRY(set_str(env, o, "type", "close", 5));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_num(env, o, "code", (double)r->code));
      break;
    case REC_LIVE: /* live_rec_to_js */
      return napi_invalid_arg;
    case REC_MESSAGE: {
      napi_value binary;
      TRY(set_str(env, o, "type", "message", 7));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_str(env, o, "data", r->str[0], r->len[0]));
      TRY(napi_get_boolean(env, r->kind != 0, &binary));
      TRY(napi_set_named_property(env, o, "binary", binary));
      break;
    }
    case REC_INFO:
      TRY(set_str(env, o, "type", "info", 4));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_str(env, o, "component", r->str[0], r->len[0]));
      TRY(set_str(env, o, "topic", r->str[1], r->len[1]));
      TRY(set_str(env, o, "data", r->str[2], r->len[2]));
      break;
    case REC_HTTP_HEAD:
      TRY(set_str(env, o, "type", "http-head", NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "id", (double)r->id));
      TRY(set_str(env, o, "method", r->str[0], r->len[0]));
      TRY(set_str(env, o, "target", r->str[1], r->len[1]));
      TRY(set_str(env, o, "headers", r->str[2], r->len[2]));
      TRY(set_str(env, o, "address", r->str[3], r->len[3]));
      TRY(set_num(env, o, "versionMinor", (double)r->kind));
      TRY(set_num(env, o, "bodyLength", (double)r->length));
      break;
    case REC_HTTP_BODY: {
      napi_value data;
      void *copy = NULL;
      TRY(set_str(env, o, "type", "http-body", NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "id", (double)r->id));
      TRY(napi_create_buffer_copy(env, r->len[0], r->str[0], &copy, &data));
      TRY(napi_set_named_property(env, o, "data", data));
      break;
    }
    case REC_HTTP_END:
    case REC_HTTP_DRAIN:
      TRY(set_str(env, o, "type", r->type == REC_HTTP_END ? "http-end" : "http-drain", NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "id", (double)r->id));
      break;
    case REC_HTTP_DONE: {
      napi_value aborted;
      TRY(set_str(env, o, "type", "http-done", NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "id", (double)r->id));
      TRY(napi_get_boolean(env, r->kind != 0, &aborted));
      TRY(napi_set_named_property(env, o, "aborted", aborted));
      break;
    }
    case REC_UPLOAD: {
      const char *t = r->kind == LTS_UPLOAD_PROGRESS ? "upload-progress"
                      : r->kind == LTS_UPLOAD_DONE   ? "upload-done"
                                                     : "upload-failed";
      TRY(set_str(env, o, "type", t, NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_str(env, o, "component", r->str[0], r->len[0]));
      TRY(set_str(env, o, "entry", r->str[1], r->len[1]));
      TRY(set_num(env, o, "received", (double)r->ref));
      TRY(set_num(env, o, "size", (double)r->length));
      TRY(set_str(env, o, "path", r->str[2], r->len[2]));
      TRY(set_str(env, o, "reason", r->str[3], r->len[3]));
      break;
    }
    case REC_NOTICE:
      TRY(set_str(env, o, "type", "notice", 6));
      TRY(set_str(env, o, "cause", lts_cause_name(r->kind), NAPI_AUTO_LENGTH));
      TRY(set_num(env, o, "conn", (double)r->id));
      TRY(set_num(env, o, "count", (double)r->ref));
      TRY(set_str(env, o, "address", r->str[0], r->len[0]));
      TRY(set_str(env, o, "detail", r->str[1], r->len[1]));
      break;
  }
  *out = o;
  return napi_ok;
}

/* A head whose body (one piece) and end were queued right behind it, as
 * when the whole request came in one read, goes as one record: `body`
 * and `ended` on the head spare JavaScript a record and a call per piece.
 * Advances *at past the records folded in. */
static napi_status merge_http_head(napi_env env, rec **at, napi_value head) {
  rec *r = *at;
  rec *next = r->next;
  if (next != NULL && next->type == REC_HTTP_BODY && next->id == r->id) {
    napi_value data;
    void *copy = NULL;
    TRY(napi_create_buffer_copy(env, next->len[0], next->str[0], &copy, &data));
    TRY(napi_set_named_property(env, head, "body", data));
    r = next;
    next = r->next;
  }
  if (next != NULL && next->type == REC_HTTP_END && next->id == r->id) {
    napi_value ended;
    TRY(napi_get_boolean(env, true, &ended));
    TRY(napi_set_named_property(env, head, "ended", ended));
    r = next;
  }
  *at = r;
  return napi_ok;
}

/* Hands an exception from onEvents to process 'uncaughtException' instead of
 * letting Node swallow it with a warning. */
static void rethrow_pending(napi_env env) {
  bool pending = false;
  napi_value err;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
}

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)data;
  binding *b = context;
  pthread_mutex_lock(&b->mu);
  rec *list = b->head;
  b->head = b->tail = NULL;
  pthread_mutex_unlock(&b->mu);
  /* env is NULL while Node tears the function down: nobody to deliver to. */
  if (env == NULL || js_cb == NULL || list == NULL) {
    rec_free_list(list);
    return;
  }
  napi_value arr, undef, factory = NULL;
  uint32_t i = 0;
  rec *r = list;
  if (napi_create_array(env, &arr) != napi_ok) goto fail;
  for (; r != NULL; r = r->next, i++) {
    napi_value o;
    if (r->type == REC_LIVE) {
      if (factory == NULL && live_record_factory(env, &factory) != napi_ok) goto fail;
      if (live_rec_to_js(env, factory, r, &o) != napi_ok) goto fail;
    } else if (rec_to_js(env, r, &o) != napi_ok) {
      goto fail;
    }
    if (r->type == REC_HTTP_HEAD && merge_http_head(env, &r, o) != napi_ok) goto fail;
    if (napi_set_element(env, arr, i, o) != napi_ok) goto fail;
  }
  rec_free_list(list);
  if (napi_get_undefined(env, &undef) != napi_ok ||
      napi_call_function(env, undef, js_cb, 1, &arr, NULL) != napi_ok)
    goto fail_js;
  return;
fail:
  rec_free_list(list);
fail_js: {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
    napi_throw_error(env, NULL, "livets: could not deliver core events to JavaScript");
  rethrow_pending(env);
}
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  binding *b = data;
  pthread_mutex_lock(&b->call_mu);
  pthread_mutex_lock(&b->mu);
  b->tsfn_live = 0;
  rec *list = b->head;
  b->head = b->tail = NULL;
  pthread_mutex_unlock(&b->mu);
  pthread_mutex_unlock(&b->call_mu);
  rec_free_list(list);
  binding_unref(b);
}

static void external_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  binding *b = data;
  binding_unlink(b);
  /* Stops and joins the loop thread, so no callback can follow. */
  lts_server_free(b->server);
  b->server = NULL;
  binding_release_tsfn(b);
  binding_unref(b);
}

static binding *get_binding(napi_env env, napi_value v) {
  bool tagged = false;
  if (type_of(env, v) != napi_external ||
      napi_check_object_type_tag(env, v, &SERVER_TAG, &tagged) != napi_ok || !tagged) {
    type_error(env, "server", "a handle from createServer");
    return NULL;
  }
  void *data = NULL;
  napi_status s = napi_get_value_external(env, v, &data);
  if (s != napi_ok) {
    throw_napi(env, s);
    return NULL;
  }
  return data;
}

/* ---------------------------------------------------------------------- */
/* Exported functions                                                     */
/* ---------------------------------------------------------------------- */

static instance *get_instance(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return data;
}

/* options.streamRequests: requests reach onEvents as http-* records. */
static int streams_requests(napi_env env, napi_value options) {
  napi_value v;
  bool has = false, on = false;
  if (type_of(env, options) != napi_object) return 0;
  if (napi_has_named_property(env, options, "streamRequests", &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, options, "streamRequests", &v) != napi_ok) return 0;
  if (napi_get_value_bool(env, v, &on) != napi_ok) return 0;
  return on;
}

/* options.uploadDir as a malloc'd NUL-terminated string in *out (NULL when
 * absent: the core's default); 0 with a TypeError pending for a non-string. */
static int upload_dir(napi_env env, napi_value options, char **out) {
  napi_value v;
  bool has = false;
  size_t n = 0;
  *out = NULL;
  if (type_of(env, options) != napi_object) return 1;
  if (napi_has_named_property(env, options, "uploadDir", &has) != napi_ok || !has) return 1;
  if (napi_get_named_property(env, options, "uploadDir", &v) != napi_ok) return 1;
  if (type_of(env, v) == napi_undefined) return 1;
  if (type_of(env, v) != napi_string || napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) {
    type_error(env, "options.uploadDir", "a string");
    return 0;
  }
  *out = malloc(n + 1);
  if (*out == NULL || napi_get_value_string_utf8(env, v, *out, n + 1, &n) != napi_ok) {
    free(*out);
    *out = NULL;
    throw_lts_message(env, LTS_ENOMEM, "createServer: out of memory");
    return 0;
  }
  return 1;
}

/* createServer(options, onEvents) → handle; options as config.c reads them,
 * streamRequests and uploadDir. */
static napi_value js_create_server(napi_env env, napi_callback_info info) {
  napi_value argv[2], result = NULL, name;
  config_strings strings = {0};
  lts_config cfg;
  char *uploads = NULL;
  if (!get_args(env, info, 2, argv)) return NULL;
  if (type_of(env, argv[1]) != napi_function) {
    type_error(env, "onEvents", "a function");
    return NULL;
  }
  if (!upload_dir(env, argv[0], &uploads)) return NULL;
  if (!config_read(env, argv[0], &cfg, &strings)) goto done;

  instance *inst = get_instance(env);
  if (inst == NULL) {
    napi_throw_error(env, NULL, "livets: the module was not initialised in this environment");
    goto done;
  }
  binding *b = calloc(1, sizeof *b);
  if (b == NULL) {
    throw_lts_message(env, LTS_ENOMEM, "createServer: out of memory");
    goto done;
  }
  pthread_mutex_init(&b->mu, NULL);
  pthread_mutex_init(&b->call_mu, NULL);
  lts_callbacks cbs = {on_request, on_open, on_close, on_live_event, on_message, on_info, on_notice};
  int rc = lts_server_new(&cfg, &cbs, b, &b->server);
  if (rc >= 0 && streams_requests(env, argv[0])) {
    lts_http_callbacks http = {on_request_head, on_request_body, on_request_end, on_response_drain, on_request_done};
    rc = lts_server_set_http_callbacks(b->server, &http);
    if (rc < 0) lts_server_free(b->server);
  }
  if (rc >= 0 && cfg.mode == LTS_MODE_LIVETS) {
    rc = lts_server_set_upload_callback(b->server, on_upload, uploads);
    if (rc < 0) lts_server_free(b->server);
  }
  if (rc >= 0) {
    rc = lts_server_set_turn_callback(b->server, on_turn_end);
    if (rc < 0) lts_server_free(b->server);
  }
  if (rc < 0) {
    pthread_mutex_destroy(&b->mu);
    pthread_mutex_destroy(&b->call_mu);
    free(b);
    throw_lts(env, rc);
    goto done;
  }
  napi_status s = napi_create_string_utf8(env, "livets", NAPI_AUTO_LENGTH, &name);
  if (s == napi_ok)
    s = napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, b, tsfn_finalize, b,
                                        call_js, &b->tsfn);
  if (s != napi_ok) {
    lts_server_free(b->server);
    pthread_mutex_destroy(&b->mu);
    pthread_mutex_destroy(&b->call_mu);
    free(b);
    throw_napi(env, s);
    goto done;
  }
  b->tsfn_live = 1;
  b->refs = 1;
  /* An idle, never-started server must not keep the process alive. */
  s = napi_unref_threadsafe_function(env, b->tsfn);
  if (s == napi_ok) s = napi_create_external(env, b, external_finalize, NULL, &result);
  if (s != napi_ok) {
    lts_server_free(b->server);
    b->server = NULL;
    binding_release_tsfn(b);
    result = NULL;
    throw_napi(env, s);
    goto done;
  }
  /* From here on the external's finalizer owns the cleanup. */
  b->refs++;
  b->inst = inst;
  b->next = inst->servers;
  if (b->next != NULL) b->next->prev = b;
  inst->servers = b;
  s = napi_type_tag_object(env, result, &SERVER_TAG);
  if (s != napi_ok) {
    result = NULL;
    throw_napi(env, s);
  }
done:
  free(uploads);
  config_free(&strings);
  return result;
}

/* start(h) → port */
static napi_value js_start(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  if (!get_args(env, info, 1, argv)) return NULL;
  binding *b = get_binding(env, argv[0]);
  if (b == NULL) return NULL;
  if (b->released || b->server == NULL) {
    throw_lts_message(env, LTS_ESTATE, "start: the server was stopped (a stopped server cannot be started again)");
    return NULL;
  }
  int rc = lts_server_start(b->server);
  if (rc < 0) {
    throw_lts(env, rc);
    return NULL;
  }
  int port = lts_server_port(b->server);
  if (port < 0) {
    throw_lts(env, port);
    return NULL;
  }
  /* Traffic keeps the process alive while the server runs. */
  NAPI_OK(env, napi_ref_threadsafe_function(env, b->tsfn));
  NAPI_OK(env, napi_create_int32(env, port, &out));
  return out;
}

/* startUnbound(h): starts the core with no listener; connections arrive
 * through adopt. */
static napi_value js_start_unbound(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  binding *b = get_binding(env, argv[0]);
  if (b == NULL) return NULL;
  if (b->released || b->server == NULL) {
    throw_lts_message(env, LTS_ESTATE, "startUnbound: the server was stopped (a stopped server cannot be started again)");
    return NULL;
  }
  int rc = lts_server_start_unbound(b->server);
  if (rc < 0) {
    throw_lts(env, rc);
    return NULL;
  }
  /* Live sockets keep the process alive, as a listening server's do. */
  NAPI_OK(env, napi_ref_threadsafe_function(env, b->tsfn));
  return lts_result(env, LTS_OK);
}

/* stop(h): joins the core thread, then lets the event function go so the
 * process can exit once the last queued records are delivered. */
static napi_value js_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  binding *b = get_binding(env, argv[0]);
  if (b == NULL) return NULL;
  if (b->server != NULL) {
    int rc = lts_server_stop(b->server);
    if (rc < 0) {
      throw_lts(env, rc);
      return NULL;
    }
  }
  binding_unlink(b);
  binding_release_tsfn(b);
  return lts_result(env, LTS_OK);
}

/* Reads a call's arguments: argv[0] must be a server handle, the rest are
 * converted by `spec` (see convert_args). NULL with an exception pending
 * otherwise; free_args(a) is due either way. */
static binding *server_call(napi_env env, napi_callback_info info, size_t argc, const char *spec, call_args *a) {
  memset(a, 0, sizeof *a);
  if (!get_args(env, info, argc, a->argv)) return NULL;
  binding *b = get_binding(env, a->argv[0]);
  if (b == NULL || !convert_args(env, a, 1, spec)) return NULL;
  return b;
}

/* adopt(h, fd, request): the core takes a duplicate of fd, so the caller
 * closes its own (without shutting the socket down) once this returns. */
static napi_value js_adopt(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "fd:i-2147483648:2147483647, request:b", &a);
  if (b != NULL) ret = lts_result(env, lts_server_adopt(b->server, a.i[0], a.bytes, a.bytes_len));
  free_args(&a);
  return ret;
}

/* respond(h, reqId, status, headers?, body?) */
static napi_value js_respond(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 5, "request id:u, status:i100:999, headers:s?, body:b", &a);
  if (b != NULL) ret = lts_result(env, lts_respond(b->server, a.u[0], a.i[0], a.s[0], a.n[0], a.bytes, a.bytes_len));
  free_args(&a);
  return ret;
}

/* requestConsume(h, reqId, bytes): the host took that much of the body. */
static napi_value js_request_consume(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "request id:u, bytes:u", &a);
  if (b != NULL) ret = lts_result(env, lts_request_consume(b->server, a.u[0], (size_t)a.u[1]));
  free_args(&a);
  return ret;
}

/* responseStart(h, reqId, status, reason?, headers?) */
static napi_value js_response_start(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 5, "request id:u, status:i200:999, reason:s?, headers:s?", &a);
  if (b != NULL) ret = lts_result(env, lts_response_start(b->server, a.u[0], a.i[0], a.s[0], a.n[0], a.s[1], a.n[1]));
  free_args(&a);
  return ret;
}

/* responseWrite(h, reqId, bytes) → false when the caller should wait for an http-drain record */
static napi_value js_response_write(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "request id:u, body:b", &a);
  if (b != NULL) {
    int rc = lts_response_write(b->server, a.u[0], a.bytes, a.bytes_len);
    if (rc < 0) throw_lts(env, rc);
    else NAPI_OK_GOTO(env, napi_get_boolean(env, rc != LTS_BUFFERED, &ret), done);
  }
done:
  free_args(&a);
  return ret;
}

/* responseEnd(h, reqId, bytes?) */
static napi_value js_response_end(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "request id:u, body:b", &a);
  if (b != NULL) ret = lts_result(env, lts_response_end(b->server, a.u[0], a.bytes, a.bytes_len));
  free_args(&a);
  return ret;
}

/* responseSend(h, reqId, status, reason?, headers?, bytes?): start and end in one call */
static napi_value js_response_send(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 6, "request id:u, status:i200:999, reason:s?, headers:s?, body:b", &a);
  if (b != NULL)
    ret = lts_result(env, lts_response_send(b->server, a.u[0], a.i[0], a.s[0], a.n[0], a.s[1], a.n[1], a.bytes, a.bytes_len));
  free_args(&a);
  return ret;
}

/* holdCalls(h) / releaseCalls(h): answers in between wake the core once. */
static napi_value js_hold_calls(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 1, "", &a);
  if (b != NULL) ret = lts_result(env, lts_server_hold_calls(b->server));
  free_args(&a);
  return ret;
}

static napi_value js_release_calls(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 1, "", &a);
  if (b != NULL) ret = lts_result(env, lts_server_release_calls(b->server));
  free_args(&a);
  return ret;
}

/* requestAbort(h, reqId) */
static napi_value js_request_abort(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 2, "request id:u", &a);
  if (b != NULL) ret = lts_result(env, lts_request_abort(b->server, a.u[0]));
  free_args(&a);
  return ret;
}

/* register/update(h, conn, componentId, ref, html) */
static napi_value component_html(napi_env env, napi_callback_info info, int update) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 5, "conn:u, component id:s, ref:u, html:s", &a);
  if (b != NULL) {
    ret = lts_result(env, update ? lts_component_update(b->server, a.u[0], a.s[0], a.n[0], a.u[1], a.s[1], a.n[1])
                                 : lts_component_register(b->server, a.u[0], a.s[0], a.n[0], a.u[1], a.s[1], a.n[1]));
  }
  free_args(&a);
  return ret;
}

static napi_value js_register(napi_env env, napi_callback_info info) {
  return component_html(env, info, 0);
}

static napi_value js_update(napi_env env, napi_callback_info info) {
  return component_html(env, info, 1);
}

/* updateSplices(h, conn, componentId, ref, baseBytes, [offset, removed, text, ...]):
 * the texts are copied once, out of V8; the core borrows the array. */
static napi_value js_update_splices(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  lts_splice *splices = NULL;
  char **texts = NULL;
  uint32_t count = 0;
  binding *b = server_call(env, info, 6, "conn:u, component id:s, ref:u, base bytes:u", &a);
  if (b == NULL) goto done;
  napi_value list = a.argv[5];
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array || napi_get_array_length(env, list, &length) != napi_ok ||
      length % 3 != 0) {
    type_error(env, "splices", "an array of offset, removed, text triples");
    goto done;
  }
  count = length / 3;
  splices = calloc(count == 0 ? 1 : count, sizeof *splices);
  texts = calloc(count == 0 ? 1 : count, sizeof *texts);
  if (splices == NULL || texts == NULL) {
    throw_lts_message(env, LTS_ENOMEM, "out of memory reading splices");
    goto done;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value offset, removed, text;
    uint64_t o = 0, r = 0;
    if (napi_get_element(env, list, i * 3, &offset) != napi_ok || napi_get_element(env, list, i * 3 + 1, &removed) != napi_ok ||
        napi_get_element(env, list, i * 3 + 2, &text) != napi_ok) {
      throw_napi(env, napi_generic_failure);
      goto done;
    }
    if (!get_u64(env, offset, "a splice's offset", &o) || !get_u64(env, removed, "a splice's removed length", &r) ||
        !get_string(env, text, "a splice's text", &texts[i], &splices[i].text_len))
      goto done;
    splices[i].offset = (size_t)o;
    splices[i].removed = (size_t)r;
    splices[i].text = texts[i];
  }
  ret = lts_result(env, lts_component_update_splices(b->server, a.u[0], a.s[0], a.n[0], a.u[1], (size_t)a.u[2], splices, count));
done:
  if (texts != NULL)
    for (uint32_t i = 0; i < count; i++) free(texts[i]);
  free(texts);
  free(splices);
  free_args(&a);
  return ret;
}

/* unregister(h, conn, componentId) */
static napi_value js_unregister(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "conn:u, component id:s", &a);
  if (b != NULL) ret = lts_result(env, lts_component_unregister(b->server, a.u[0], a.s[0], a.n[0]));
  free_args(&a);
  return ret;
}

/* replyError(h, conn, componentId, ref, reason) */
static napi_value js_reply_error(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 5, "conn:u, component id:s, ref:u, reason:s", &a);
  if (b != NULL) ret = lts_result(env, lts_reply_error(b->server, a.u[0], a.s[0], a.n[0], a.u[1], a.s[1], a.n[1]));
  free_args(&a);
  return ret;
}

/* send(h, conn, text) */
static napi_value js_send(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "conn:u, text:s", &a);
  if (b != NULL) ret = lts_result(env, lts_send(b->server, a.u[0], a.s[0], a.n[0]));
  free_args(&a);
  return ret;
}

/* sendBinary(h, conn, bytes) */
static napi_value js_send_binary(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "conn:u, bytes:b", &a);
  if (b != NULL) ret = lts_result(env, lts_send_binary(b->server, a.u[0], a.bytes, a.bytes_len));
  free_args(&a);
  return ret;
}

/* uploadAllow(h, conn, componentId, entry, size, chunkBytes) */
static napi_value js_upload_allow(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 6, "conn:u, component id:s, entry:s, size:u, chunk bytes:u", &a);
  if (b != NULL) ret = lts_result(env, lts_upload_allow(b->server, a.u[0], a.s[0], a.n[0], a.s[1], a.n[1], a.u[1], (size_t)a.u[2]));
  free_args(&a);
  return ret;
}

/* uploadCancel(h, conn, entry) */
static napi_value js_upload_cancel(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "conn:u, entry:s", &a);
  if (b != NULL) ret = lts_result(env, lts_upload_cancel(b->server, a.u[0], a.s[0], a.n[0]));
  free_args(&a);
  return ret;
}

/* close(h, conn, code, reason?) */
static napi_value js_close(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 4, "conn:u, code:i1000:4999, reason:s?", &a);
  if (b != NULL) ret = lts_result(env, lts_close(b->server, a.u[0], a.i[0], a.s[0], a.n[0]));
  free_args(&a);
  return ret;
}

/* subscribe/unsubscribe(h, conn, componentId, topic) */
static napi_value subscription(napi_env env, napi_callback_info info, int subscribe) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 4, "conn:u, component id:s, topic:s", &a);
  if (b != NULL) {
    ret = lts_result(env, subscribe ? lts_subscribe(b->server, a.u[0], a.s[0], a.n[0], a.s[1], a.n[1])
                                    : lts_unsubscribe(b->server, a.u[0], a.s[0], a.n[0], a.s[1], a.n[1]));
  }
  free_args(&a);
  return ret;
}

static napi_value js_subscribe(napi_env env, napi_callback_info info) {
  return subscription(env, info, 1);
}

static napi_value js_unsubscribe(napi_env env, napi_callback_info info) {
  return subscription(env, info, 0);
}

/* connSubscribe/connUnsubscribe(h, conn, topic) */
static napi_value conn_subscription(napi_env env, napi_callback_info info, int subscribe) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "conn:u, topic:s", &a);
  if (b != NULL) {
    ret = lts_result(env, subscribe ? lts_conn_subscribe(b->server, a.u[0], a.s[0], a.n[0])
                                    : lts_conn_unsubscribe(b->server, a.u[0], a.s[0], a.n[0]));
  }
  free_args(&a);
  return ret;
}

static napi_value js_conn_subscribe(napi_env env, napi_callback_info info) {
  return conn_subscription(env, info, 1);
}

static napi_value js_conn_unsubscribe(napi_env env, napi_callback_info info) {
  return conn_subscription(env, info, 0);
}

/* publish(h, topic, data) */
static napi_value js_publish(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "topic:s, data:s", &a);
  if (b != NULL) ret = lts_result(env, lts_publish(b->server, a.s[0], a.n[0], a.s[1], a.n[1]));
  free_args(&a);
  return ret;
}

/* hostSubscribe/hostUnsubscribe(h, topic) */
static napi_value host_subscription(napi_env env, napi_callback_info info, int subscribe) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 2, "topic:s", &a);
  if (b != NULL) {
    ret = lts_result(env, subscribe ? lts_host_subscribe(b->server, a.s[0], a.n[0])
                                    : lts_host_unsubscribe(b->server, a.s[0], a.n[0]));
  }
  free_args(&a);
  return ret;
}

static napi_value js_host_subscribe(napi_env env, napi_callback_info info) {
  return host_subscription(env, info, 1);
}

static napi_value js_host_unsubscribe(napi_env env, napi_callback_info info) {
  return host_subscription(env, info, 0);
}

/* presenceTrack(h, conn, topic, key, metaJson) */
static napi_value js_presence_track(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 5, "conn:u, topic:s, key:s, meta:s?", &a);
  if (b != NULL) ret = lts_result(env, lts_presence_track(b->server, a.u[0], a.s[0], a.n[0], a.s[1], a.n[1], a.s[2], a.n[2]));
  free_args(&a);
  return ret;
}

/* presenceUntrack(h, conn, topic, key) */
static napi_value js_presence_untrack(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 4, "conn:u, topic:s, key:s", &a);
  if (b != NULL) ret = lts_result(env, lts_presence_untrack(b->server, a.u[0], a.s[0], a.n[0], a.s[1], a.n[1]));
  free_args(&a);
  return ret;
}

/* presenceList(h, topic) → JSON text of key → metas */
static napi_value js_presence_list(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  char *out = NULL;
  size_t out_len = 0;
  binding *b = server_call(env, info, 2, "topic:s", &a);
  if (b != NULL) {
    int rc = lts_presence_list(b->server, a.s[0], a.n[0], &out, &out_len);
    if (rc < 0) throw_lts(env, rc);
    else NAPI_OK_GOTO(env, napi_create_string_utf8(env, out, out_len, &ret), done);
  }
done:
  lts_free(out);
  free_args(&a);
  return ret;
}

static int set_count(napi_env env, napi_value obj, const char *name, uint64_t value) {
  napi_value n;
  napi_status s = napi_create_double(env, (double)value, &n);
  if (s == napi_ok) s = napi_set_named_property(env, obj, name, n);
  if (s != napi_ok) throw_napi(env, s);
  return s == napi_ok;
}

/* stats(h) → the lts_stats_v2 counters, camelCased */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  napi_value o;
  call_args a;
  lts_stats_v2 v2 = {.size = sizeof v2};
  const lts_stats *stp = &v2.base;
  binding *b = server_call(env, info, 1, "", &a);
  if (b == NULL) return NULL;
  int rc = lts_server_stats_v2(b->server, &v2);
  if (rc < 0) {
    throw_lts(env, rc);
    return NULL;
  }
  const lts_stats st = *stp;
  NAPI_OK(env, napi_create_object(env, &o));
  if (!set_count(env, o, "connections", st.connections) || !set_count(env, o, "websockets", st.websockets) ||
      !set_count(env, o, "components", st.components) || !set_count(env, o, "topics", st.topics) ||
      !set_count(env, o, "subscriptions", st.subscriptions) ||
      !set_count(env, o, "slowConsumersClosed", st.slow_consumers_closed) ||
      !set_count(env, o, "originsRejected", st.origins_rejected) ||
      !set_count(env, o, "messagesRefused", st.messages_refused) ||
      !set_count(env, o, "redisConnected", st.redis_connected) ||
      !set_count(env, o, "redisReconnects", st.redis_reconnects) ||
      !set_count(env, o, "redisDroppedPublishes", st.redis_dropped_publishes) ||
      !set_count(env, o, "diffs", v2.diffs) || !set_count(env, o, "diffNs", v2.diff_ns) ||
      !set_count(env, o, "patchBytes", v2.patch_bytes) || !set_count(env, o, "publishes", v2.publishes) ||
      !set_count(env, o, "remotePublishes", v2.remote_publishes) ||
      !set_count(env, o, "deliveries", v2.deliveries))
    return NULL;
  /* Refusals by cause name, every cause present (0 included) so a
   * dashboard sees the whole list. */
  napi_value refusals;
  NAPI_OK(env, napi_create_object(env, &refusals));
  for (int cause = 1; cause < LTS_CAUSE_COUNT; cause++) {
    if (!set_count(env, refusals, lts_cause_name(cause), st.refusals[cause])) return NULL;
  }
  NAPI_OK(env, napi_set_named_property(env, o, "refusals", refusals));
  return o;
}

/* addStatic(h, prefix, dir) */
static napi_value js_add_static(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "prefix:s, dir:s", &a);
  if (b != NULL) ret = lts_result(env, lts_server_add_static(b->server, a.s[0], a.s[1]));
  free_args(&a);
  return ret;
}

/* reloadTls(h, certFile?, keyFile?): both absent reads the same files again.
 * The files are read on this (the JS) thread; a certificate is a few
 * kilobytes, loaded in about a millisecond. */
static napi_value js_reload_tls(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  binding *b = server_call(env, info, 3, "certFile:s?, keyFile:s?", &a);
  if (b != NULL) ret = lts_result(env, lts_server_reload_tls(b->server, a.s[0], a.s[1]));
  free_args(&a);
  return ret;
}

/* diff(oldHtml, newHtml) → patch JSON text */
static napi_value js_diff(napi_env env, napi_callback_info info) {
  call_args a;
  napi_value ret = NULL;
  uint8_t *out = NULL;
  size_t out_len = 0;
  memset(&a, 0, sizeof a);
  if (!get_args(env, info, 2, a.argv) || !convert_args(env, &a, 0, "oldHtml:s, newHtml:s")) goto done;
  int rc = lts_diff(a.s[0], a.n[0], a.s[1], a.n[1], &out, &out_len);
  if (rc < 0) {
    throw_lts(env, rc);
    goto done;
  }
  NAPI_OK_GOTO(env, napi_create_string_utf8(env, (const char *)out, out_len, &ret), done);
done:
  lts_free(out);
  free_args(&a);
  return ret;
}

/* version() → {number, string} of the loaded library */
static napi_value js_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o, n, s;
  NAPI_OK(env, napi_create_object(env, &o));
  NAPI_OK(env, napi_create_int32(env, lts_version_number(), &n));
  NAPI_OK(env, napi_create_string_utf8(env, lts_version_string(), NAPI_AUTO_LENGTH, &s));
  NAPI_OK(env, napi_set_named_property(env, o, "number", n));
  NAPI_OK(env, napi_set_named_property(env, o, "string", s));
  return o;
}

static napi_value init(napi_env env, napi_value exports) {
  /* The shim's structs and codes are the header's: a library built from
   * another header would be misread, so it is refused before any call. */
  if (lts_version_number() != LTS_VERSION_NUMBER) {
    char msg[256];
    snprintf(msg, sizeof msg,
             "liblivetscore.so is version %s (%d), the binding was built for %s (%d): rebuild with scripts/build",
             lts_version_string(), lts_version_number(), LTS_VERSION_STRING, LTS_VERSION_NUMBER);
    napi_throw_error(env, "LTS_VERSION_MISMATCH", msg);
    return NULL;
  }
  instance *inst = calloc(1, sizeof *inst);
  if (inst == NULL) {
    throw_lts_message(env, LTS_ENOMEM, "livets: out of memory initialising the module");
    return NULL;
  }
  napi_status s = napi_set_instance_data(env, inst, instance_finalize, NULL);
  if (s != napi_ok) {
    free(inst);
    throw_napi(env, s);
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"createServer", NULL, js_create_server, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, js_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"startUnbound", NULL, js_start_unbound, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adopt", NULL, js_adopt, NULL, NULL, NULL, napi_enumerable, NULL},
      {"respond", NULL, js_respond, NULL, NULL, NULL, napi_enumerable, NULL},
      {"requestConsume", NULL, js_request_consume, NULL, NULL, NULL, napi_enumerable, NULL},
      {"responseStart", NULL, js_response_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"responseWrite", NULL, js_response_write, NULL, NULL, NULL, napi_enumerable, NULL},
      {"responseEnd", NULL, js_response_end, NULL, NULL, NULL, napi_enumerable, NULL},
      {"responseSend", NULL, js_response_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"holdCalls", NULL, js_hold_calls, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseCalls", NULL, js_release_calls, NULL, NULL, NULL, napi_enumerable, NULL},
      {"requestAbort", NULL, js_request_abort, NULL, NULL, NULL, napi_enumerable, NULL},
      {"register", NULL, js_register, NULL, NULL, NULL, napi_enumerable, NULL},
      {"update", NULL, js_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"updateSplices", NULL, js_update_splices, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unregister", NULL, js_unregister, NULL, NULL, NULL, napi_enumerable, NULL},
      {"replyError", NULL, js_reply_error, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendBinary", NULL, js_send_binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"uploadAllow", NULL, js_upload_allow, NULL, NULL, NULL, napi_enumerable, NULL},
      {"uploadCancel", NULL, js_upload_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
      {"subscribe", NULL, js_subscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unsubscribe", NULL, js_unsubscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"connSubscribe", NULL, js_conn_subscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"connUnsubscribe", NULL, js_conn_unsubscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"publish", NULL, js_publish, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hostSubscribe", NULL, js_host_subscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hostUnsubscribe", NULL, js_host_unsubscribe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"presenceTrack", NULL, js_presence_track, NULL, NULL, NULL, napi_enumerable, NULL},
      {"presenceUntrack", NULL, js_presence_untrack, NULL, NULL, NULL, napi_enumerable, NULL},
      {"presenceList", NULL, js_presence_list, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addStatic", NULL, js_add_static, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reloadTls", NULL, js_reload_tls, NULL, NULL, NULL, napi_enumerable, NULL},
      {"diff", NULL, js_diff, NULL, NULL, NULL, napi_enumerable, NULL},
      {"version", NULL, js_version, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  NAPI_OK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(livets, init)
