#ifndef WSLOAD_LIVEPROTO_H
#define WSLOAD_LIVEPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* What the live mode says and expects over one connection, in each of
 * the two protocols it speaks: LiveTS's (docs/protocol.md) and Phoenix
 * LiveView's (for pyview). Frames are built byte for byte as the browser
 * client of each (JSON.stringify of the same arrays) builds them. */

#define LIVE_ID_MAX 512
#define LIVE_FRAME_MAX 8192

typedef struct live_view {
  char id[LIVE_ID_MAX];            /* LiveTS: the root's id; Phoenix: the topic, "lv:" and the root's id */
  char socket_path[LIVE_FRAME_MAX]; /* the WebSocket's request path and query */
  char join[LIVE_FRAME_MAX];       /* the join frame */
  size_t join_len;
  uint64_t seq;                    /* LiveTS: the last render or patch's seq */
} live_view;

typedef enum {
  ANSWER_OK,      /* the awaited event's answer, as it should be */
  ANSWER_REFUSED, /* the awaited event's answer: a refusal */
  ANSWER_BAD,     /* the awaited event's answer, but wrong (another view, a gap in seq, no change) */
  ANSWER_STRAY,   /* an answer to a ref not awaited: the event still waits */
  ANSWER_OTHER,   /* a message that answers nothing */
} live_answer;

typedef struct live_protocol {
  const char *name;
  /* Reads the page's tokens into v (origin: "http://host:port", path: the
   * page's); NULL, or what the page lacks. */
  const char *(*read_page)(live_view *v, const char *body, const char *origin, const char *path);
  /* The event frame for ref into out; its length, or 0 if it does not fit. */
  size_t (*event)(const live_view *v, const char *event, uint64_t ref, char *out, size_t cap);
  /* The first message after the join: OK, or REFUSED/BAD with why. */
  live_answer (*joined)(live_view *v, const json_span *el, int n, const char **why);
  /* A message while event ref waits for its answer (0: none does); why
   * says what is wrong with anything but OK and OTHER. */
  live_answer (*answer)(live_view *v, uint64_t ref, const json_span *el, int n, const char **why);
} live_protocol;

extern const live_protocol livets_protocol, phoenix_protocol;

#endif
