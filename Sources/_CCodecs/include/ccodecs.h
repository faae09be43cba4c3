#ifndef CCODECS_H
#define CCODECS_H
/*
 * Internal shim over libpng and libjpeg for the ImageIO module (see ../README.md).
 *
 * Every libpng/libjpeg error is caught inside these functions with setjmp and comes back as a
 * non-zero status plus a message for a person; no longjmp ever leaves this C code, so no Swift
 * frame is ever jumped over. Nothing here includes png.h or jpeglib.h, so Swift never sees them.
 *
 * Decoding is two-phase so that the caller can check the header's dimensions against its limits
 * BEFORE any pixel memory exists: `*_open` reads the header, the caller allocates exactly
 * width*height uint16_t samples, `*_read` writes the pixels straight into them, `*_close` frees
 * the decoder (always, after a successful open).
 */
#include <stddef.h>
#include <stdint.h>

/* A message for the person at the terminal, always NUL-terminated. */
typedef struct ccodecs_message {
    char text[256];
} ccodecs_message;

/* A growable malloc'd byte buffer that the encoders write into. Release with ccodecs_buffer_free
 * after a successful encode; after a failed one the encoder has already released it. */
typedef struct ccodecs_buffer {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} ccodecs_buffer;

void ccodecs_buffer_free(ccodecs_buffer *buffer);

/* ---------------------------------------------------------------- PNG decode */

/* The colour types as the PNG specification numbers them (IHDR byte 9). */
enum {
    CCODECS_PNG_GRAY = 0,
    CCODECS_PNG_RGB = 2,
    CCODECS_PNG_PALETTE = 3,
    CCODECS_PNG_GRAY_ALPHA = 4,
    CCODECS_PNG_RGB_ALPHA = 6
};

typedef struct ccodecs_png_header {
    uint32_t width;
    uint32_t height;
    int bit_depth;   /* as stored: 1, 2, 4, 8 or 16 */
    int color_type;  /* one of CCODECS_PNG_* */
    int interlaced;  /* 1 for Adam7 */
    /* pHYs in pixels per metre; both 0 unless the chunk is present, its unit is the metre and
     * both values are positive. */
    uint32_t pixels_per_metre_x;
    uint32_t pixels_per_metre_y;
} ccodecs_png_header;

typedef struct ccodecs_png_reader ccodecs_png_reader;

/* Reads the signature and every chunk up to the first IDAT. `bytes` must stay valid and unchanged
 * until ccodecs_png_close. Width and height above `max_dimension` are refused by libpng itself.
 * Returns NULL and fills `error` on failure (nothing to close then). */
ccodecs_png_reader *ccodecs_png_open(const uint8_t *bytes, size_t count, uint32_t max_dimension,
                                     ccodecs_png_header *header, ccodecs_message *error);

/* Decodes the image into `samples` (exactly width*height values, row-major): gray at its own
 * bit depth (1/2/4-bit keep their values 0…2^depth-1), alpha dropped, colour and palette turned
 * into Rec. 601 luma round((299 R + 587 G + 114 B) / 1000). Reads through IEND, so a truncated
 * file is an error even when all pixels arrived. Returns 0 on success. Call at most once. */
int ccodecs_png_read(ccodecs_png_reader *reader, uint16_t *samples, size_t sample_count,
                     ccodecs_message *error);

void ccodecs_png_close(ccodecs_png_reader *reader);

/* ---------------------------------------------------------------- PNG decode on libdeflate */

typedef struct ccodecs_png_fast_reader ccodecs_png_fast_reader;

/* The fast path for the PNGs detect reads (non-interlaced, 8 or 16 bits, gray, gray+alpha, RGB,
 * RGBA, every CRC right): parses every chunk through IEND and fills `header` (as
 * ccodecs_png_open does). Returns NULL for anything else, which the caller then decodes with
 * ccodecs_png_open/read: this path never reports an error of its own. `bytes` must stay valid
 * until ccodecs_png_fast_close. */
ccodecs_png_fast_reader *ccodecs_png_fast_open(const uint8_t *bytes, size_t count, ccodecs_png_header *header);

/* Inflates with libdeflate, unfilters and converts into `samples` (width*height values, the
 * same values ccodecs_png_read gives). Returns 0, or 2 when libpng must decide (image data
 * short, long or corrupt, a bad filter type, no memory): the caller then decodes with libpng. */
