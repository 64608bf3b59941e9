#include <openssl/err.h>
#include <openssl/ssl.h>

/* These are macros over SSL_CTX_ctrl, which Swift cannot call. */
static inline int lts_ssl_ctx_set_min_proto_version(SSL_CTX *context, int version) {
  return (int)SSL_CTX_set_min_proto_version(context, version);
}
static inline long lts_ssl_ctx_set_mode(SSL_CTX *context, long mode) {
  return SSL_CTX_set_mode(context, mode);
}
static inline long lts_ssl_ctx_set_dh_auto(SSL_CTX *context) {
  return SSL_CTX_set_dh_auto(context, 1);
}
static inline int lts_err_get_reason(unsigned long code) {
  return ERR_GET_REASON(code);
}
/* SSL_OP_* are built by a macro Swift does not import. */
static inline void lts_ssl_ctx_refuse_renegotiation_and_compression(SSL_CTX *context) {
  SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
}
