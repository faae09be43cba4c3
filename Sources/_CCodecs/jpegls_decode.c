/* JPEG-LS decoding with CharLS (2.4, its C API) from memory, for DICOM's 1.2.840.10008.1.2.4.80
 * and .81 transfer syntaxes. CharLS catches its own C++ exceptions and returns error codes. */
#include "ccodecs_internal.h"

#include <charls/charls.h>
#include <stdlib.h>
#include <string.h>

struct ccodecs_jpegls_reader {
    charls_jpegls_decoder *decoder;
    ccodecs_coded_header header;
    charls_interleave_mode interleave;
};

static void describe(charls_jpegls_errc code, ccodecs_message *error) {
    const char *text = charls_get_error_message(code);
    ccodecs_set_message(error, "%s", text != NULL && text[0] != 0 ? text : "CharLS could not decode the codestream");
}

ccodecs_jpegls_reader *ccodecs_jpegls_open(const uint8_t *bytes, size_t count, size_t max_pixels,
                                           ccodecs_coded_header *header, ccodecs_message *error) {
    /* A codestream must end with EOI (FF D9), before any zero padding to an even length. One that
     * does not is truncated, and is refused here: Debian's CharLS 2.4.1 was seen to loop forever
     * on a scan whose data runs out without a marker (tests cut our fixtures at every length). */
    size_t end = count;
    while (end > 0 && bytes[end - 1] == 0) end--;
    if (end < 4 || bytes[end - 2] != 0xFF || bytes[end - 1] != 0xD9) {
        ccodecs_set_message(error, "the codestream does not end with an EOI marker (it is truncated)");
        return NULL;
    }
    ccodecs_jpegls_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL || (reader->decoder = charls_jpegls_decoder_create()) == NULL) {
        free(reader);
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    charls_jpegls_errc code = charls_jpegls_decoder_set_source_buffer(reader->decoder, bytes, count);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_read_header(reader->decoder);
    charls_frame_info info;
    memset(&info, 0, sizeof info);
    int32_t near_lossless = 0;
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_frame_info(reader->decoder, &info);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_near_lossless(reader->decoder, 0, &near_lossless);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_interleave_mode(reader->decoder, &reader->interleave);
    if (code != CHARLS_JPEGLS_ERRC_SUCCESS) {
        describe(code, error);
        goto fail;
    }
    if (info.component_count < 1 || info.component_count > 4) {
        ccodecs_set_message(error, "the codestream has %d components; at most 4 are read", info.component_count);
        goto fail;
    }
    if (info.bits_per_sample < 2 || info.bits_per_sample > 16) {
        ccodecs_set_message(error, "the codestream holds %d-bit samples; 2 to 16 bits are read", info.bits_per_sample);
        goto fail;
    }
    if ((uint64_t)info.width * info.height > max_pixels) {
        ccodecs_set_message(error, "the codestream's image is %u×%u pixels, over the limit of %zu", info.width, info.height, max_pixels);
        goto fail;
    }
    reader->header.width = info.width;
    reader->header.height = info.height;
    reader->header.components = info.component_count;
    reader->header.precision = info.bits_per_sample;
    reader->header.is_signed = 0;
    reader->header.near_lossless = near_lossless;
    *header = reader->header;
    return reader;
fail:
    ccodecs_jpegls_close(reader);
    return NULL;
}

int ccodecs_jpegls_read(ccodecs_jpegls_reader *reader, uint32_t *words, size_t word_count, ccodecs_message *error) {
    const ccodecs_coded_header *h = &reader->header;
    size_t pixels = (size_t)h->width * h->height;
    size_t components = (size_t)h->components;
    size_t bytes_per_sample = h->precision > 8 ? 2 : 1;
    if (word_count != pixels * components) {
        ccodecs_set_message(error, "internal error: the sample buffer does not fit the image");
        return 1;
    }
    size_t size = 0;
    charls_jpegls_errc code = charls_jpegls_decoder_get_destination_size(reader->decoder, 0, &size);
    if (code != CHARLS_JPEGLS_ERRC_SUCCESS) {
        describe(code, error);
        return 1;
    }
    if (size != pixels * components * bytes_per_sample) {
        ccodecs_set_message(error, "CharLS asks for %zu bytes for a %u×%u image of %zu components", size, h->width, h->height, components);
        return 1;
    }
    uint8_t *decoded = malloc(size);
    if (decoded == NULL) {
        ccodecs_set_message(error, "out of memory");
        return 1;
    }
    code = charls_jpegls_decoder_decode_to_buffer(reader->decoder, decoded, size, 0);
    if (code != CHARLS_JPEGLS_ERRC_SUCCESS) {
        describe(code, error);
        free(decoded);
        return 1;
    }
    /* Interleave mode none stores the components one after another; line and sample
     * interleaving come out pixel by pixel. */
    int planar = reader->interleave == CHARLS_INTERLEAVE_MODE_NONE && components > 1;
    for (size_t c = 0; c < components; c++) {
        for (size_t i = 0; i < pixels; i++) {
            size_t at = planar ? c * pixels + i : i * components + c;
            uint32_t value;
            if (bytes_per_sample == 2) {
                uint16_t v;
                memcpy(&v, decoded + 2 * at, 2);
                value = v;
            } else {
                value = decoded[at];
            }
            words[i * components + c] = value;
        }
    }
    free(decoded);
    return 0;
}

void ccodecs_jpegls_close(ccodecs_jpegls_reader *reader) {
    if (reader == NULL) return;
    charls_jpegls_decoder_destroy(reader->decoder);
    free(reader);
}
