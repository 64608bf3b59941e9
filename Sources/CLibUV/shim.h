#include <uv.h>
/* The server's connections are watched by an epoll set of its own (SocketPoller). */
#include <sys/epoll.h>