int ccodecs_png_fast_read(ccodecs_png_fast_reader *reader, uint16_t *samples, size_t sample_count);

void ccodecs_png_fast_close(ccodecs_png_fast_reader *reader);

/* ---------------------------------------------------------------- JPEG decode */

enum {
    CCODECS_JPEG_UNKNOWN = 0,
    CCODECS_JPEG_GRAY = 1,
    CCODECS_JPEG_YCBCR = 2,
    CCODECS_JPEG_RGB = 3,
    CCODECS_JPEG_CMYK = 4,
    CCODECS_JPEG_YCCK = 5
};

typedef struct ccodecs_jpeg_header {
    uint32_t width;
    uint32_t height;
    int components;
    int color_space;  /* one of CCODECS_JPEG_* */
    int precision;    /* bits per sample, 8 for everything this build decodes */
    int progressive;
} ccodecs_jpeg_header;

typedef struct ccodecs_jpeg_reader ccodecs_jpeg_reader;

/* Reads the markers up to the first scan. `max_memory` caps libjpeg's working memory (whole-image
 * coefficient buffers of progressive files); `bytes` must stay valid until ccodecs_jpeg_close. */
ccodecs_jpeg_reader *ccodecs_jpeg_open(const uint8_t *bytes, size_t count, size_t max_memory,
                                       ccodecs_jpeg_header *header, ccodecs_message *error);

/* Decodes to 8-bit grayscale (colour: libjpeg's Y, i.e. Rec. 601 luma) into `samples`
 * (width*height values). Premature end of data and corrupt entropy data are errors, not the
 * grey fill libjpeg would substitute. Returns 0 on success. Call at most once. */
int ccodecs_jpeg_read(ccodecs_jpeg_reader *reader, uint16_t *samples, size_t sample_count,
                      ccodecs_message *error);

void ccodecs_jpeg_close(ccodecs_jpeg_reader *reader);

/* ---------------------------------------------------------------- Encoders */

/* 1-channel PNG. bit_depth 8 (samples must be ≤ 255) or 16. pHYs written in metres when both
 * pixels_per_metre values are positive. Returns 0 and a filled `out`, or non-zero and `error`. */
int ccodecs_png_encode_gray(const uint16_t *samples, uint32_t width, uint32_t height, int bit_depth,
                            uint32_t pixels_per_metre_x, uint32_t pixels_per_metre_y,
                            ccodecs_buffer *out, ccodecs_message *error);

/* 8-bit RGB PNG from interleaved R, G, B bytes (3*width*height). */
int ccodecs_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                           uint32_t pixels_per_metre_x, uint32_t pixels_per_metre_y,
                           ccodecs_buffer *out, ccodecs_message *error);

/* Baseline 8-bit grayscale JPEG at `quality` 1…100 (libjpeg's scale). */
int ccodecs_jpeg_encode_gray(const uint8_t *samples, uint32_t width, uint32_t height, int quality,
                             ccodecs_buffer *out, ccodecs_message *error);

/* ---------------------------------------------------------------- Deflate (libdeflate) */

/* Inflates a raw deflate stream (no zlib or gzip header, as DICOM's Deflated Explicit VR Little
 * Endian stores its data set, PS3.5 A.5) into `out`, which must be zeroed on entry. Output
 * beyond `max_output` bytes is an error, so a small file cannot expand into gigabytes. Bytes
 * after the end of the deflate stream are ignored (writers pad to an even length). Returns 0 and
 * a filled `out` (release with ccodecs_buffer_free), or non-zero and `error` with `out` released:
 * 2 when the output would pass `max_output`, 1 for any other failure. */
int ccodecs_inflate_raw(const uint8_t *bytes, size_t count, size_t max_output,
                        ccodecs_buffer *out, ccodecs_message *error);

/* ---------------------------------------------------------------- JPEG decode, all components */

/* Like ccodecs_jpeg_read, but writes every component as libjpeg decodes it, without colour
 * conversion (a YCbCr file gives Y, Cb, Cr upsampled to full size; an RGB file R, G, B),
 * interleaved, 8 bits each, into `samples` (width*height*components bytes). This is what DICOM
 * calls the stored values of a JPEG frame. Returns 0 on success. Call at most once, instead of
 * ccodecs_jpeg_read. */
