/* PNG encoding with libpng into a growable memory buffer. */
#include "ccodecs_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct png_writer {
    ccodecs_message *error;
    ccodecs_buffer *out;
} png_writer;

static void on_error(png_structp png, png_const_charp text) {
    png_writer *writer = png_get_error_ptr(png);
    ccodecs_set_message(writer->error, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void write_to_memory(png_structp png, png_bytep data, size_t length) {
    png_writer *writer = png_get_io_ptr(png);
    if (ccodecs_buffer_reserve(writer->out, length) != 0) png_error(png, "out of memory");
    memcpy(writer->out->bytes + writer->out->count, data, length);
    writer->out->count += length;
}

static void flush_memory(png_structp png) {
    (void)png;
}

/* One encoder for both layouts. `gray` or `rgb` is set; `row` is a width-byte scratch row for
 * 8-bit gray (uint16_t samples narrowed to bytes), allocated by the caller before setjmp. */
static int encode(const uint16_t *gray, const uint8_t *rgb, uint8_t *row, uint32_t width,
                  uint32_t height, int bit_depth, uint32_t ppm_x, uint32_t ppm_y,
                  ccodecs_buffer *out, ccodecs_message *error) {
    memset(out, 0, sizeof *out);
    png_writer writer = {error, out};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, on_error, on_warning);
    if (png == NULL) {
        ccodecs_set_message(error, "out of memory");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        ccodecs_set_message(error, "out of memory");
        return 1;
    }
    /* png, info and row are not modified after setjmp; the output lives in *out. */
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        ccodecs_buffer_free(out);
        return 1;
    }
    png_set_write_fn(png, &writer, write_to_memory, flush_memory);
    int color_type = gray != NULL ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, width, height, bit_depth, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (ppm_x > 0 && ppm_y > 0) png_set_pHYs(png, info, ppm_x, ppm_y, PNG_RESOLUTION_METER);
    /* zlib level 3, the strongest of its fast levels: on a 3000x3000 film level 6 (the default)
     * took 1.6x as long for files about a third smaller, and overlays are written per film. */
    png_set_compression_level(png, 3);
    png_write_info(png, info);
    if (bit_depth == 16 && ccodecs_host_is_little_endian()) png_set_swap(png);

    for (uint32_t y = 0; y < height; y++) {
        if (rgb != NULL) {
            png_write_row(png, rgb + (size_t)y * width * 3);
        } else if (bit_depth == 16) {
            /* libpng copies the row before transforming it, so the caller's samples stay intact. */
            png_write_row(png, (png_const_bytep)(gray + (size_t)y * width));
        } else {
            const uint16_t *source = gray + (size_t)y * width;
            for (uint32_t x = 0; x < width; x++) row[x] = (uint8_t)source[x];
            png_write_row(png, row);
        }
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int ccodecs_png_encode_gray(const uint16_t *samples, uint32_t width, uint32_t height, int bit_depth,
                            uint32_t pixels_per_metre_x, uint32_t pixels_per_metre_y,
                            ccodecs_buffer *out, ccodecs_message *error) {
    if (bit_depth != 8 && bit_depth != 16) {
        memset(out, 0, sizeof *out);
        ccodecs_set_message(error, "bit depth %d is not 8 or 16", bit_depth);
        return 1;
    }
    uint8_t *row = NULL;
    if (bit_depth == 8) {
        row = malloc(width > 0 ? width : 1);
        if (row == NULL) {
            memset(out, 0, sizeof *out);
            ccodecs_set_message(error, "out of memory");
            return 1;
        }
    }
    int status = encode(samples, NULL, row, width, height, bit_depth, pixels_per_metre_x,
                        pixels_per_metre_y, out, error);
    free(row);
    return status;
}

int ccodecs_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                           uint32_t pixels_per_metre_x, uint32_t pixels_per_metre_y,
                           ccodecs_buffer *out, ccodecs_message *error) {
    return encode(NULL, rgb, NULL, width, height, 8, pixels_per_metre_x, pixels_per_metre_y, out,
                  error);
}
