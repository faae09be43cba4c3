/* Baseline 8-bit grayscale JPEG encoding with libjpeg(-turbo) into a growable memory buffer. */
#include "ccodecs_internal.h"

#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Our own destination manager instead of jpeg_mem_dest: jpeg_mem_dest publishes the buffer it
 * grew only in term_destination, so after an error mid-way the caller holds a pointer to an
 * already-freed buffer and cannot release the live one. Here the buffer is always in *out. */
typedef struct memory_destination {
    struct jpeg_destination_mgr pub;
    ccodecs_buffer *out;
} memory_destination;

typedef struct jpeg_writer {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr errors;
    memory_destination destination;
    jmp_buf jump;
    ccodecs_message *error;
} jpeg_writer;

static void on_error_exit(j_common_ptr cinfo) {
    jpeg_writer *writer = (jpeg_writer *)cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    ccodecs_set_message(writer->error, "%s", text);
    longjmp(writer->jump, 1);
}

static void on_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

/* Hands libjpeg the free part of the buffer, growing it first when it is full. */
static void offer_space(j_compress_ptr cinfo) {
    memory_destination *destination = (memory_destination *)cinfo->dest;
    ccodecs_buffer *out = destination->out;
    if (out->count == out->capacity && ccodecs_buffer_reserve(out, out->capacity / 2 + 4096) != 0) {
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    }
    destination->pub.next_output_byte = out->bytes + out->count;
    destination->pub.free_in_buffer = out->capacity - out->count;
}

static void init_destination(j_compress_ptr cinfo) {
    offer_space(cinfo);
}

/* Called when everything offered has been filled. */
static boolean empty_output_buffer(j_compress_ptr cinfo) {
    memory_destination *destination = (memory_destination *)cinfo->dest;
    destination->out->count = destination->out->capacity;
    offer_space(cinfo);
    return TRUE;
}

static void term_destination(j_compress_ptr cinfo) {
    memory_destination *destination = (memory_destination *)cinfo->dest;
    destination->out->count = (size_t)(destination->pub.next_output_byte - destination->out->bytes);
}

int ccodecs_jpeg_encode_gray(const uint8_t *samples, uint32_t width, uint32_t height, int quality,
                             ccodecs_buffer *out, ccodecs_message *error) {
    memset(out, 0, sizeof *out);
    jpeg_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) {
        ccodecs_set_message(error, "out of memory");
        return 1;
    }
    writer->error = error;
    writer->cinfo.err = jpeg_std_error(&writer->errors);
    writer->errors.error_exit = on_error_exit;
    writer->errors.output_message = on_output_message;
    writer->cinfo.client_data = writer;
    /* `writer` is not modified after this point; the output lives in *out. */
    if (setjmp(writer->jump)) {
        jpeg_destroy_compress(&writer->cinfo);
        free(writer);
        ccodecs_buffer_free(out);
        return 1;
    }
    jpeg_create_compress(&writer->cinfo);
    j_compress_ptr cinfo = &writer->cinfo;
    cinfo->client_data = writer;
    writer->destination.pub.init_destination = init_destination;
    writer->destination.pub.empty_output_buffer = empty_output_buffer;
    writer->destination.pub.term_destination = term_destination;
    writer->destination.out = out;
    cinfo->dest = &writer->destination.pub;

    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 1;
    cinfo->in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->dct_method = JDCT_ISLOW;
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(samples + (size_t)cinfo->next_scanline * width);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);
    free(writer);
    return 0;
}
