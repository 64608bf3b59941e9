#include "liveproto.h"

#include <stdio.h>
#include <string.h>

#include "page.h"

/* The event's payload value, as the benchmark's client has always sent it. */
#define VALUE_MODULUS 300

/* Appends a quoted JSON string; 0 when it does not fit. */
static size_t quote(size_t n, const char *s, char *out, size_t cap) {
  if (n == 0 || n >= cap) return 0;
  size_t q = json_quote(s, out + n, cap - n);
  return q == 0 ? 0 : n + q;
}

/* Appends literal text; 0 when it does not fit. */
static size_t text(size_t n, const char *s, char *out, size_t cap) {
  size_t len = strlen(s);
  if (n == 0 || n + len >= cap) return 0;
  memcpy(out + n, s, len + 1);
  return n + len;
}

static size_t start(const char *s, char *out, size_t cap) {
  size_t len = strlen(s);
  if (len >= cap) return 0;
  memcpy(out, s, len + 1);
  return len;
}

/* ---- LiveTS ---- */

static const char *livets_read_page(live_view *v, const char *body, const char *origin, const char *path) {
  (void)origin;
  char token[LIVE_FRAME_MAX / 2], csrf[256];
  if (page_extract(body, "data-livets-id=\"", "", v->id, sizeof v->id) == 0) return "page: no data-livets-id";
  if (page_extract(body, "data-livets-token=\"", "", token, sizeof token) == 0) return "page: no data-livets-token";
  if (page_extract(body, "<meta name=\"csrf-token\" content=\"", ">", csrf, sizeof csrf) == 0)
    return "page: no csrf-token meta tag";
  strcpy(v->socket_path, "/live?v=1");
  /* ["j", 1, id, token, {"_csrf_token": csrf, "_url": path}] */
  char *j = v->join;
  size_t cap = sizeof v->join, n = start("[\"j\",1,", j, cap);
  n = quote(n, v->id, j, cap);
  n = text(n, ",", j, cap);
  n = quote(n, token, j, cap);
  n = text(n, ",{\"_csrf_token\":", j, cap);
  n = quote(n, csrf, j, cap);
  n = text(n, ",\"_url\":", j, cap);
  n = quote(n, path, j, cap);
  n = text(n, "}]", j, cap);
  if (n == 0) return "page: tokens too long";
  v->join_len = n;
  return NULL;
}

static size_t livets_event(const live_view *v, const char *event, uint64_t ref, char *out, size_t cap) {
  /* ["e", ref, id, event, {"id": String(ref % 300)}] */
  char head[32];
  snprintf(head, sizeof head, "[\"e\",%llu,", (unsigned long long)ref);
  size_t n = start(head, out, cap);
  n = quote(n, v->id, out, cap);
  n = text(n, ",", out, cap);
  n = quote(n, event, out, cap);
  char tail[48];
  snprintf(tail, sizeof tail, ",{\"id\":\"%llu\"}]", (unsigned long long)(ref % VALUE_MODULUS));
  return text(n, tail, out, cap);
}

static int is_id(const live_view *v, json_span s) { return json_is_string(s, v->id); }

static live_answer livets_joined(live_view *v, const json_span *el, int n, const char **why) {
  /* ["r", id, seq, ref, html] */
  if (n >= 1 && json_is_string(el[0], "x")) {
    *why = "join refused (x)";
    return ANSWER_REFUSED;
  }
  if (n != 5 || !json_is_string(el[0], "r")) {
    *why = "join: first answer is not a render (r)";
    return ANSWER_BAD;
  }
  if (!is_id(v, el[1]) || !json_is_uint(el[3], 1) || json_uint(el[2], &v->seq) != 0) {
    *why = "join: render for another view or ref";
    return ANSWER_BAD;
  }
  return ANSWER_OK;
}

static live_answer livets_answer(live_view *v, uint64_t ref, const json_span *el, int n, const char **why) {
  if (n >= 4 && json_is_string(el[0], "x")) {
    /* ["x", id, ref, reason] */
    if (ref != 0 && json_is_uint(el[2], ref)) {
      *why = "event refused (x)";
      return ANSWER_REFUSED;
    }
    *why = "refusal (x) of a ref not awaited";
    return ANSWER_STRAY;
  }
  if (n < 1 || !json_is_string(el[0], "p")) return ANSWER_OTHER;
  /* ["p", id, seq, ref, ops] */
  if (n != 5 || ref == 0 || !json_is_uint(el[3], ref)) {
    *why = "patch (p) for a ref not awaited";
    return ANSWER_STRAY;
  }
  uint64_t seq;
  if (!is_id(v, el[1])) {
    *why = "patch (p) for another view";
    return ANSWER_BAD;
  }
  if (json_uint(el[2], &seq) != 0 || seq != v->seq + 1) {
    *why = "patch (p) out of sequence";
    if (json_uint(el[2], &seq) == 0) v->seq = seq;
    return ANSWER_BAD;
  }
  v->seq = seq;
  /* Every event changes the view: a patch without operations is a wrong answer. */
  if (el[4].n < 3 || el[4].p[0] != '[') {
    *why = "patch (p) with no operations";
    return ANSWER_BAD;
  }
  return ANSWER_OK;
}

