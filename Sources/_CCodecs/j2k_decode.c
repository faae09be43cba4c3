/* JPEG 2000 Part 1 and HTJ2K decoding with OpenJPEG (2.5) from memory, for DICOM's
 * 1.2.840.10008.1.2.4.90/.91 and .201/.202/.203 transfer syntaxes. */
#include "ccodecs_internal.h"

#include <openjpeg.h>
#include <stdlib.h>
#include <string.h>

/* PS3.5 A.4.4 allows at most 65535 tiles, and OpenJPEG allocates per tile from the header. */
#define MAX_TILES 65535u
#define MAX_COMPONENTS 4

typedef struct memory_source {
    const uint8_t *bytes;
    size_t count;
    size_t offset;
} memory_source;

struct ccodecs_j2k_reader {
    const uint8_t *bytes;
    size_t count;
    OPJ_CODEC_FORMAT format;
    int threads;
    ccodecs_coded_header header;
};

/* OpenJPEG's state for one decode, inside the child process of ccodecs_j2k_read. */
typedef struct decode_state {
    memory_source source;
    ccodecs_message *error;   /* where OpenJPEG's first error goes */
    int has_error;
} decode_state;

static uint32_t big16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t big32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* OpenJPEG reports through callbacks; the first error is the one that names the cause (later
 * ones say "failed to decode tile"). Warnings and information are dropped: strict mode turns
 * the warnings that mean lost data into errors. */
static void on_error(const char *text, void *user) {
    decode_state *state = user;
    if (state->has_error) return;
    state->has_error = 1;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == ' ')) length--;
    ccodecs_set_message(state->error, "%.*s", (int)length, text);
}

static void on_quiet(const char *text, void *user) { (void)text; (void)user; }

static OPJ_SIZE_T source_read(void *buffer, OPJ_SIZE_T wanted, void *user) {
    memory_source *s = user;
    size_t left = s->count - s->offset;
    if (left == 0) return (OPJ_SIZE_T)-1;
    if (wanted > left) wanted = left;
    memcpy(buffer, s->bytes + s->offset, wanted);
    s->offset += wanted;
    return wanted;
}

static OPJ_OFF_T source_skip(OPJ_OFF_T distance, void *user) {
    memory_source *s = user;
    if (distance < 0) {
        if ((uint64_t)(-distance) > s->offset) return -1;
        s->offset -= (size_t)(-distance);
        return distance;
    }
    size_t left = s->count - s->offset;
    if (left == 0) return -1;
    if ((uint64_t)distance > left) distance = (OPJ_OFF_T)left;
    s->offset += (size_t)distance;
    return distance;
}

static OPJ_BOOL source_seek(OPJ_OFF_T position, void *user) {
    memory_source *s = user;
    if (position < 0 || (uint64_t)position > s->count) return OPJ_FALSE;
    s->offset = (size_t)position;
    return OPJ_TRUE;
}

/* The codestream inside a JP2 file: the contents of the first top-level 'jp2c' box. */
static int find_codestream(const uint8_t *bytes, size_t count, size_t *start, ccodecs_message *error) {
    size_t at = 0;
    for (int boxes = 0; boxes < 1000 && count - at >= 8; boxes++) {
        uint64_t length = big32(bytes + at);
        uint32_t type = big32(bytes + at + 4);
        size_t header = 8;
        if (length == 1) {
            if (count - at < 16) break;
            length = (uint64_t)big32(bytes + at + 8) << 32 | big32(bytes + at + 12);
            header = 16;
        } else if (length == 0) {
            length = count - at;
        }
        if (length < header || length > count - at) break;
        if (type == 0x6A703263u) { /* 'jp2c' */
            *start = at + header;
            return 0;
        }
        at += (size_t)length;
    }
    ccodecs_set_message(error, "the JP2 file holds no complete codestream box (jp2c)");
    return 1;
}

