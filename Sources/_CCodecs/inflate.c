/* Raw deflate decoding with zlib for DICOM's deflated transfer syntax. */
#include "ccodecs_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int ccodecs_inflate_raw(const uint8_t *bytes, size_t count, size_t max_output,
                        ccodecs_buffer *out, ccodecs_message *error) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    /* Negative window bits: a raw stream, no zlib header or Adler-32 trailer (PS3.5 A.5). */
    if (inflateInit2(&stream, -15) != Z_OK) {
        ccodecs_set_message(error, "zlib could not start inflating");
        return 1;
    }
    const uint8_t *next = bytes;
    size_t left = count;
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (stream.avail_in == 0) {
            if (left == 0) {
                ccodecs_set_message(error, "the deflated data set ends before its deflate stream does (the file is truncated)");
                goto fail;
            }
            uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
            stream.next_in = (Bytef *)next;
            stream.avail_in = chunk;
            next += chunk;
            left -= chunk;
        }
        if (out->count == out->capacity) {
            if (out->count >= max_output) {
                ccodecs_set_message(error, "the deflated data set inflates to more than %zu bytes, over the file size limit (raise it with --max-file-bytes)", max_output);
                goto fail;
            }
            /* Grow by doubling, but never past the cap, so the cap bounds the allocation too. */
            size_t grown = out->capacity < 65536 ? 65536 : out->capacity;
            grown = grown > max_output - out->capacity ? max_output : out->capacity + grown;
            uint8_t *bigger = realloc(out->bytes, grown);
            if (bigger == NULL) {
                ccodecs_set_message(error, "out of memory while inflating the data set");
                goto fail;
            }
            out->bytes = bigger;
            out->capacity = grown;
        }
        size_t room = out->capacity - out->count;
        if (room > max_output - out->count) room = max_output - out->count;
        if (room > (1u << 30)) room = 1u << 30;
        if (room == 0) {
            ccodecs_set_message(error, "the deflated data set inflates to more than %zu bytes, over the file size limit (raise it with --max-file-bytes)", max_output);
            goto fail;
        }
        stream.next_out = out->bytes + out->count;
        stream.avail_out = (uInt)room;
        status = inflate(&stream, Z_NO_FLUSH);
        out->count += room - stream.avail_out;
        if (status == Z_STREAM_END) break;
        if (status == Z_BUF_ERROR && stream.avail_in == 0 && left == 0) {
            ccodecs_set_message(error, "the deflated data set ends before its deflate stream does (the file is truncated)");
            goto fail;
        }
        if (status != Z_OK && status != Z_BUF_ERROR) {
            ccodecs_set_message(error, "the deflated data set is corrupt (zlib: %s)",
                                stream.msg != NULL ? stream.msg : "invalid data");
            goto fail;
        }
    }
    inflateEnd(&stream);
    return 0;
fail:
    inflateEnd(&stream);
    ccodecs_buffer_free(out);
    return 1;
}
