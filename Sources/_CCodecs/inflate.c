/* Raw deflate decoding with libdeflate for DICOM's deflated transfer syntax. libdeflate inflates
 * whole buffers only (about twice zlib's speed): the output buffer is grown and the stream
 * inflated again until it fits, never past the caller's cap. */
#include "ccodecs_internal.h"

#include <libdeflate.h>
#include <stdlib.h>

int ccodecs_inflate_raw(const uint8_t *bytes, size_t count, size_t max_output,
                        ccodecs_buffer *out, ccodecs_message *error) {
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    if (inflater == NULL) {
        ccodecs_set_message(error, "out of memory while inflating the data set");
        return 1;
    }
    /* Data sets compress 2–10×; start at 8× the input and grow by 4× (the retries cost at most
     * a third more than one pass at the final size). */
    size_t capacity = count > SIZE_MAX / 8 ? SIZE_MAX : count * 8;
    if (capacity < 65536) capacity = 65536;
    if (capacity > max_output) capacity = max_output;
    for (;;) {
        uint8_t *bigger = realloc(out->bytes, capacity == 0 ? 1 : capacity);
        if (bigger == NULL) {
            ccodecs_set_message(error, "out of memory while inflating the data set");
            goto fail;
        }
        out->bytes = bigger;
        out->capacity = capacity;
        size_t produced = 0;
        /* Bytes after the end of the deflate stream are ignored (writers pad to an even length). */
        enum libdeflate_result result = libdeflate_deflate_decompress_ex(inflater, bytes, count, out->bytes, capacity, NULL, &produced);
        if (result == LIBDEFLATE_SUCCESS) {
            out->count = produced;
            libdeflate_free_decompressor(inflater);
            return 0;
        }
        if (result != LIBDEFLATE_INSUFFICIENT_SPACE) {
            /* Raw deflate has no checksum: a cut stream and a broken one look alike. */
            ccodecs_set_message(error, "the deflated data set is corrupt or truncated (libdeflate: invalid deflate data)");
            goto fail;
        }
        if (capacity >= max_output) {
            ccodecs_set_message(error, "the deflated data set inflates to more than %zu bytes, over the file size limit", max_output);
            libdeflate_free_decompressor(inflater);
            ccodecs_buffer_free(out);
            return 2;
        }
        capacity = capacity > max_output / 4 ? max_output : capacity * 4;
    }
fail:
    libdeflate_free_decompressor(inflater);
    ccodecs_buffer_free(out);
    return 1;
}
