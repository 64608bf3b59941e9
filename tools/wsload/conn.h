#ifndef WSLOAD_CONN_H
#define WSLOAD_CONN_H

#include "wsload.h"

/* Between one connection (conn.c) and the run that owns them all (run.c). */

void conn_begin(wl_ctx *ctx, wl_conn *c);
/* The TCP connect of the WebSocket, after a mode's fetch. */
void conn_connect(wl_ctx *ctx, wl_conn *c);
/* A joining connection's join was answered: it is open. */
void conn_joined(wl_ctx *ctx, wl_conn *c);
/* Ends a connection that never opened, counting it as failed. */
void conn_fail_open(wl_ctx *ctx, wl_conn *c, const char *why);
/* Closes the socket; reset sends RST, which leaves no TIME_WAIT here. */
void conn_close(wl_conn *c, int reset);

/* Opens more connections while the window has room. */
void run_start_more(wl_ctx *ctx);
/* Every handle is closed: lets the loop end. */
void run_finish(wl_ctx *ctx);

#endif
