#ifndef WSLOAD_PAGE_H
#define WSLOAD_PAGE_H

#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

/* One HTTP/1.1 GET of a page on a connection of its own (Connection:
 * close), as Node's http.get with no agent makes it: the status, the
 * body, and the cookies the page sets, for the WebSocket's upgrade. */

typedef struct page page;

/* status: 200 and so on, or 0 when the request failed (why says how).
 * body is NUL-terminated; cookies is "a=1; b=2" or "". Both live until
 * the callback returns. */
typedef void (*page_done)(void *arg, int status, const char *why, const char *body, size_t body_len,
                          const char *cookies);

/* Starts the GET; done is called exactly once, unless page_cancel comes
 * first. NULL when it could not even start (the path is too long, no socket). */
page *page_get(uv_loop_t *loop, const struct sockaddr *addr, const char *host, int port, const char *path,
               page_done done, void *arg);

/* Stops it: done is not called. */
void page_cancel(page *p);

/* The first value of attribute-like text `before"VALUE"after` in body, as
 * the regular expression /before([^"]+)"after/ finds it: copied into out
 * (cap bytes), or 0 when absent or too long. */
size_t page_extract(const char *body, const char *before, const char *after, char *out, size_t cap);

#endif
