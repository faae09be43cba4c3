#ifndef CCODECS_INTERNAL_H
#define CCODECS_INTERNAL_H
/* Helpers shared by the codec files; not part of the interface Swift sees. */
#include "include/ccodecs.h"

/* Formats a message into `message` (truncating, always NUL-terminated). */
void ccodecs_set_message(ccodecs_message *message, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes room for `extra` more bytes beyond `count`, doubling so that appends stay amortised O(1).
 * Returns 0, or -1 when the size would overflow or memory is exhausted (buffer left as it was). */
int ccodecs_buffer_reserve(ccodecs_buffer *buffer, size_t extra);

/* Turns `count` bytes stored packed at the start of `samples` into `count` uint16_t values in
 * place. Works backwards: sample i occupies bytes 2i and 2i+1, which are never below byte i, so
 * no byte is overwritten before it has been read. Saves a second image-sized buffer. */
void ccodecs_widen_in_place(uint16_t *samples, size_t count);

/* Rec. 601 luma rounded half up, exact in integers: (299 R + 587 G + 114 B + 500) / 1000.
 * Fits in 32 bits for 16-bit samples (1000 * 65535 < 2^32). */
static inline uint32_t ccodecs_luma(uint32_t r, uint32_t g, uint32_t b) {
    return (299u * r + 587u * g + 114u * b + 500u) / 1000u;
}

/* 1 on little-endian hosts, where PNG's big-endian 16-bit samples need swapping. */
static inline int ccodecs_host_is_little_endian(void) {
    return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* Work done in a child process by ccodecs_run_isolated: writes `output_bytes` bytes of output
 * (shared with the parent), returns 0, or non-zero with `message` filled. */
typedef int (*ccodecs_isolated_work)(void *context, void *output, size_t output_bytes, ccodecs_message *message);

/* Runs `work` in a forked child and copies its output into `output` when it succeeds. A child
 * that dies (abort, crash) or runs past `seconds` is an error naming `library`; nothing the
 * library does can end or hang the calling process. Returns 0 or 1 with `error` filled. */
int ccodecs_run_isolated(ccodecs_isolated_work work, void *context, void *output, size_t output_bytes,
                         double seconds, const char *library, ccodecs_message *error);

#endif
