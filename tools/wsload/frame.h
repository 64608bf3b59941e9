#ifndef WSLOAD_FRAME_H
#define WSLOAD_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* RFC 6455 framing, client side: frames out are masked (§5.3), frames in
 * are unmasked and are parsed as a stream, so no connection ever buffers
 * a whole message: only its first bytes are kept, which is all a mode reads. */

enum { OP_CONT = 0x0, OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA };

#define FRAME_HEAD_BYTES 48

/* OR'ed into frame_encode's opcode: the message is compressed (RFC 7692 §6). */
#define FRAME_RSV1 0x40

/* Bytes one masked frame with a payload of len bytes takes on the wire. */
size_t frame_size(size_t len);

/* Writes one masked, final frame into out (frame_size(len) bytes). */
size_t frame_encode(uint8_t *out, int opcode, const void *payload, size_t len);

typedef struct frame_decoder {
  uint64_t remaining;   /* payload bytes left in the current frame */
  uint64_t msg_len;     /* data bytes of the message so far */
  uint8_t hdr[10];
  uint8_t hdr_have;
  uint8_t in_payload;
  uint8_t opcode;       /* of the current frame */
  uint8_t fin;
  uint8_t msg_opcode;   /* TEXT/BINARY of a message in progress, else 0 */
  uint8_t mismatch;     /* the message differs from the expected bytes */
  uint8_t head_len;
  uint8_t ctrl_len;
  uint8_t rsv1_ok;      /* permessage-deflate was negotiated: RSV1 marks a compressed message */
  uint8_t compressed;   /* the message in progress has RSV1 set */
  uint8_t head[FRAME_HEAD_BYTES];
  uint8_t ctrl[125];
  /* When set, every data byte of every message is handed here as it
   * arrives, for a mode that reads whole messages (live). */
  void (*sink)(void *arg, const uint8_t *data, size_t len);
  void *sink_arg;
} frame_decoder;

enum { FRAME_NEED_MORE, FRAME_MESSAGE, FRAME_CONTROL, FRAME_ERROR };

typedef struct frame_event {
  int opcode;             /* MESSAGE: TEXT or BINARY; CONTROL: CLOSE, PING or PONG */
  uint64_t len;           /* whole message length, or control payload length */
  const uint8_t *data;    /* MESSAGE: its first min(len, FRAME_HEAD_BYTES) bytes; CONTROL: payload */
  size_t data_len;
  int mismatch;           /* MESSAGE: it differs from `expect` (when one was given) */
  int compressed;         /* MESSAGE: sent with RSV1 (permessage-deflate) */
  const char *error;      /* ERROR: why the stream is not valid */
} frame_event;

/* Consumes bytes from (*data, *len) until one event is complete, and returns
 * its kind. Call again with what is left until FRAME_NEED_MORE. When
 * expect is not NULL every message is compared with it. */
int frame_next(frame_decoder *d, const uint8_t **data, size_t *len, const uint8_t *expect, size_t expect_len,
               frame_event *event);

#endif
