/* JPEG decoding with libjpeg(-turbo) into the caller's uint16_t samples, as 8-bit grayscale. */
#include "ccodecs_internal.h"

#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* A progressive file may hold any number of scans, and each costs a pass over the coefficients;
 * a crafted file with thousands of tiny scans takes minutes. Real encoders write about 10. */
#define MAX_SCANS 500

struct ccodecs_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr errors;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    ccodecs_message *error;
};

static ccodecs_jpeg_reader *reader_of(j_common_ptr cinfo) {
    return (ccodecs_jpeg_reader *)cinfo->client_data;
}

/* Formats libjpeg's current message, in plainer words where the stock one would puzzle a user. */
static void describe(j_common_ptr cinfo, ccodecs_message *message) {
    struct jpeg_error_mgr *errors = cinfo->err;
    switch (errors->msg_code) {
    case JERR_BAD_PRECISION:
        ccodecs_set_message(message, "%d-bit samples are not supported (only 8-bit JPEG)",
                            errors->msg_parm.i[0]);
        return;
    case JERR_NO_BACKING_STORE:
    case JERR_OUT_OF_MEMORY:
        ccodecs_set_message(message, "decoding needs more working memory than allowed (%lu MB)",
                            (unsigned long)(cinfo->mem->max_memory_to_use >> 20));
        return;
    case JERR_INPUT_EMPTY:
        ccodecs_set_message(message, "file is empty");
        return;
    case JWRN_JPEG_EOF:
        ccodecs_set_message(message, "premature end of data (the file is truncated)");
        return;
    default: {
        char text[JMSG_LENGTH_MAX];
        errors->format_message(cinfo, text);
        ccodecs_set_message(message, "%s", text);
    }
    }
}

static void on_error_exit(j_common_ptr cinfo) {
    ccodecs_jpeg_reader *reader = reader_of(cinfo);
    describe(cinfo, reader->error);
    longjmp(reader->jump, 1);
}

/* libjpeg reports lost data only as warnings and fills the gap with grey; for measurements that
 * is a wrong image, so those warnings end decoding. Harmless ones (junk bytes between markers,
 * odd JFIF versions) and trace messages are ignored. */
static void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
        on_error_exit(cinfo);
        break;
    default:
        break;
    }
}

static void on_output_message(j_common_ptr cinfo) {
    (void)cinfo; /* never print to stderr from a library */
}

static void on_progress(j_common_ptr cinfo) {
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->input_scan_number > MAX_SCANS) {
        ccodecs_jpeg_reader *reader = reader_of(cinfo);
        ccodecs_set_message(reader->error, "more than %d scans; refusing a file built to stall decoding",
                            MAX_SCANS);
        longjmp(reader->jump, 1);
    }
}

static int color_space_code(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return CCODECS_JPEG_GRAY;
    case JCS_YCbCr: return CCODECS_JPEG_YCBCR;
    case JCS_RGB: return CCODECS_JPEG_RGB;
    case JCS_CMYK: return CCODECS_JPEG_CMYK;
    case JCS_YCCK: return CCODECS_JPEG_YCCK;
    default: return CCODECS_JPEG_UNKNOWN;
    }
}

ccodecs_jpeg_reader *ccodecs_jpeg_open(const uint8_t *bytes, size_t count, size_t max_memory,
                                       ccodecs_jpeg_header *header, ccodecs_message *error) {
    memset(header, 0, sizeof *header);
    if (bytes == NULL || count == 0) {
        ccodecs_set_message(error, "file is empty");
        return NULL;
    }
    if (count > (unsigned long)-1) {
        ccodecs_set_message(error, "file too large");
        return NULL;
    }
    ccodecs_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    reader->error = error;
    reader->cinfo.err = jpeg_std_error(&reader->errors);
    reader->errors.error_exit = on_error_exit;
    reader->errors.emit_message = on_message;
    reader->errors.output_message = on_output_message;
    reader->cinfo.client_data = reader;
    /* `reader` is not modified after this point. jpeg_destroy_decompress copes with a struct
     * whose creation failed half-way (its memory manager pointer is still NULL from calloc). */
    if (setjmp(reader->jump)) {
        ccodecs_jpeg_close(reader);
        return NULL;
    }
    jpeg_create_decompress(&reader->cinfo);
    reader->cinfo.client_data = reader; /* jpeg_create_decompress clears it */
    reader->cinfo.mem->max_memory_to_use = (long)(max_memory > (size_t)0x7fffffffffffffff
                                                      ? 0x7fffffffffffffff : max_memory);
    reader->progress.progress_monitor = on_progress;
    reader->cinfo.progress = &reader->progress;
    jpeg_mem_src(&reader->cinfo, bytes, (unsigned long)count);
    jpeg_read_header(&reader->cinfo, TRUE);

    header->width = reader->cinfo.image_width;
    header->height = reader->cinfo.image_height;
    header->components = reader->cinfo.num_components;
    header->color_space = color_space_code(reader->cinfo.jpeg_color_space);
    header->precision = reader->cinfo.data_precision;
    header->progressive = reader->cinfo.progressive_mode ? 1 : 0;
    return reader;
}

