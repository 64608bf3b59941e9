/* wsload: a WebSocket load generator on libuv. See `wsload --help`. */
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "options.h"
#include "wsload.h"

/* Every connection is a descriptor; the default soft limit (often 1024)
 * would cap a 10,000-connection run long before anything else does. */
static int raise_fd_limit(int connections) {
  rlim_t need = (rlim_t)connections + 64;
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur >= need) return 0;
  if (limit.rlim_max < need) {
    /* Root may raise the hard limit too; anyone else stops here. */
    struct rlimit wanted = {need, need};
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) return 0;
    fprintf(stderr,
            "wsload: %d connections need %llu file descriptors but the hard limit (RLIMIT_NOFILE) is %llu;\n"
            "        raise it (ulimit -Hn, /etc/security/limits.conf) or open fewer connections\n",
            connections, (unsigned long long)need, (unsigned long long)limit.rlim_max);
    return -1;
  }
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    perror("wsload: setrlimit(RLIMIT_NOFILE)");
    return -1;
  }
  return 0;
}

/* Each connection to one server address takes a local port. */
static void check_port_range(int connections) {
  FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
  if (f == NULL) return;
  int low = 0, high = 0;
  if (fscanf(f, "%d %d", &low, &high) == 2 && high - low + 1 < connections)
    fprintf(stderr, "wsload: warning: %d connections but only %d local ports (net.ipv4.ip_local_port_range)\n",
            connections, high - low + 1);
  fclose(f);
}

static int resolve(const wl_target *target, struct sockaddr_storage *out) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
  struct addrinfo *found = NULL;
  char port[16];
  snprintf(port, sizeof port, "%d", target->port);
  int rc = getaddrinfo(target->host, port, &hints, &found);
  if (rc != 0) {
    fprintf(stderr, "wsload: %s: %s\n", target->host, gai_strerror(rc));
    return -1;
  }
  memcpy(out, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return 0;
}

int main(int argc, char **argv) {
  static wl_ctx ctx;
  int status;
  const wl_mode *mode = options_parse(argc, argv, &ctx.opt, &status);
  if (mode == NULL) return status;
  ctx.mode = mode;
  ctx.n = ctx.opt.connections;
  if (raise_fd_limit(ctx.n) != 0) return 2;
  /* Connections are spread evenly over the targets: each takes its share of ports. */
  check_port_range((ctx.n + ctx.opt.target_count - 1) / ctx.opt.target_count);
  for (int i = 0; i < ctx.opt.target_count; i++)
    if (resolve(&ctx.opt.targets[i], &ctx.addr[i]) != 0) return 2;
  /* A write to a socket the server reset must be an error, not a kill. */
  signal(SIGPIPE, SIG_IGN);

  ctx.loop = uv_default_loop();
  ctx.loop->data = &ctx;
  if (mode->prepare(&ctx) != 0) return 2;
  int rc = wl_pool_start(&ctx);
  if (rc != 0) {
    fprintf(stderr, "wsload: %s\n", uv_strerror(rc));
    return 1;
  }
  uv_run(ctx.loop, UV_RUN_DEFAULT);
  wl_report(&ctx);
  return wl_exit_status(&ctx);
}