const live_protocol livets_protocol = {"livets", livets_read_page, livets_event, livets_joined, livets_answer};

/* ---- Phoenix LiveView (pyview) ---- */

/* encodeURIComponent: all but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is escaped. */
static size_t uri_component(size_t n, const char *s, char *out, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p && n != 0; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.!~*'()", *p)) {
      if (n + 1 >= cap) return 0;
      out[n++] = (char)*p;
    } else {
      if (n + 3 >= cap) return 0;
      out[n++] = '%';
      out[n++] = hex[*p >> 4];
      out[n++] = hex[*p & 15];
    }
  }
  if (n != 0) out[n] = '\0';
  return n;
}

static const char *phoenix_read_page(live_view *v, const char *body, const char *origin, const char *path) {
  char csrf[512], session[LIVE_FRAME_MAX / 2], root[LIVE_ID_MAX - 8];
  if (page_extract(body, "<meta name=\"csrf-token\" content=\"", "", csrf, sizeof csrf) == 0)
    return "page: no csrf-token meta tag";
  if (page_extract(body, "data-phx-session=\"", "", session, sizeof session) == 0) return "page: no data-phx-session";
  if (page_extract(body, "id=\"phx-", "", root, sizeof root) == 0) return "page: no id=\"phx-…\" root";
  snprintf(v->id, sizeof v->id, "lv:phx-%s", root);
  size_t cap = sizeof v->socket_path, n = start("/live/websocket?_csrf_token=", v->socket_path, cap);
  n = uri_component(n, csrf, v->socket_path, cap);
  if (text(n, "&vsn=2.0.0", v->socket_path, cap) == 0) return "page: csrf token too long";
  /* ["1", "1", topic, "phx_join", {url, params: {_csrf_token}, session, static: ""}] */
  char url[LIVE_FRAME_MAX / 4];
  snprintf(url, sizeof url, "%s%s", origin, path);
  char *j = v->join;
  cap = sizeof v->join;
  n = start("[\"1\",\"1\",", j, cap);
  n = quote(n, v->id, j, cap);
  n = text(n, ",\"phx_join\",{\"url\":", j, cap);
  n = quote(n, url, j, cap);
  n = text(n, ",\"params\":{\"_csrf_token\":", j, cap);
  n = quote(n, csrf, j, cap);
  n = text(n, "},\"session\":", j, cap);
  n = quote(n, session, j, cap);
  n = text(n, ",\"static\":\"\"}]", j, cap);
  if (n == 0) return "page: tokens too long";
  v->join_len = n;
  return NULL;
}

static size_t phoenix_event(const live_view *v, const char *event, uint64_t ref, char *out, size_t cap) {
  /* ["1", String(ref), topic, "event", {type: "click", event, value: {id: String(ref % 300)}}] */
  char head[40];
  snprintf(head, sizeof head, "[\"1\",\"%llu\",", (unsigned long long)ref);
  size_t n = start(head, out, cap);
  n = quote(n, v->id, out, cap);
  n = text(n, ",\"event\",{\"type\":\"click\",\"event\":", out, cap);
  n = quote(n, event, out, cap);
  char tail[48];
  snprintf(tail, sizeof tail, ",\"value\":{\"id\":\"%llu\"}}]", (unsigned long long)(ref % VALUE_MODULUS));
  return text(n, tail, out, cap);
}

static int is_ref(json_span s, uint64_t ref) {
  char digits[24];
  int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)ref);
  return json_is_string_n(s, digits, (size_t)len);
}

static live_answer phoenix_joined(live_view *v, const json_span *el, int n, const char **why) {
  /* [join_ref, ref, topic, "phx_reply", {"status": "ok", "response": …}] */
  if (n != 5 || !json_is_string(el[3], "phx_reply") || !is_ref(el[1], 1) || !json_is_string(el[2], v->id)) {
    *why = "join: first answer is not its phx_reply";
    return ANSWER_BAD;
  }
  if (!json_is_string(json_member(el[4], "status"), "ok")) {
    *why = "join refused (phx_reply status)";
    return ANSWER_REFUSED;
  }
  return ANSWER_OK;
}

static live_answer phoenix_answer(live_view *v, uint64_t ref, const json_span *el, int n, const char **why) {
  if (n != 5 || !json_is_string(el[3], "phx_reply")) return ANSWER_OTHER;
  if (ref == 0 || !is_ref(el[1], ref)) {
    *why = "phx_reply for a ref not awaited";
    return ANSWER_STRAY;
  }
  if (!json_is_string(el[2], v->id)) {
    *why = "phx_reply for another topic";
    return ANSWER_BAD;
  }
  if (!json_is_string(json_member(el[4], "status"), "ok")) {
    *why = "event refused (phx_reply status)";
    return ANSWER_REFUSED;
  }
  return ANSWER_OK;
}

const live_protocol phoenix_protocol = {"phoenix", phoenix_read_page, phoenix_event, phoenix_joined, phoenix_answer};