int ccodecs_jpeg_read(ccodecs_jpeg_reader *reader, uint16_t *samples, size_t sample_count,
                      ccodecs_message *error) {
    reader->error = error;
    j_decompress_ptr cinfo = &reader->cinfo;
    if (samples == NULL || (size_t)cinfo->image_width * cinfo->image_height != sample_count) {
        ccodecs_set_message(error, "internal error: sample buffer does not match %ux%u",
                            (unsigned)cinfo->image_width, (unsigned)cinfo->image_height);
        return 1;
    }
    /* No local assigned below is read after a longjmp. */
    if (setjmp(reader->jump)) {
        return 1;
    }
    cinfo->out_color_space = JCS_GRAYSCALE; /* for YCbCr that is the Y plane, untouched */
    cinfo->dct_method = JDCT_ISLOW;         /* the accurate IDCT, same result on every CPU */
    jpeg_start_decompress(cinfo);
    if (cinfo->output_components != 1 || cinfo->output_width != cinfo->image_width ||
        cinfo->output_height != cinfo->image_height) {
        ccodecs_set_message(error, "internal error: unexpected output layout");
        return 1;  /* close destroys the half-used decompressor */
    }
    /* Up to 16 rows at a time into libjpeg's own row buffer (freed with the decompressor, so a
     * longjmp leaks nothing), each widened to 16 bits as it is copied out: a loop the compiler
     * vectorises, over rows still in the cache. */
    size_t width = cinfo->output_width;
    enum { batch = 16 };
    JSAMPARRAY rows = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE, cinfo->output_width, batch);
    while (cinfo->output_scanline < cinfo->output_height) {
        size_t first = cinfo->output_scanline;
        JDIMENSION got = jpeg_read_scanlines(cinfo, rows, batch);
        if (got == 0) {
            ccodecs_set_message(error, "decoder stopped making progress");
            return 1;
        }
        for (JDIMENSION r = 0; r < got; r++) {
            uint16_t *out = samples + (first + r) * width;
            const JSAMPLE *in = rows[r];
            for (size_t x = 0; x < width; x++) out[x] = in[x];
        }
    }
    /* Reads up to EOI, so a file cut after the last scan is still reported as truncated. */
    jpeg_finish_decompress(cinfo);
    return 0;
}

void ccodecs_jpeg_close(ccodecs_jpeg_reader *reader) {
    if (reader == NULL) return;
    jpeg_destroy_decompress(&reader->cinfo);
    free(reader);
}

int ccodecs_jpeg_read_components(ccodecs_jpeg_reader *reader, uint8_t *samples, size_t sample_count,
                                 ccodecs_message *error) {
    reader->error = error;
    j_decompress_ptr cinfo = &reader->cinfo;
    size_t components = (size_t)cinfo->num_components;
    if (samples == NULL || (size_t)cinfo->image_width * cinfo->image_height * components != sample_count) {
        ccodecs_set_message(error, "internal error: sample buffer does not match %ux%u×%u",
                            (unsigned)cinfo->image_width, (unsigned)cinfo->image_height, (unsigned)components);
        return 1;
    }
    /* No local assigned below is read after a longjmp. */
    if (setjmp(reader->jump)) {
        return 1;
    }
    /* Output in the file's own colour space: no YCbCr → RGB conversion, only upsampling. */
    cinfo->out_color_space = cinfo->jpeg_color_space;
    cinfo->dct_method = JDCT_ISLOW;
    jpeg_start_decompress(cinfo);
    if ((size_t)cinfo->output_components != components || cinfo->output_width != cinfo->image_width ||
        cinfo->output_height != cinfo->image_height) {
        ccodecs_set_message(error, "internal error: unexpected output layout");
        return 1;
    }
    size_t stride = (size_t)cinfo->output_width * components;
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = samples + (size_t)cinfo->output_scanline * stride;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            ccodecs_set_message(error, "decoder stopped making progress");
            return 1;
        }
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}