int ccodecs_jpeg_read_components(ccodecs_jpeg_reader *reader, uint8_t *samples, size_t sample_count,
                                 ccodecs_message *error);

/* ---------------------------------------------------------------- JPEG 2000, HTJ2K and JPEG-LS */

/* What a JPEG 2000 / HTJ2K or JPEG-LS codestream says about its image, read before any sample
 * memory exists. Every component has the same size, precision and signedness (anything else is
 * refused in `*_open`), so one set of fields describes them all. */
typedef struct ccodecs_coded_header {
    uint32_t width;
    uint32_t height;
    int components;
    int precision;      /* bits per sample, 1…16 */
    int is_signed;      /* JPEG 2000 only (SIZ Ssiz bit 7); JPEG-LS has no sign, always 0 */
} ccodecs_coded_header;

typedef struct ccodecs_j2k_reader ccodecs_j2k_reader;

/* Reads a JPEG 2000 Part 1 or HTJ2K (Part 15) codestream, bare or in a JP2 file, from memory
 * through OpenJPEG. Before OpenJPEG sees the bytes, the SIZ marker is parsed here and images
 * over `max_pixels` pixels, more than 4 components or more than 65535 tiles are refused, so no
 * decoder allocation is sized from an unchecked header. `threads` 1 decodes on the calling
 * thread, 0 on one OpenJPEG worker per CPU (opj_codec_set_threads), for large films.
 * `bytes` must stay valid until ccodecs_j2k_close. Returns NULL and fills `error` on failure
 * (nothing to close then). */
ccodecs_j2k_reader *ccodecs_j2k_open(const uint8_t *bytes, size_t count, size_t max_pixels, int threads,
                                     ccodecs_coded_header *header, ccodecs_message *error);

/* Decodes every component into `words` (width*height*components values, interleaved pixel by
 * pixel, colour transform already undone by OpenJPEG): each the decoded integer's two's
 * complement bits. A truncated or corrupt codestream is an error (OpenJPEG's strict mode), not
 * a partial image. OpenJPEG runs in a child process (isolate.c): Debian's build aborts on
 * failed assertions in its HTJ2K decoder, which hostile data reaches; that, a crash or a run
 * past 5 s + 1 s per megapixel is an error here. Returns 0 on success. Call at most once. */
int ccodecs_j2k_read(ccodecs_j2k_reader *reader, uint32_t *words, size_t word_count, ccodecs_message *error);

void ccodecs_j2k_close(ccodecs_j2k_reader *reader);

typedef struct ccodecs_jpegls_reader ccodecs_jpegls_reader;

/* Reads a JPEG-LS (ISO/IEC 14495-1) frame header (SOF55) from memory. Images over
 * `max_pixels` pixels or with more than 4 components are refused here, and so is a codestream
 * that does not end with EOI (truncated). */
ccodecs_jpegls_reader *ccodecs_jpegls_open(const uint8_t *bytes, size_t count, size_t max_pixels,
                                           ccodecs_coded_header *header, ccodecs_message *error);

/* Decodes with CharLS's C API into `words` (width*height*components values, interleaved pixel by
 * pixel whatever the codestream's interleave mode), in a child process (isolate.c): Debian's
 * CharLS 2.4.1 can loop forever on a corrupt scan, and a run past 5 s + 1 s per megapixel of CPU time is
 * an error here. Returns 0 on success. Call at most once. */
int ccodecs_jpegls_read(ccodecs_jpegls_reader *reader, uint32_t *words, size_t word_count, ccodecs_message *error);

void ccodecs_jpegls_close(ccodecs_jpegls_reader *reader);

/* ---------------------------------------------------------------- Isolation self-test */

/* Runs test work through the child-process isolation of the OpenJPEG and CharLS decoders:
 * mode 0 fills `output` with 0x5A and succeeds, 1 aborts, 2 spins until `seconds` of CPU time
 * are used. Returns 0 or 1 with `error` filled, as the decoders do. For the tests. */
int ccodecs_isolation_selftest(int mode, double seconds, uint8_t *output, size_t output_bytes, ccodecs_message *error);

#endif