/* Reads SIZ (the marker that must follow SOC) and checks it before OpenJPEG allocates. */
static int read_siz(const uint8_t *bytes, size_t count, size_t max_pixels, ccodecs_coded_header *h,
                    ccodecs_message *error) {
    if (count < 4 || big16(bytes) != 0xFF4F || big16(bytes + 2) != 0xFF51) {
        ccodecs_set_message(error, "not a JPEG 2000 codestream (no SOC and SIZ markers at its start)");
        return 1;
    }
    const uint8_t *p = bytes + 4;
    size_t left = count - 4;
    if (left < 38) goto truncated;
    uint32_t lsiz = big16(p);
    uint32_t x = big32(p + 4), y = big32(p + 8), x0 = big32(p + 12), y0 = big32(p + 16);
    uint32_t tw = big32(p + 20), th = big32(p + 24), tx0 = big32(p + 28), ty0 = big32(p + 32);
    uint32_t components = big16(p + 36);
    if (components < 1 || components > MAX_COMPONENTS) {
        ccodecs_set_message(error, "the codestream has %u components; at most %d are read", components, MAX_COMPONENTS);
        return 1;
    }
    if (lsiz != 38 + 3 * components || left < lsiz) goto truncated;
    if (x <= x0 || y <= y0 || tw == 0 || th == 0 || tx0 > x0 || ty0 > y0 ||
        (uint64_t)tx0 + tw <= x0 || (uint64_t)ty0 + th <= y0) {
        ccodecs_set_message(error, "the codestream's image and tile sizes (SIZ) are inconsistent");
        return 1;
    }
    uint64_t width = x - x0, height = y - y0;
    uint64_t tiles = (((uint64_t)x - tx0 + tw - 1) / tw) * (((uint64_t)y - ty0 + th - 1) / th);
    if (width * height > max_pixels) {
        ccodecs_set_message(error, "the codestream's image is %llu×%llu pixels, over the limit of %zu",
                            (unsigned long long)width, (unsigned long long)height, max_pixels);
        return 1;
    }
    if (tiles > MAX_TILES) {
        ccodecs_set_message(error, "the codestream has %llu tiles, more than the %u allowed", (unsigned long long)tiles, MAX_TILES);
        return 1;
    }
    uint32_t ssiz = p[38];
    for (uint32_t c = 0; c < components; c++) {
        const uint8_t *q = p + 38 + 3 * c;
        if (q[0] != ssiz) {
            ccodecs_set_message(error, "the codestream's components differ in precision or sign");
            return 1;
        }
        if (q[1] != 1 || q[2] != 1) {
            ccodecs_set_message(error, "the codestream's component %u is subsampled (%u×%u), which is not read", c, q[1], q[2]);
            return 1;
        }
    }
    int precision = (int)(ssiz & 0x7F) + 1;
    if (precision > 16) {
        ccodecs_set_message(error, "the codestream holds %d-bit samples; at most 16 bits are read", precision);
        return 1;
    }
    h->width = (uint32_t)width;
    h->height = (uint32_t)height;
    h->components = (int)components;
    h->precision = precision;
    h->is_signed = (ssiz & 0x80) != 0;

    return 0;
truncated:
    ccodecs_set_message(error, "the codestream ends inside its SIZ marker (truncated)");
    return 1;
}

ccodecs_j2k_reader *ccodecs_j2k_open(const uint8_t *bytes, size_t count, size_t max_pixels, int threads,
                                     ccodecs_coded_header *header, ccodecs_message *error) {
    static const uint8_t jp2_signature[12] = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, 0x87, 10};
    OPJ_CODEC_FORMAT format = OPJ_CODEC_J2K;
    size_t start = 0;
    if (count >= 12 && memcmp(bytes, jp2_signature, 12) == 0) {
        format = OPJ_CODEC_JP2;
        if (find_codestream(bytes, count, &start, error) != 0) return NULL;
    }
    ccodecs_coded_header h;
    memset(&h, 0, sizeof h);
    if (read_siz(bytes + start, count - start, max_pixels, &h, error) != 0) return NULL;
    ccodecs_j2k_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    reader->bytes = bytes;
    reader->count = count;
    reader->format = format;
    reader->threads = threads;
    reader->header = h;
    *header = h;
    return reader;
}

