/* JPEG-LS decoding with CharLS (2.4, its C API) from memory, for DICOM's 1.2.840.10008.1.2.4.80
 * and .81 transfer syntaxes. The frame header is read here; CharLS runs in a child process
 * (isolate.c): Debian's CharLS 2.4.1 loops forever on some corrupt scans. */
#include "ccodecs_internal.h"

#include <charls/charls.h>
#include <stdlib.h>
#include <string.h>

struct ccodecs_jpegls_reader {
    const uint8_t *bytes;
    size_t count;
    ccodecs_coded_header header;
};

static void describe(charls_jpegls_errc code, ccodecs_message *error) {
    const char *text = charls_get_error_message(code);
    ccodecs_set_message(error, "%s", text != NULL && text[0] != 0 ? text : "CharLS could not decode the codestream");
}

/* The SOF55 frame header (ISO/IEC 14495-1 C.2.2): precision, lines, columns, components. */
static int read_frame_header(const uint8_t *bytes, size_t count, ccodecs_coded_header *h, ccodecs_message *error) {
    if (count < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) {
        ccodecs_set_message(error, "not a JPEG-LS codestream (no SOI marker at its start)");
        return 1;
    }
    size_t at = 2;
    for (int segments = 0; segments < 1000; segments++) {
        if (count - at < 4 || bytes[at] != 0xFF) break;
        uint8_t marker = bytes[at + 1];
        size_t length = (size_t)bytes[at + 2] << 8 | bytes[at + 3];
        if (length < 2 || length > count - at - 2) break;
        if (marker == 0xF7) { /* SOF55 */
            if (length < 8) break;
            const uint8_t *p = bytes + at + 4;
            h->precision = p[0];
            h->height = (uint32_t)p[1] << 8 | p[2];
            h->width = (uint32_t)p[3] << 8 | p[4];
            h->components = p[5];
            h->is_signed = 0;
            return 0;
        }
        if (marker == 0xDA || (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)) {
            ccodecs_set_message(error, "the codestream has no JPEG-LS frame header (SOF55) before its scan or another frame type");
            return 1;
        }
        at += 2 + length;
    }
    ccodecs_set_message(error, "the codestream ends before its JPEG-LS frame header (SOF55)");
    return 1;
}

ccodecs_jpegls_reader *ccodecs_jpegls_open(const uint8_t *bytes, size_t count, size_t max_pixels,
                                           ccodecs_coded_header *header, ccodecs_message *error) {
    /* A codestream must end with EOI (FF D9), before any zero padding to an even length; one
     * that does not is truncated (and CharLS 2.4.1 loops forever on a scan that runs out). */
    size_t end = count;
    while (end > 0 && bytes[end - 1] == 0) end--;
    if (end < 4 || bytes[end - 2] != 0xFF || bytes[end - 1] != 0xD9) {
        ccodecs_set_message(error, "the codestream does not end with an EOI marker (it is truncated)");
        return NULL;
    }
    ccodecs_coded_header h;
    memset(&h, 0, sizeof h);
    if (read_frame_header(bytes, count, &h, error) != 0) return NULL;
    if (h.components < 1 || h.components > 4) {
        ccodecs_set_message(error, "the codestream has %d components; 1 to 4 are read", h.components);
        return NULL;
    }
    if (h.precision < 2 || h.precision > 16) {
        ccodecs_set_message(error, "the codestream holds %d-bit samples; 2 to 16 bits are read", h.precision);
        return NULL;
    }
    if (h.width == 0 || h.height == 0) {
        ccodecs_set_message(error, "the codestream's frame is %u×%u (a size given later, in a DNL marker, is not read)", h.width, h.height);
        return NULL;
    }
    if ((uint64_t)h.width * h.height > max_pixels) {
        ccodecs_set_message(error, "the codestream's image is %u×%u pixels, over the limit of %zu", h.width, h.height, max_pixels);
        return NULL;
    }
    ccodecs_jpegls_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    reader->bytes = bytes;
    reader->count = count;
    reader->header = h;
    *header = h;
    return reader;
}

/* Everything CharLS does for one frame, in the child process. */
static int decode_isolated(void *context, void *output, size_t output_bytes, ccodecs_message *error) {
    ccodecs_jpegls_reader *reader = context;
    const ccodecs_coded_header *h = &reader->header;
    size_t pixels = (size_t)h->width * h->height, components = (size_t)h->components;
    size_t bytes_per_sample = h->precision > 8 ? 2 : 1;
    charls_jpegls_decoder *decoder = charls_jpegls_decoder_create();
    if (decoder == NULL) {
        ccodecs_set_message(error, "out of memory");
        return 1;
    }
    charls_frame_info info;
    memset(&info, 0, sizeof info);
    charls_interleave_mode interleave = CHARLS_INTERLEAVE_MODE_NONE;
    size_t size = 0;
    uint8_t *decoded = NULL;
    int status = 1;
    charls_jpegls_errc code = charls_jpegls_decoder_set_source_buffer(decoder, reader->bytes, reader->count);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_read_header(decoder);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_frame_info(decoder, &info);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_interleave_mode(decoder, &interleave);
    if (code == CHARLS_JPEGLS_ERRC_SUCCESS) code = charls_jpegls_decoder_get_destination_size(decoder, 0, &size);
    if (code != CHARLS_JPEGLS_ERRC_SUCCESS) {
        describe(code, error);
        goto done;
    }
    if (info.width != h->width || info.height != h->height || (int)info.component_count != h->components ||
        info.bits_per_sample != h->precision || size != pixels * components * bytes_per_sample ||
        output_bytes != pixels * components * sizeof(uint32_t)) {
        ccodecs_set_message(error, "CharLS reads the frame header differently (%u×%u, %d components, %d bits)",
                            info.width, info.height, info.component_count, info.bits_per_sample);
        goto done;
    }
    decoded = malloc(size);
    if (decoded == NULL) {
        ccodecs_set_message(error, "out of memory");
        goto done;
    }
    code = charls_jpegls_decoder_decode_to_buffer(decoder, decoded, size, 0);
    if (code != CHARLS_JPEGLS_ERRC_SUCCESS) {
        describe(code, error);
        goto done;
    }
    /* Interleave mode none stores the components one after another; line and sample
     * interleaving come out pixel by pixel. */
    int planar = interleave == CHARLS_INTERLEAVE_MODE_NONE && components > 1;
    uint32_t *words = output;
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
    status = 0;
done:
    free(decoded);
    charls_jpegls_decoder_destroy(decoder);
    return status;
}

int ccodecs_jpegls_read(ccodecs_jpegls_reader *reader, uint32_t *words, size_t word_count, ccodecs_message *error) {
    const ccodecs_coded_header *h = &reader->header;
    size_t pixels = (size_t)h->width * h->height;
    if (word_count != pixels * (size_t)h->components) {
        ccodecs_set_message(error, "internal error: the sample buffer does not fit the image");
        return 1;
    }
    /* CharLS decodes well over 50 Mpx/s: 5 s plus 1 s per megapixel is ample (see j2k_decode.c). */
    double seconds = 5.0 + (double)pixels / 1e6;
    return ccodecs_run_isolated(decode_isolated, reader, words, word_count * sizeof(uint32_t), seconds, "CharLS", error);
}

void ccodecs_jpegls_close(ccodecs_jpegls_reader *reader) { free(reader); }
