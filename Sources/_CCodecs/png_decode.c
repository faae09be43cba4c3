/* PNG decoding with libpng into the caller's uint16_t samples. */
#include "ccodecs_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest ancillary chunk libpng may allocate (iCCP, zTXt, …): none of them matter to a
 * radiograph, and a lying length must not make us allocate more. */
#define CHUNK_MALLOC_MAX (8u << 20)
/* Largest number of ancillary chunks kept (libpng's own default), against chunk floods. */
#define CHUNK_CACHE_MAX 1000u

struct ccodecs_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *bytes;
    size_t count;
    size_t offset;
    /* Where the current call reports its error; set at the start of every entry point. */
    ccodecs_message *error;
    /* Colour images only: decoded RGB rows before they become luma (one row, or the whole image
     * when Adam7 needs every row kept across passes). Freed by close, so it survives a longjmp. */
    uint8_t *scratch;
    /* libpng explains a bad IHDR only in warnings before its generic error; kept to say why. */
    char last_warning[128];
};

static void on_error(png_structp png, png_const_charp text) {
    ccodecs_png_reader *reader = png_get_error_ptr(png);
    if (strcmp(text, "Invalid IHDR data") == 0 && reader->last_warning[0] != 0) {
        ccodecs_set_message(reader->error, "%s (%s)", text, reader->last_warning);
    } else {
        ccodecs_set_message(reader->error, "%s", text);
    }
    png_longjmp(png, 1);
}

/* Warnings (bad ancillary CRCs, unknown chunks) do not change the pixels: never printed, only
 * the last one remembered for on_error. */
static void on_warning(png_structp png, png_const_charp text) {
    ccodecs_png_reader *reader = png_get_error_ptr(png);
    snprintf(reader->last_warning, sizeof reader->last_warning, "%s", text);
}

/* Bounds-checked reader over the caller's bytes: asking past the end is an error, never a read. */
static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    ccodecs_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->count - reader->offset) {
        png_error(png, "premature end of data (the file is truncated)");
    }
    memcpy(out, reader->bytes + reader->offset, length);
    reader->offset += length;
}

