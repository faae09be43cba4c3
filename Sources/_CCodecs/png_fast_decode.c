/* A PNG decode path on libdeflate for the PNG films detect reads: non-interlaced, 8 or 16 bits
 * per sample, gray, gray+alpha, RGB or RGBA. Chunks and CRCs are parsed here, the image data is
 * inflated in one call by libdeflate (about twice zlib's speed), rows are unfiltered in place and
 * turned into the same uint16_t samples png_decode.c gives. Everything else — interlacing,
 * palettes, depths below 8, and every file with anything wrong or unusual (a bad CRC, too little
 * or too much image data, an unknown critical chunk) — is left to libpng: `open` returns NULL
 * with `*unsupported` set, or `read` returns 2, and the caller decodes with libpng, which then
 * reads the file or reports its own error. So this path never decides an error message. */
#include "ccodecs_internal.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A film's filtered image (18 MB for 3000² at 16 bits) is written once by inflate: on huge pages
 * the first touches cost about half (../shared/TOOLCHAIN-NOTES.md, "clear_page_erms"). */
static void *allocate_image(size_t bytes) {
    if (bytes < (4u << 20)) return malloc(bytes);
    void *p = NULL;
    if (posix_memalign(&p, 2u << 20, bytes) != 0) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

struct ccodecs_png_fast_reader {
    ccodecs_png_header header;
    const uint8_t *bytes;
    /* The IDAT chunks' data, in order (consecutive chunks, as the specification requires). */
    size_t first_idat;   /* offset of the first IDAT's data */
    size_t idat_chunks;
    size_t idat_bytes;   /* their data in total */
    size_t idat_end;     /* offset just past the last IDAT chunk (its CRC) */
};

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

ccodecs_png_fast_reader *ccodecs_png_fast_open(const uint8_t *bytes, size_t count, ccodecs_png_header *header) {
    static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (count < 8 || memcmp(bytes, signature, 8) != 0) return NULL;
    ccodecs_png_fast_reader r;
    memset(&r, 0, sizeof r);
    r.bytes = bytes;
    size_t at = 8;
    int seen_ihdr = 0, seen_iend = 0, seen_phys = 0, in_idat = 0, idat_done = 0;
    while (!seen_iend) {
        if (count - at < 12) return NULL;
        uint32_t length = be32(bytes + at);
        uint32_t type = be32(bytes + at + 4);
        if (length > 0x7FFFFFFFu || length > count - at - 12) return NULL;
        const uint8_t *data = bytes + at + 8;
        if (libdeflate_crc32(0, bytes + at + 4, (size_t)length + 4) != be32(data + length)) return NULL;
        if (!seen_ihdr && type != 0x49484452u) return NULL; /* IHDR must come first */
        if (type != 0x49444154u && in_idat) { in_idat = 0; idat_done = 1; }
        switch (type) {
        case 0x49484452u: /* IHDR */
            if (seen_ihdr || length != 13) return NULL;
            seen_ihdr = 1;
            r.header.width = be32(data);
            r.header.height = be32(data + 4);
            r.header.bit_depth = data[8];
            r.header.color_type = data[9];
            r.header.interlaced = data[12];
            if (r.header.width == 0 || r.header.height == 0 || r.header.width > 0x7FFFFFFFu ||
                r.header.height > 0x7FFFFFFFu || data[10] != 0 || data[11] != 0 || data[12] != 0) return NULL;
            if (r.header.bit_depth != 8 && r.header.bit_depth != 16) return NULL;
            if (r.header.color_type != CCODECS_PNG_GRAY && r.header.color_type != CCODECS_PNG_GRAY_ALPHA &&
                r.header.color_type != CCODECS_PNG_RGB && r.header.color_type != CCODECS_PNG_RGB_ALPHA) return NULL;
            break;
        case 0x49444154u: /* IDAT */
            if (idat_done) return NULL;
            if (!in_idat) r.first_idat = at + 8;
            in_idat = 1;
            r.idat_chunks++;
            r.idat_bytes += length;
            r.idat_end = at + 12 + length;
            break;
        case 0x49454E44u: /* IEND */
            seen_iend = 1;
            break;
        case 0x70485973u: /* pHYs: the first one counts, as in libpng */
            if (seen_phys || length != 9 || r.idat_chunks > 0) return NULL;
            seen_phys = 1;
            if (be32(data) > 0x7FFFFFFFu || be32(data + 4) > 0x7FFFFFFFu) return NULL;
            if (data[8] == 1 && be32(data) > 0 && be32(data + 4) > 0) {
                r.header.pixels_per_metre_x = be32(data);
                r.header.pixels_per_metre_y = be32(data + 4);
            }
            break;
        case 0x504C5445u: /* PLTE: a suggestion in an RGB file, an error in a gray one */
            if (r.header.color_type != CCODECS_PNG_RGB && r.header.color_type != CCODECS_PNG_RGB_ALPHA) return NULL;
            break;
        default:
            /* An unknown critical chunk (upper-case first letter) is libpng's to judge; ancillary
             * ones do not change the pixels. */
            if ((bytes[at + 4] & 0x20) == 0) return NULL;
            break;
        }
        at += 12 + (size_t)length;
    }
    if (r.idat_chunks == 0) return NULL;
    ccodecs_png_fast_reader *reader = malloc(sizeof *reader);
    if (reader == NULL) return NULL;
    *reader = r;
    *header = r.header;
    return reader;
}

/* Paeth predictor (PNG specification 9.4), branch-light. */
static inline uint8_t paeth(int a, int b, int c) {
    int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
    return (uint8_t)((pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c));
}

/* Undoes row filter `filter` on `cur` (rowbytes bytes) given the unfiltered previous row. */
static int unfilter(uint8_t filter, uint8_t *restrict cur, const uint8_t *restrict prev, size_t rowbytes, size_t bpp) {
    switch (filter) {
    case 0:
        return 0;
    case 1:
        for (size_t i = bpp; i < rowbytes; i++) cur[i] = (uint8_t)(cur[i] + cur[i - bpp]);
        return 0;
    case 2:
        for (size_t i = 0; i < rowbytes; i++) cur[i] = (uint8_t)(cur[i] + prev[i]);
        return 0;
    case 3:
        for (size_t i = 0; i < bpp; i++) cur[i] = (uint8_t)(cur[i] + (prev[i] >> 1));
        for (size_t i = bpp; i < rowbytes; i++) cur[i] = (uint8_t)(cur[i] + ((cur[i - bpp] + prev[i]) >> 1));
        return 0;
    case 4:
        for (size_t i = 0; i < bpp; i++) cur[i] = (uint8_t)(cur[i] + prev[i]);
        for (size_t i = bpp; i < rowbytes; i++) cur[i] = (uint8_t)(cur[i] + paeth(cur[i - bpp], prev[i], prev[i - bpp]));
        return 0;
    default:
        return 1;
    }
}

/* One unfiltered row into `width` samples: gray kept, alpha dropped, colour as Rec. 601 luma
 * (the same formula as png_decode.c), 16-bit samples from big-endian. */
static void convert_row(const uint8_t *restrict row, uint16_t *restrict out, uint32_t width, int color_type, int depth) {
    size_t channels = color_type == CCODECS_PNG_GRAY ? 1 : color_type == CCODECS_PNG_GRAY_ALPHA ? 2
                    : color_type == CCODECS_PNG_RGB ? 3 : 4;
    if (depth == 8) {
        if (channels <= 2) {
            for (uint32_t x = 0; x < width; x++) out[x] = row[x * channels];
        } else {
            for (uint32_t x = 0; x < width; x++) {
                const uint8_t *p = row + x * channels;
                out[x] = (uint16_t)ccodecs_luma(p[0], p[1], p[2]);
            }
        }
    } else if (channels == 1) {
        for (uint32_t x = 0; x < width; x++) {
            uint16_t v;
            memcpy(&v, row + 2 * x, 2);
            out[x] = ccodecs_host_is_little_endian() ? __builtin_bswap16(v) : v;  /* PNG is big-endian */
        }
    } else if (channels == 2) {
        for (uint32_t x = 0; x < width; x++) out[x] = (uint16_t)(row[4 * x] << 8 | row[4 * x + 1]);
    } else {
        for (uint32_t x = 0; x < width; x++) {
            const uint8_t *p = row + x * channels * 2;
            out[x] = (uint16_t)ccodecs_luma((uint32_t)p[0] << 8 | p[1], (uint32_t)p[2] << 8 | p[3], (uint32_t)p[4] << 8 | p[5]);
        }
    }
}

int ccodecs_png_fast_read(ccodecs_png_fast_reader *reader, uint16_t *samples, size_t sample_count) {
    const ccodecs_png_header *h = &reader->header;
    size_t channels = h->color_type == CCODECS_PNG_GRAY ? 1 : h->color_type == CCODECS_PNG_GRAY_ALPHA ? 2
                    : h->color_type == CCODECS_PNG_RGB ? 3 : 4;
    size_t bpp = channels * (size_t)(h->bit_depth / 8);
    size_t width = h->width, height = h->height;
    if (sample_count != width * height) return 2;
    /* width × height was checked against the caller's limit; bpp ≤ 8, so no overflow. */
    size_t rowbytes = width * bpp;
    size_t filtered_size = height * (rowbytes + 1);

    /* One IDAT is inflated in place; several are joined first (their chunk headers in between). */
    const uint8_t *idat = reader->bytes + reader->first_idat;
    uint8_t *joined = NULL;
    if (reader->idat_chunks > 1) {
        joined = malloc(reader->idat_bytes);
        if (joined == NULL) return 2;
        size_t at = reader->first_idat - 8, filled = 0;
        while (at < reader->idat_end) {
            uint32_t length = be32(reader->bytes + at);
            memcpy(joined + filled, reader->bytes + at + 8, length);
            filled += length;
            at += 12 + (size_t)length;
        }
        idat = joined;
    }
    uint8_t *filtered = allocate_image(filtered_size);
    uint8_t *zero_row = calloc(rowbytes, 1);
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    int status = 2;
    if (filtered == NULL || zero_row == NULL || inflater == NULL) goto done;
    /* Exactly the filtered image, or libpng decides (it tolerates extra data with a warning). */
    if (libdeflate_zlib_decompress(inflater, idat, reader->idat_bytes, filtered, filtered_size, NULL) != LIBDEFLATE_SUCCESS) goto done;
    const uint8_t *prev = zero_row;
    for (size_t y = 0; y < height; y++) {
        uint8_t *row = filtered + y * (rowbytes + 1);
        if (unfilter(row[0], row + 1, prev, rowbytes, bpp) != 0) goto done;
        convert_row(row + 1, samples + y * width, h->width, h->color_type, h->bit_depth);
        prev = row + 1;
    }
    status = 0;
done:
    libdeflate_free_decompressor(inflater);
    free(zero_row);
    free(filtered);
    free(joined);
    return status;
}

void ccodecs_png_fast_close(ccodecs_png_fast_reader *reader) { free(reader); }
