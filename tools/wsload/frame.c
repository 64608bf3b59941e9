#include "frame.h"

#include <string.h>

#include "rng.h"

size_t frame_size(size_t len) { return len + 4 + (len < 126 ? 2 : len <= 0xFFFF ? 4 : 10); }

size_t frame_encode(uint8_t *out, int opcode, const void *payload, size_t len) {
  size_t n = 0;
  out[n++] = (uint8_t)(0x80 | opcode);
  if (len < 126) {
    out[n++] = (uint8_t)(0x80 | len);
  } else if (len <= 0xFFFF) {
    out[n++] = 0x80 | 126;
    out[n++] = (uint8_t)(len >> 8);
    out[n++] = (uint8_t)len;
  } else {
    out[n++] = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) out[n++] = (uint8_t)((uint64_t)len >> shift);
  }
  uint32_t key = rng_mask();
  uint8_t k[4];
  memcpy(k, &key, 4);
  memcpy(out + n, k, 4);
  n += 4;
  const uint8_t *src = payload;
  uint8_t *dst = out + n;
  /* Word-wide XOR: masking is the one per-byte cost of sending. */
  uint64_t wide;
  uint8_t kk[8] = {k[0], k[1], k[2], k[3], k[0], k[1], k[2], k[3]};
  memcpy(&wide, kk, 8);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, src + i, 8);
    w ^= wide;
    memcpy(dst + i, &w, 8);
  }
  for (; i < len; i++) dst[i] = src[i] ^ k[i & 3];
  return n + len;
}

static size_t header_length(const uint8_t *hdr) {
  uint8_t l = hdr[1] & 0x7F;
  return l < 126 ? 2 : l == 126 ? 4 : 10;
}

static int fail(frame_event *event, const char *why) {
  event->error = why;
  return FRAME_ERROR;
}

/* Checks a complete header and sets up the payload state. */
static int start_frame(frame_decoder *d, frame_event *event) {
  uint8_t b0 = d->hdr[0], b1 = d->hdr[1];
  uint8_t rsv = b0 & 0x70;
  if (rsv & ~(d->rsv1_ok ? FRAME_RSV1 : 0)) return fail(event, "protocol: reserved bits set");
  if (b1 & 0x80) return fail(event, "protocol: masked frame from server");
  d->fin = b0 >> 7;
  d->opcode = b0 & 0x0F;
  uint64_t len = b1 & 0x7F;
  if (len == 126) {
    len = (uint64_t)d->hdr[2] << 8 | d->hdr[3];
  } else if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | d->hdr[2 + i];
    if (len >> 63) return fail(event, "protocol: frame length over 2^63");
  }
  switch (d->opcode) {
  case OP_CLOSE:
  case OP_PING:
  case OP_PONG:
    if (!d->fin || len > 125 || rsv) return fail(event, "protocol: bad control frame");
    d->ctrl_len = 0;
    break;
  case OP_TEXT:
  case OP_BINARY:
    if (d->msg_opcode) return fail(event, "protocol: new message inside a fragmented one");
    d->msg_opcode = d->opcode;
    d->msg_len = 0;
    d->head_len = 0;
    d->mismatch = 0;
    d->compressed = rsv != 0;
    break;
  case OP_CONT:
    if (!d->msg_opcode) return fail(event, "protocol: continuation without a message");
    /* RFC 7692 §6.1: only a message's first frame says it is compressed. */
    if (rsv) return fail(event, "protocol: RSV1 on a continuation frame");
    break;
  default:
    return fail(event, "protocol: unknown opcode");
  }
  d->remaining = len;
  d->in_payload = 1;
  return FRAME_NEED_MORE;
}

static void take_data(frame_decoder *d, const uint8_t *p, size_t n, const uint8_t *expect, size_t expect_len) {
  if (d->head_len < FRAME_HEAD_BYTES) {
    size_t room = FRAME_HEAD_BYTES - d->head_len, copy = n < room ? n : room;
    memcpy(d->head + d->head_len, p, copy);
    d->head_len = (uint8_t)(d->head_len + copy);
  }
  if (d->sink != NULL) d->sink(d->sink_arg, p, n);
  if (expect != NULL && !d->mismatch) {
    if (d->msg_len + n > expect_len || memcmp(expect + d->msg_len, p, n) != 0) d->mismatch = 1;
  }
  d->msg_len += n;
}

/* The current frame's payload is complete: emit an event if it ends one. */
static int end_frame(frame_decoder *d, const uint8_t *expect, size_t expect_len, frame_event *event) {
  d->in_payload = 0;
  d->hdr_have = 0;
  if (d->opcode == OP_CLOSE || d->opcode == OP_PING || d->opcode == OP_PONG) {
    event->opcode = d->opcode;
    event->len = d->ctrl_len;
    event->data = d->ctrl;
    event->data_len = d->ctrl_len;
    event->mismatch = 0;
    event->compressed = 0;
    return FRAME_CONTROL;
  }
  if (!d->fin) return FRAME_NEED_MORE;
  event->opcode = d->msg_opcode;
  event->len = d->msg_len;
  event->data = d->head;
  event->data_len = d->head_len;
  event->mismatch = expect != NULL && (d->mismatch || d->msg_len != expect_len);
  event->compressed = d->compressed;
  d->msg_opcode = 0;
  return FRAME_MESSAGE;
}

int frame_next(frame_decoder *d, const uint8_t **data, size_t *len, const uint8_t *expect, size_t expect_len,
               frame_event *event) {
  const uint8_t *p = *data;
  size_t left = *len;
  int result = FRAME_NEED_MORE;
  while (left > 0 || (d->in_payload && d->remaining == 0)) {
    if (!d->in_payload) {
      d->hdr[d->hdr_have++] = *p++;
      left--;
      if (d->hdr_have < 2 || d->hdr_have < header_length(d->hdr)) continue;
      if ((result = start_frame(d, event)) != FRAME_NEED_MORE) break;
      continue;
    }
    size_t n = d->remaining < left ? (size_t)d->remaining : left;
    if (d->opcode >= OP_CLOSE) {
      memcpy(d->ctrl + d->ctrl_len, p, n);
      d->ctrl_len = (uint8_t)(d->ctrl_len + n);
    } else {
      take_data(d, p, n, expect, expect_len);
    }
    p += n;
    left -= n;
    d->remaining -= n;
    if (d->remaining == 0 && (result = end_frame(d, expect, expect_len, event)) != FRAME_NEED_MORE) break;
  }
  *data = p;
  *len = left;
  return result;
}