ccodecs_png_reader *ccodecs_png_open(const uint8_t *bytes, size_t count, uint32_t max_dimension,
                                     ccodecs_png_header *header, ccodecs_message *error) {
    memset(header, 0, sizeof *header);
    if (bytes == NULL || count == 0) {
        ccodecs_set_message(error, "file is empty");
        return NULL;
    }
    if (count < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        ccodecs_set_message(error, "not a PNG file (the 8-byte signature is missing)");
        return NULL;
    }
    ccodecs_png_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    reader->bytes = bytes;
    reader->count = count;
    reader->error = error;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, on_error, on_warning);
    if (reader->png == NULL) {
        free(reader);
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL) {
        ccodecs_png_close(reader);
        ccodecs_set_message(error, "out of memory");
        return NULL;
    }
    /* `reader` is not modified after this point, so it needs no volatile. */
    if (setjmp(png_jmpbuf(reader->png))) {
        ccodecs_png_close(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, read_from_memory);
    png_set_user_limits(reader->png, max_dimension, max_dimension);
    png_set_chunk_malloc_max(reader->png, CHUNK_MALLOC_MAX);
    png_set_chunk_cache_max(reader->png, CHUNK_CACHE_MAX);
    png_read_info(reader->png, reader->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(reader->png, reader->info, &width, &height, &bit_depth, &color_type, &interlace,
                 NULL, NULL);
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace == PNG_INTERLACE_ADAM7;

    png_uint_32 ppu_x = 0, ppu_y = 0;
    int unit = PNG_RESOLUTION_UNKNOWN;
    if (png_get_pHYs(reader->png, reader->info, &ppu_x, &ppu_y, &unit) &&
        unit == PNG_RESOLUTION_METER && ppu_x > 0 && ppu_y > 0) {
        header->pixels_per_metre_x = ppu_x;
        header->pixels_per_metre_y = ppu_y;
    }
    return reader;
}

/* Reads every row (every Adam7 pass) with row y at `base + y * stride`. libpng fills in the
 * pixels of each later pass around the earlier ones, so the rows must stay in place throughout. */
static void read_rows(png_structp png, int passes, uint8_t *base, size_t stride, uint32_t height) {
    for (int pass = 0; pass < passes; pass++) {
        for (uint32_t y = 0; y < height; y++) {
            png_read_row(png, base + (size_t)y * stride, NULL);
        }
    }
}

static void rgb_row_to_luma(const uint8_t *rgb, uint16_t *out, uint32_t width, int sixteen) {
    if (sixteen) {
        /* Already swapped to host order by png_set_swap. */
        const uint16_t *rgb16 = (const uint16_t *)(const void *)rgb;
        for (uint32_t x = 0; x < width; x++) {
            out[x] = (uint16_t)ccodecs_luma(rgb16[3 * x], rgb16[3 * x + 1], rgb16[3 * x + 2]);
        }
    } else {
        for (uint32_t x = 0; x < width; x++) {
            out[x] = (uint16_t)ccodecs_luma(rgb[3 * x], rgb[3 * x + 1], rgb[3 * x + 2]);
        }
    }
}

int ccodecs_png_read(ccodecs_png_reader *reader, uint16_t *samples, size_t sample_count,
                     ccodecs_message *error) {
    reader->error = error;
    png_structp png = reader->png;
    png_infop info = reader->info;
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    if (samples == NULL || (size_t)width * height != sample_count) {
        ccodecs_set_message(error, "internal error: sample buffer does not match %ux%u",
                            (unsigned)width, (unsigned)height);
        return 1;
    }
    /* Nothing assigned below is read after a longjmp: the scratch buffer lives in `reader`. */
    if (setjmp(png_jmpbuf(png))) {
        return 1;
    }
    if (bit_depth < 8) png_set_packing(png);  /* one byte per sample, values kept (not scaled) */
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    if (bit_depth == 16 && ccodecs_host_is_little_endian()) png_set_swap(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    int sixteen = bit_depth == 16;
    uint8_t *base = (uint8_t *)samples;

    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        if (rowbytes != (size_t)width * (sixteen ? 2 : 1)) png_error(png, "unexpected row layout");
        /* 16-bit rows land in their final place; narrower ones packed at the start, then widened. */
        read_rows(png, passes, base, rowbytes, height);
        if (!sixteen) ccodecs_widen_in_place(samples, sample_count);
        break;
    case PNG_COLOR_TYPE_PALETTE: {
        if (rowbytes != width) png_error(png, "unexpected row layout");
        uint16_t luma[256] = {0};  /* indices past the palette read as 0 */
        png_colorp palette = NULL;
        int entries = 0;
        if (png_get_PLTE(png, info, &palette, &entries) && palette != NULL) {
            for (int i = 0; i < entries && i < 256; i++) {
                luma[i] = (uint16_t)ccodecs_luma(palette[i].red, palette[i].green, palette[i].blue);
            }
        }
        read_rows(png, passes, base, rowbytes, height);
        const uint8_t *indices = base;
        for (size_t i = sample_count; i > 0; i--) {  /* backwards, as in ccodecs_widen_in_place */
            samples[i - 1] = luma[indices[i - 1]];
        }
        break;
    }
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_RGB_ALPHA: {
        if (rowbytes != (size_t)width * (sixteen ? 6 : 3)) png_error(png, "unexpected row layout");
        if (passes == 1) {
            reader->scratch = malloc(rowbytes);
            if (reader->scratch == NULL) png_error(png, "out of memory");
            for (uint32_t y = 0; y < height; y++) {
                png_read_row(png, reader->scratch, NULL);
                rgb_row_to_luma(reader->scratch, samples + (size_t)y * width, width, sixteen);
            }
        } else {
            if (height != 0 && rowbytes > SIZE_MAX / height) png_error(png, "image too large");
            reader->scratch = malloc(rowbytes * height);
            if (reader->scratch == NULL) png_error(png, "out of memory");
            read_rows(png, passes, reader->scratch, rowbytes, height);
            for (uint32_t y = 0; y < height; y++) {
                rgb_row_to_luma(reader->scratch + (size_t)y * rowbytes, samples + (size_t)y * width,
                                width, sixteen);
            }
        }
        break;
    }
    default:
        png_error(png, "unknown colour type");
    }
    png_read_end(png, NULL);
    return 0;
}

void ccodecs_png_close(ccodecs_png_reader *reader) {
    if (reader == NULL) return;
    if (reader->png != NULL) {
        png_destroy_read_struct(&reader->png, reader->info != NULL ? &reader->info : NULL, NULL);
    }
    free(reader->scratch);
    free(reader);
}