/* Everything OpenJPEG does for one frame, in the child process: header, decode, copy out. */
static int decode_isolated(void *context, void *output, size_t output_bytes, ccodecs_message *error) {
    ccodecs_j2k_reader *reader = context;
    const ccodecs_coded_header *h = &reader->header;
    decode_state state = {{reader->bytes, reader->count, 0}, error, 0};
    opj_codec_t *codec = opj_create_decompress(reader->format);
    opj_stream_t *stream = opj_stream_create(1 << 16, OPJ_TRUE);
    opj_image_t *image = NULL;
    int status = 1;
    if (codec == NULL || stream == NULL) {
        ccodecs_set_message(error, "out of memory");
        goto done;
    }
    opj_set_error_handler(codec, on_error, &state);
    opj_set_warning_handler(codec, on_quiet, &state);
    opj_set_info_handler(codec, on_quiet, &state);
    opj_stream_set_user_data(stream, &state.source, NULL);
    opj_stream_set_user_data_length(stream, reader->count);
    opj_stream_set_read_function(stream, source_read);
    opj_stream_set_skip_function(stream, source_skip);
    opj_stream_set_seek_function(stream, source_seek);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec, &parameters) || !opj_decoder_set_strict_mode(codec, OPJ_TRUE)) {
        if (!state.has_error) ccodecs_set_message(error, "OpenJPEG could not set up its decoder");
        goto done;
    }
    if (reader->threads == 0 && opj_has_thread_support()) {
        int cpus = opj_get_num_cpus();
        if (cpus > 1) opj_codec_set_threads(codec, cpus);
    }
    if (!opj_read_header(stream, codec, &image) || image == NULL) {
        if (!state.has_error) ccodecs_set_message(error, "OpenJPEG could not read the codestream header");
        goto done;
    }
    /* OpenJPEG read the same SIZ; a JP2 header could still disagree with it. */
    if (image->numcomps != (OPJ_UINT32)h->components || image->x1 - image->x0 != h->width || image->y1 - image->y0 != h->height) {
        ccodecs_set_message(error, "the JP2 header disagrees with the codestream's size or components");
        goto done;
    }
    if (!opj_decode(codec, stream, image) || !opj_end_decompress(codec, stream)) {
        if (!state.has_error) ccodecs_set_message(error, "OpenJPEG could not decode the codestream");
        goto done;
    }
    size_t pixels = (size_t)h->width * h->height, components = (size_t)h->components;
    for (size_t c = 0; c < components; c++) {
        const opj_image_comp_t *comp = &image->comps[c];
        if (comp->data == NULL || comp->w != h->width || comp->h != h->height || comp->factor != 0) {
            ccodecs_set_message(error, "OpenJPEG decoded component %zu at a size other than the image's", c);
            goto done;
        }
    }
    if (output_bytes != pixels * components * sizeof(uint32_t)) goto done;
    uint32_t *words = output;
    for (size_t c = 0; c < components; c++) {
        const OPJ_INT32 *data = image->comps[c].data;
        for (size_t i = 0; i < pixels; i++) words[i * components + c] = (uint32_t)data[i];
    }
    status = 0;
done:
    if (image != NULL) opj_image_destroy(image);
    if (codec != NULL) opj_destroy_codec(codec);
    if (stream != NULL) opj_stream_destroy(stream);
    return status;
}

int ccodecs_j2k_read(ccodecs_j2k_reader *reader, uint32_t *words, size_t word_count, ccodecs_message *error) {
    const ccodecs_coded_header *h = &reader->header;
    size_t pixels = (size_t)h->width * h->height;
    if (word_count != pixels * (size_t)h->components) {
        ccodecs_set_message(error, "internal error: the sample buffer does not fit the image");
        return 1;
    }
    /* OpenJPEG decodes a 3000² film in about a second on one core: 5 s plus 1 s per megapixel
     * is ample, and keeps a hostile frame's cost bounded (and under the fuzzer's 10 s). */
    double seconds = 5.0 + (double)pixels / 1e6;
    return ccodecs_run_isolated(decode_isolated, reader, words, word_count * sizeof(uint32_t), seconds, "OpenJPEG", error);
}

void ccodecs_j2k_close(ccodecs_j2k_reader *reader) { free(reader); }
