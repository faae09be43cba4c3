#!/usr/bin/env python3
"""Writes the JPEG fixtures for ImageIOTests with Pillow, an encoder and decoder independent of
the code under test, and saves Pillow's own decoded values as the expectation.

Needs Pillow, e.g. in a throw-away venv:
    python3 -m venv /tmp/venv-x && /tmp/venv-x/bin/pip install pillow
    /tmp/venv-x/bin/python make_jpeg_fixtures.py

Output: Fixtures/{gray,color420,color_progressive,color_rgb,cmyk}.jpg and Fixtures/jpeg_expected.json.
For colour files the expectation is Pillow's RGB decode converted to L with Rec. 601 weights
(L = R*299/1000 + G*587/1000 + B*114/1000); that goes through upsampling and colour
conversion and back, so it matches libjpeg's Y plane only to within ±1.
"""
import json
import math
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Fixtures")
W, H = 40, 24


def scene(x, y):
    """A smooth gradient with a bright disc: film-like, and kind to JPEG (small errors)."""
    value = 40 + 3 * x + 2 * y
    if math.hypot(x - 25, y - 12) < 6:
        value += 90
    return max(0, min(255, value))


def main():
    expected = {}
    gray = Image.new("L", (W, H))
    gray.putdata([scene(x, y) for y in range(H) for x in range(W)])
    gray.save(os.path.join(OUT, "gray.jpg"), quality=90)

    color = Image.new("RGB", (W, H))
    color.putdata([(scene(x, y), (scene(x, y) * 3 // 4 + x) % 256, (255 - scene(x, y) + 2 * y) % 256)
                   for y in range(H) for x in range(W)])
    color.save(os.path.join(OUT, "color420.jpg"), quality=92, subsampling=2)
    color.save(os.path.join(OUT, "color_progressive.jpg"), quality=92, subsampling=0, progressive=True)
    # Adobe APP14 transform 0: stored as R, G, B rather than YCbCr (libjpeg converts to luma itself).
    color.save(os.path.join(OUT, "color_rgb.jpg"), quality=95, subsampling=0, keep_rgb=True)
    color.convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=90)

    for name in ("gray.jpg", "color420.jpg", "color_progressive.jpg", "color_rgb.jpg"):
        with Image.open(os.path.join(OUT, name)) as image:
            decoded = image.convert("L")  # no-op for gray; Rec. 601 luma for RGB
            expected[name] = {"width": W, "height": H, "pixels": list(decoded.tobytes())}
    with open(os.path.join(OUT, "jpeg_expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    main()
