#!/usr/bin/env python3
"""Writes the PNG fixtures for ImageIOTests with nothing but the standard library.

An encoder independent of libpng: chunks, CRCs, the five scanline filters and Adam7 are
written here from the PNG specification, and the expected decoded values (gray at native
bit depth, Rec. 601 luma round-half-up for colour and palette, alpha dropped) are computed
by formula from the same source samples, never by decoding. Output: Fixtures/*.png and
Fixtures/png_expected.json. Also writes a hand-made 12-bit JPEG header (the JPEG fixtures
proper come from make_jpeg_fixtures.py, which needs Pillow).

Run from this folder: python3 make_fixtures.py
"""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Fixtures")
SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(tag, data, corrupt_crc=False):
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    if corrupt_crc:
        crc ^= 0x00010000
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def sample(x, y, c, depth):
    """Deterministic, varied source values that use the full range of the depth."""
    if depth == 16:
        return (x * 4099 + y * 1031 + c * 9001 + x * y * 13 + 17) % 65536
    return (x * 37 + y * 101 + c * 53 + x * y * 7 + 3) % (1 << depth)


def pack_row(values, depth):
    """One scanline's samples as bytes: MSB-first bit packing below 8 bits, big-endian 16."""
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    if depth == 8:
        return bytes(values)
    out, acc, bits = bytearray(), 0, 0
    for v in values:
        acc = (acc << depth) | v
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prior, bpp):
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i] if prior else 0
        c = prior[i - bpp] if prior and i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def scanlines(rows, depth, channels):
    """Filtered scanlines for one (sub-)image, cycling through all five filter types."""
    bpp = max(1, channels * depth // 8)
    data, prior = bytearray(), None
    for y, values in enumerate(rows):
        packed = pack_row(values, depth)
        data += filter_row(y % 5, packed, prior, bpp)
        prior = packed
    return bytes(data)


def image_data(grid, width, height, depth, channels, interlaced):
    """grid[y][x] is a tuple of channel values."""
    flat = lambda cells: [v for cell in cells for v in cell]
    if not interlaced:
        return scanlines([flat(grid[y]) for y in range(height)], depth, channels)
    data = bytearray()
    for x0, y0, dx, dy in ADAM7:
        cols = list(range(x0, width, dx))
        if not cols:
            continue
        rows = [flat([grid[y][x] for x in cols]) for y in range(y0, height, dy)]
        if rows:
            data += scanlines(rows, depth, channels)
    return bytes(data)


def luma(r, g, b):
    return (299 * r + 587 * g + 114 * b + 500) // 1000


def make_png(name, width, height, depth, ctype, interlaced=False, extra=b"", split_idat=1,
             palette_size=0, corrupt_idat_crc=False):
    channels = CHANNELS[ctype]
    palette = []
    if ctype == 3:
        palette = [((i * 73 + 11) % 256, (i * 151 + 40) % 256, (i * 29 + 200) % 256) for i in range(palette_size)]
        grid = [[((x * 5 + y * 3 + x * y) % palette_size,) for x in range(width)] for y in range(height)]
        expected = [luma(*palette[grid[y][x][0]]) for y in range(height) for x in range(width)]
        bits_stored = 8
    else:
        grid = [[tuple(sample(x, y, c, depth) for c in range(channels)) for x in range(width)] for y in range(height)]
        if ctype in (0, 4):
            expected = [grid[y][x][0] for y in range(height) for x in range(width)]
        else:
            expected = [luma(*grid[y][x][:3]) for y in range(height) for x in range(width)]
        bits_stored = depth
    ihdr = struct.pack(">IIBBBBB", width, height, depth, ctype, 0, 0, 1 if interlaced else 0)
    compressed = zlib.compress(image_data(grid, width, height, depth, channels, interlaced), 9)
    body = chunk(b"IHDR", ihdr) + extra
    if palette:
        body += chunk(b"PLTE", bytes(v for entry in palette for v in entry))
    step = -(-len(compressed) // split_idat)
    for i in range(0, len(compressed), step):
        body += chunk(b"IDAT", compressed[i:i + step], corrupt_idat_crc)
    write(name, SIGNATURE + body + chunk(b"IEND", b""))
    return {"width": width, "height": height, "bitsStored": bits_stored, "pixels": expected}


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def phys(x, y, unit):
    return chunk(b"pHYs", struct.pack(">IIB", x, y, unit))


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    W, H = 13, 11  # odd sizes: partial bytes at the end of low-depth rows, every Adam7 pass present

    for depth in (1, 2, 4, 8, 16):
        expected[f"gray{depth}.png"] = make_png(f"gray{depth}.png", W, H, depth, 0)
    for depth in (8, 16):
        expected[f"gray_alpha{depth}.png"] = make_png(f"gray_alpha{depth}.png", W, H, depth, 4)
        expected[f"rgb{depth}.png"] = make_png(f"rgb{depth}.png", W, H, depth, 2)
        expected[f"rgba{depth}.png"] = make_png(f"rgba{depth}.png", W, H, depth, 6)
    for depth, size in ((1, 2), (2, 4), (4, 11), (8, 200)):
        expected[f"palette{depth}.png"] = make_png(f"palette{depth}.png", W, H, depth, 3, palette_size=size)

    for name, depth, ctype, size in (("gray8_adam7.png", 8, 0, 0), ("gray16_adam7.png", 16, 0, 0),
                                     ("gray2_adam7.png", 2, 0, 0), ("rgb8_adam7.png", 8, 2, 0),
                                     ("rgba16_adam7.png", 16, 6, 0), ("palette4_adam7.png", 4, 3, 9)):
        expected[name] = make_png(name, W, H, depth, ctype, interlaced=True, palette_size=size)

    # pHYs: 10000 px/m across (0.1 mm between columns), 8000 px/m down (0.125 mm between rows).
    entry = make_png("gray16_phys.png", W, H, 16, 0, extra=phys(10000, 8000, 1))
    entry["spacing"] = [0.125, 0.1]
    expected["gray16_phys.png"] = entry
    expected["gray8_phys_unknown_unit.png"] = make_png("gray8_phys_unknown_unit.png", W, H, 8, 0,
                                                       extra=phys(10000, 10000, 0))
    expected["gray8_phys_zero.png"] = make_png("gray8_phys_zero.png", W, H, 8, 0, extra=phys(0, 0, 1))
    # tRNS must not change a gray value; image data split over several IDAT chunks.
    expected["gray8_trns_split_idat.png"] = make_png("gray8_trns_split_idat.png", W, H, 8, 0,
                                                     extra=chunk(b"tRNS", struct.pack(">H", 3)), split_idat=4)

    errors = {}
    make_png("bad_crc.png", W, H, 8, 0, corrupt_idat_crc=True)
    errors["bad_crc.png"] = "CRC"
    # 100000 x 100000: legal per side, 10^10 pixels in all; the IDAT is a token few bytes.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    write("huge_dimensions.png", SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
          + chunk(b"IEND", b""))
    errors["huge_dimensions.png"] = "over the limit"
    ihdr = struct.pack(">IIBBBBB", 0, 5, 8, 0, 0, 0, 0)
    write("zero_width.png", SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 5))
          + chunk(b"IEND", b""))
    errors["zero_width.png"] = "Invalid IHDR data (Image width is zero in IHDR)"
    # Too little image data: the zlib stream ends after 3 of 11 rows.
    short = zlib.compress(scanlines([[sample(x, y, 0, 8) for x in range(W)] for y in range(3)], 8, 1))
    write("short_idat.png", SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 0, 0, 0, 0))
          + chunk(b"IDAT", short) + chunk(b"IEND", b""))
    errors["short_idat.png"] = "Not enough image data"

    with open(os.path.join(OUT, "png_expected.json"), "w") as f:
        json.dump({"images": expected, "errors": errors}, f, separators=(",", ":"), sort_keys=True)

    # 12-bit JPEG (SOF1, precision 12): SOI, SOF1, DHT-less SOS is enough to reach the precision check.
    sof = struct.pack(">BHHB", 12, 8, 8, 1) + bytes([1, 0x11, 0])
    sos = struct.pack(">B", 1) + bytes([1, 0x00]) + bytes([0, 63, 0])
    write("twelve_bit.jpg", b"\xff\xd8" + b"\xff\xc1" + struct.pack(">H", len(sof) + 2) + sof
          + b"\xff\xda" + struct.pack(">H", len(sos) + 2) + sos + b"\x00" * 16 + b"\xff\xd9")


if __name__ == "__main__":
    main()
