#!/usr/bin/env python3
"""Writes the DICOM test fixtures with pydicom (an independent writer) and DCMTK (dcmcrle,
dcmcjpeg: `apt-get install dcmtk`; without it the committed dcmtk_* files are kept), and checks
that pydicom and DCMTK read the files our own DICOMEncoder wrote.

    python3 -m venv /tmp/venv-dicom && /tmp/venv-dicom/bin/pip install pydicom numpy \
        pylibjpeg==2.1.0 pylibjpeg-openjpeg==2.6.0 pyjpegls==1.5.1   # JPEG 2000 and JPEG-LS encoders
    /tmp/venv-dicom/bin/python Tests/DICOMTests/make_fixtures.py            # write fixtures
    DICOM_WRITE_ENCODER_SAMPLES=1 swift test --filter DICOMTests            # write encoder samples
    /tmp/venv-dicom/bin/python Tests/DICOMTests/make_fixtures.py --check-encoder [FOLDER]

and, on files we may not commit (e.g. pydicom's own test files), against pydicom as oracle:
    DICOM_ORACLE_DIR=$D DETECT_PYDICOM_PYTHON=/tmp/venv-dicom/bin/python swift test --filter DICOMOracleTests
(which runs `make_fixtures.py --oracle $D OUT` on what it decoded; scripts/test sets both to
pydicom's data/test_files and the venv of scripts/pydicom-venv).

Pixel values come from the formulas below; DICOMFixtureTests.swift computes the same ones.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.dataelem import DataElement
from pydicom.sequence import Sequence
from pydicom.encaps import encapsulate
from pydicom import uid as U

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Fixtures")
W, H = 40, 30
CW, CH = 64, 48  # the JPEG 2000, HTJ2K and JPEG-LS fixtures
YY, XX = np.mgrid[0:H, 0:W].astype(np.int64)


def f16(k=0):
    return ((XX * 1031 + YY * 517 + 123 + k * 20000) % 65536).astype(np.uint16)


def f12():
    return ((XX * 97 + YY * 61 + 5) % 4096).astype(np.uint16)


def garbage_nibble():
    return (((XX * 7 + YY * 3) % 16) << 12).astype(np.uint16)


def base(photometric="MONOCHROME2", bits_stored=16, bits_allocated=16, signed=False, w=W, h=H):
    ds = Dataset()
    ds.SOPClassUID = U.DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.Modality = "DX"
    ds.PatientID = "FIXTURE"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows = h
    ds.Columns = w
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    return ds


def save(ds, name, syntax=U.ExplicitVRLittleEndian, part10=True):
    path = os.path.join(OUT, name)
    if part10:
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.file_meta.TransferSyntaxUID = syntax
        ds.preamble = b"\0" * 128
        ds.save_as(path, enforce_file_format=True)
    else:
        implicit = syntax == U.ImplicitVRLittleEndian
        ds.save_as(path, enforce_file_format=False, implicit_vr=implicit, little_endian=True)
    return path


# (command, source fixture, output): RLE with an offset table, JPEG Lossless SV1 (16-bit
# with large differences, MONOCHROME1 12-bit, signed, 8-bit multi-frame, RGB, 1 KB fragments),
# every other predictor, and a point transform.
DCMTK_FIXTURES = [
    (["dcmcrle", "+ot"], "signed16.dcm", "rle_dcmtk_signed16.dcm"),
    (["dcmcjpeg", "+e1"], "explicit_le.dcm", "dcmtk_jpegll_sv1_16bit.dcm"),
    (["dcmcjpeg", "+e1"], "mono1_12bit.dcm", "dcmtk_jpegll_sv1_mono1.dcm"),
    (["dcmcjpeg", "+e1"], "signed16.dcm", "dcmtk_jpegll_sv1_signed16.dcm"),
    (["dcmcjpeg", "+e1"], "big_endian_8bit_3frames.dcm", "dcmtk_jpegll_sv1_8bit_3frames.dcm"),
    (["dcmcjpeg", "+e1"], "rgb_interleaved.dcm", "dcmtk_jpegll_sv1_rgb.dcm"),
    (["dcmcjpeg", "+e1", "+fs", "1"], "explicit_le.dcm", "dcmtk_jpegll_sv1_fragments.dcm"),
] + [
    (["dcmcjpeg", "+el", "+sv", str(sv)], "bits12_garbage.dcm", f"dcmtk_jpegll_sv{sv}_12bit.dcm") for sv in range(2, 8)
] + [
    (["dcmcjpeg", "+el", "+sv", "1", "+pt", "2"], "bits12_garbage.dcm", "dcmtk_jpegll_pt2_12bit.dcm"),
] + [
    # JPEG Baseline: gray 41x31 (odd sizes), 3 frames, colour as YCbCr 4:2:2 and 4:4:4, and as RGB.
    (["dcmcjpeg", "+eb"], "eight_bit_41x31.dcm", "dcmtk_jpegbase_gray.dcm"),
    (["dcmcjpeg", "+eb"], "big_endian_8bit_3frames.dcm", "dcmtk_jpegbase_3frames.dcm"),
    (["dcmcjpeg", "+eb", "+cy", "+s2"], "rgb_interleaved.dcm", "dcmtk_jpegbase_ybr422.dcm"),
    (["dcmcjpeg", "+eb", "+cy", "+s4"], "rgb_interleaved.dcm", "dcmtk_jpegbase_ybr444.dcm"),
    (["dcmcjpeg", "+eb", "+cr"], "rgb_interleaved.dcm", "dcmtk_jpegbase_rgb.dcm"),
] + [
    # JPEG Extended (process 2 and 4, SOF1): 12-bit grey (MONOCHROME2 with garbage above Bits
    # Stored, MONOCHROME1), 8-bit 41x31 3 frames, 8-bit data coded as 12-bit (DCMTK scales it to 0…4095),
    # colour YCbCr 4:2:2 and 4:4:4.
    (["dcmcjpeg", "+ee"], "bits12_garbage.dcm", "dcmtk_jpegext_12bit.dcm"),
    (["dcmcjpeg", "+ee", "+q", "75"], "mono1_12bit.dcm", "dcmtk_jpegext_mono1_12bit.dcm"),
    (["dcmcjpeg", "+ee"], "big_endian_8bit_3frames.dcm", "dcmtk_jpegext_8bit_3frames.dcm"),
    (["dcmcjpeg", "+ee", "+bt"], "eight_bit_41x31.dcm", "dcmtk_jpegext_12bit_from8.dcm"),
    (["dcmcjpeg", "+ee", "+cy", "+s2"], "rgb_interleaved.dcm", "dcmtk_jpegext_ybr422.dcm"),
    (["dcmcjpeg", "+ee", "+cy", "+s4"], "rgb_interleaved.dcm", "dcmtk_jpegext_ybr444.dcm"),
]

# JPEG Extended files whose codestreams libjpeg-turbo's cjpeg makes (Debian libjpeg-turbo-progs),
# for what dcmcjpeg cannot write: restart intervals, 4:2:0 chroma (2×2, libjpeg's own default)
# and one scan per component. (cjpeg options, source fixture, photometric, output); the truth is
# DCMTK's decoding of the DICOM file, as for the dcmcjpeg files.
CJPEG_FIXTURES = [
    (["-restart", "1"], "eight_bit_41x31.dcm", "MONOCHROME2", "cjpeg_ext_restart_gray.dcm"),
    (["-sample", "2x2", "-restart", "3b"], "rgb_interleaved.dcm", "YBR_FULL_422", "cjpeg_ext_ybr420_restart.dcm"),
    (["-sample", "1x1", "-scans", "SCANS"], "rgb_interleaved.dcm", "YBR_FULL", "cjpeg_ext_ybr444_scans.dcm"),
]


def cjpeg_fixtures():
    """Writes CJPEG_FIXTURES and their DCMTK decodings (NAME_dcmdjpeg.dcm)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        scans = os.path.join(tmp, "scans.txt")
        with open(scans, "w") as f:
            f.write("0;\n1;\n2;\n")  # sequential, one component per scan
        for options, source, photometric, name in CJPEG_FIXTURES:
            ds = pydicom.dcmread(os.path.join(OUT, source))
            arr = ds.pixel_array.astype(np.uint8)
            image = os.path.join(tmp, "in.pnm")
            with open(image, "wb") as f:
                kind = "P6" if arr.ndim == 3 else "P5"
                f.write(f"{kind} {arr.shape[1]} {arr.shape[0]} 255\n".encode() + arr.tobytes())
            command = ["cjpeg"] + [scans if o == "SCANS" else o for o in options] + ["-outfile", os.path.join(tmp, "out.jpg"), image]
            subprocess.run(command, check=True)
            with open(os.path.join(tmp, "out.jpg"), "rb") as f:
                codestream = f.read()
            ds.PhotometricInterpretation = photometric
            ds.PixelData = encapsulate([codestream])
            ds["PixelData"].VR = "OB"
            ds["PixelData"].is_undefined_length = True
            if "NumberOfFrames" in ds:
                del ds.NumberOfFrames
            save(ds, name, U.JPEGExtended12Bit)
            subprocess.run(["dcmdjpeg", "+cn", os.path.join(OUT, name), os.path.join(OUT, name.replace(".dcm", "_dcmdjpeg.dcm"))], check=True)


def ybr_sweep_fixtures():
    """YBR_FULL 8-bit with Y, Cb and Cr spread over their range (clipping included), native and
    RLE, and the RGB that pydicom 3's default pixel_array makes of it (its own conversion,
    written as a native RGB file): the truth for detect convert's YCbCr → RGB."""
    from pydicom.pixels import convert_color_space
    i = np.arange(CH * CW).reshape(CH, CW)
    ybr = np.stack([(i * 7) % 256, (i * 13 + 5) % 256, (i * 29 + 11) % 256], axis=-1).astype(np.uint8)
    ds = base("YBR_FULL", 8, 8, w=CW, h=CH)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.PixelData = ybr.tobytes()
    save(ds, "ybr_full_sweep.dcm")
    ds = base("YBR_FULL", 8, 8, w=CW, h=CH)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.compress(U.RLELossless, ybr, encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "ybr_full_sweep_rle.dcm", U.RLELossless)
    ds = base("RGB", 8, 8, w=CW, h=CH)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.PixelData = convert_color_space(ybr, "YBR_FULL", "RGB").tobytes()
    save(ds, "ybr_full_sweep_pydicom_rgb.dcm")
    # pydicom's default pixel_array of both files is that RGB.
    for name in ("ybr_full_sweep.dcm", "ybr_full_sweep_rle.dcm"):
        assert np.array_equal(pydicom.dcmread(os.path.join(OUT, name)).pixel_array,
                              pydicom.dcmread(os.path.join(OUT, "ybr_full_sweep_pydicom_rgb.dcm")).pixel_array), name


# The truth for the JPEG Baseline and Extended files: DCMTK's own decoder (its IJG libjpeg, accurate integer
# IDCT), without colour conversion (+cn), written uncompressed: NAME_dcmdjpeg.dcm. DCMTK gives
# lossy files a new SOP Instance UID, so these files change bytes (not pixels) on every run.
DCMTK_DECODED = [name for command, _, name in DCMTK_FIXTURES if "+eb" in command or "+ee" in command]


def jpeg_lossless(img, precision, predictor, restart_lines=0):
    """A minimal lossless JPEG encoder (T.81 Annex H, one component, one fixed Huffman table of
    5-bit codes), written here only to make fixtures with restart intervals, which dcmcjpeg
    cannot write."""
    rows, cols = img.shape
    v = img.astype(np.int64)
    out = bytearray(b"\xff\xd8")
    out += b"\xff\xc3" + (11).to_bytes(2, "big") + bytes([precision]) + rows.to_bytes(2, "big") + cols.to_bytes(2, "big") + b"\x01\x01\x11\x00"
    counts = [0] * 16
    counts[4] = 17  # categories 0..16, codes 00000..10000
    out += b"\xff\xc4" + (2 + 17 + 17).to_bytes(2, "big") + b"\x00" + bytes(counts) + bytes(range(17))
    if restart_lines:
        out += b"\xff\xdd" + (4).to_bytes(2, "big") + (restart_lines * cols).to_bytes(2, "big")
    out += b"\xff\xda" + (8).to_bytes(2, "big") + b"\x01\x01\x00" + bytes([predictor, 0, 0])
    bits = []

    def flush():
        while len(bits) % 8:
            bits.append(1)
        for i in range(0, len(bits), 8):
            byte = int("".join(map(str, bits[i:i + 8])), 2)
            out.append(byte)
            if byte == 0xFF:
                out.append(0)
        bits.clear()

    restart = 0
    for y in range(rows):
        first_line = y == 0 or (restart_lines and y % restart_lines == 0)
        if restart_lines and y and y % restart_lines == 0:
            flush()
            out += bytes([0xFF, 0xD0 + restart % 8])
            restart += 1
        for x in range(cols):
            if first_line:
                pred = (1 << (precision - 1)) if x == 0 else v[y, x - 1]
            elif x == 0:
                pred = v[y - 1, x]
            else:
                a, b, c = v[y, x - 1], v[y - 1, x], v[y - 1, x - 1]
                pred = [None, a, b, c, a + b - c, a + ((b - c) >> 1), b + ((a - c) >> 1), (a + b) >> 1][predictor]
            diff = int(v[y, x] - pred) % 65536
            if diff >= 32768:
                diff -= 65536
            ssss = 16 if diff == -32768 else abs(diff).bit_length()
            bits.extend(int(b) for b in format(ssss, "05b"))
            if 0 < ssss < 16:
                extra = diff if diff > 0 else diff + (1 << ssss) - 1
                bits.extend(int(b) for b in format(extra, f"0{ssss}b"))
    flush()
    out += b"\xff\xd9"
    return bytes(out)


def make():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".dcm") and not (f in [d[2] for d in DCMTK_FIXTURES] and not shutil.which("dcmcjpeg")):
            os.remove(os.path.join(OUT, f))

    # Plain 16-bit film, both VR encodings; Pixel Spacing and Imager Pixel Spacing both present.
    for name, syntax in [("explicit_le.dcm", U.ExplicitVRLittleEndian), ("implicit_le.dcm", U.ImplicitVRLittleEndian)]:
        ds = base()
        ds.PixelSpacing = [0.2, 0.1]
        ds.ImagerPixelSpacing = [0.15, 0.15]
        ds.PixelData = f16().tobytes()
        save(ds, name, syntax)

    # MONOCHROME1, 12 bits stored, window in stored units.
    ds = base("MONOCHROME1", 12)
    ds.WindowCenter = 1000
    ds.WindowWidth = 600
    ds.PixelData = f12().tobytes()
    save(ds, "mono1_12bit.dcm")

    # 12 bits stored with garbage in the 4 unused high bits; only Imager Pixel Spacing.
    ds = base("MONOCHROME2", 12)
    ds.ImagerPixelSpacing = [0.143, 0.139]
    ds.PixelData = (f12() | garbage_nibble()).tobytes()
    save(ds, "bits12_garbage.dcm")

    # 12 bits stored, High Bit 15: the samples sit in the top bits, garbage in the low nibble.
    ds = base("MONOCHROME2", 12)
    ds.HighBit = 15
    ds.PixelData = ((f12() << 4) | (garbage_nibble() >> 12)).astype(np.uint16).tobytes()
    save(ds, "highbit15.dcm")

    # Signed 16-bit.
    ds = base(signed=True)
    ds.PixelData = (f16().astype(np.int64) - 32768).astype(np.int16).tobytes()
    save(ds, "signed16.dcm")

    # Signed 12-bit, sign-extended into the high bits as most writers do.
    ds = base(bits_stored=12, signed=True)
    ds.PixelData = (f12().astype(np.int64) - 2048).astype(np.int16).tobytes()
    save(ds, "signed12.dcm")

    # Rescale slope/intercept and a window in modality units; Pixel Spacing implausible (0).
    ds = base()
    ds.RescaleSlope = 0.5
    ds.RescaleIntercept = -1024
    ds.RescaleType = "US"
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    ds.PixelSpacing = [0, 0]
    ds.ImagerPixelSpacing = [0.125, 0.125]
    ds.PixelData = f16().tobytes()
    save(ds, "rescale_window.dcm")

    # Negative slope on MONOCHROME2: modality values fall as attenuation rises.
    ds = base(bits_stored=12)
    ds.RescaleSlope = -2
    ds.RescaleIntercept = 1000
    ds.PixelData = f12().tobytes()
    save(ds, "negative_slope.dcm")

    # 8 bits allocated, odd pixel count (41×31), padded to even length by the writer.
    ds = base(bits_stored=8, bits_allocated=8, w=41, h=31)
    y8, x8 = np.mgrid[0:31, 0:41]
    ds.PixelData = ((x8 * 5 + y8 * 11) % 256).astype(np.uint8).tobytes()
    save(ds, "eight_bit_41x31.dcm")

    # No preamble, no meta group: raw data sets in both encodings.
    for name, syntax in [("raw_implicit.dcm", U.ImplicitVRLittleEndian), ("raw_explicit.dcm", U.ExplicitVRLittleEndian)]:
        ds = base()
        ds.PixelData = f16().tobytes()
        save(ds, name, syntax, part10=False)

    # A private sequence of undefined length before the pixel data, its items of undefined
    # and defined length, nesting another undefined-length sequence whose items hold decoy
    # Rows/Columns and an icon Pixel Data that a reader skipping wrongly would pick up.
    for name, syntax in [("private_sequence_explicit.dcm", U.ExplicitVRLittleEndian),
                         ("private_sequence_implicit.dcm", U.ImplicitVRLittleEndian)]:
        ds = base()
        ds.add_new((0x0009, 0x0010), "LO", "DETECT TEST")
        decoy = Dataset()
        decoy.Rows = 9
        decoy.Columns = 9
        decoy.BitsAllocated = 8
        decoy.PixelData = bytes(82)
        decoy.is_undefined_length_sequence_item = True
        inner = DataElement((0x0009, 0x1002), "SQ", Sequence([decoy]))
        inner.is_undefined_length = True
        item1 = Dataset()
        item1.add(inner)
        item1.add_new((0x0009, 0x1003), "LO", "first item")
        item1.is_undefined_length_sequence_item = True
        item2 = Dataset()
        item2.add_new((0x0009, 0x1003), "LO", "second item, defined length")
        outer = DataElement((0x0009, 0x1001), "SQ", Sequence([item1, item2]))
        outer.is_undefined_length = True
        ds.add(outer)
        ds.PixelData = f16().tobytes()
        save(ds, name, syntax)

    # Three frames.
    ds = base()
    ds.NumberOfFrames = 3
    ds.PixelData = b"".join(f16(k).tobytes() for k in range(3))
    save(ds, "multiframe3.dcm")

    # Explicit VR big endian: 16-bit with spacing, 8-bit multi-frame (OB, odd frame size), and a
    # raw big-endian data set of signed 12-bit samples.
    ds = base()
    ds.PixelSpacing = [0.2, 0.1]
    ds.PixelData = f16().astype(">u2").tobytes()
    save(ds, "big_endian.dcm", U.ExplicitVRBigEndian)
    ds = base(bits_stored=8, bits_allocated=8, w=41, h=31)
    ds.NumberOfFrames = 3
    y8, x8 = np.mgrid[0:31, 0:41]
    ds.PixelData = b"".join(((x8 * 5 + y8 * 11 + k * 50) % 256).astype(np.uint8).tobytes() for k in range(3))
    save(ds, "big_endian_8bit_3frames.dcm", U.ExplicitVRBigEndian)
    ds = base(bits_stored=12, signed=True)
    ds.PixelData = (f12().astype(np.int64) - 2048).astype(">i2").tobytes()
    ds.save_as(os.path.join(OUT, "raw_big_endian.dcm"), enforce_file_format=False, implicit_vr=False, little_endian=False)

    # Colour films, read as luminance: RGB interleaved and planar, YBR_FULL, RLE RGB 8 and 16 bit.
    rgb = np.stack([(XX * 7 + YY * 3) % 256, (XX * 2 + YY * 9 + 40) % 256, (XX * 13 + YY) % 256], axis=-1).astype(np.uint8)
    for name, planar in [("rgb_interleaved.dcm", 0), ("rgb_planar.dcm", 1)]:
        ds = base("RGB", 8, 8)
        ds.SamplesPerPixel = 3
        ds.PlanarConfiguration = planar
        ds.PixelData = (rgb if planar == 0 else rgb.transpose(2, 0, 1)).tobytes()
        save(ds, name)
    ds = base("YBR_FULL", 8, 8)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ybr = np.stack([(XX * 5 + YY * 11) % 256, (XX + 100) % 256, (YY * 3 + 7) % 256], axis=-1).astype(np.uint8)
    ds.PixelData = ybr.tobytes()
    save(ds, "ybr_full.dcm")
    ybr_sweep_fixtures()
    ds = base("RGB", 8, 8)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.compress(U.RLELossless, rgb, encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "rle_rgb.dcm", U.RLELossless)
    ds = base("RGB", 16, 16)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.compress(U.RLELossless, rgb.astype(np.uint16) * 257, encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "rle_rgb16.dcm", U.RLELossless)

    # JPEG Lossless with restart intervals, from the encoder above: 12-bit with predictor 7 and a
    # restart every 4 lines; 16-bit with predictor 1 and a restart every line.
    for name, image, bits, predictor, lines, syntax in [
            ("py_jpegll_restart_sv7_12bit.dcm", f12(), 12, 7, 4, U.JPEGLossless),
            ("py_jpegll_restart_sv1_16bit.dcm", f16(), 16, 1, 1, U.JPEGLosslessSV1)]:
        ds = base(bits_stored=bits)
        ds.PixelData = encapsulate([jpeg_lossless(image, bits, predictor, lines)])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        path = save(ds, name, syntax)
        if shutil.which("dcmdjpeg"):  # DCMTK must decode the encoder's output to the same pixels
            subprocess.run(["dcmdjpeg", path, "/tmp/_dcmdjpeg.dcm"], check=True)
            assert np.array_equal(pydicom.dcmread("/tmp/_dcmdjpeg.dcm").pixel_array, image), name

    # Deflated explicit VR little endian (pydicom deflates the data set with zlib).
    ds = base()
    ds.PixelData = f16().tobytes()
    save(ds, "deflated.dcm", U.DeflatedExplicitVRLittleEndian)
    # ... and one that deflates well (an 8-pixel staircase), to test the cap on inflated size.
    ds = base()
    ds.PixelData = (((XX // 8) * 1000 + (YY // 8) * 7)).astype(np.uint16).tobytes()
    save(ds, "deflated_steps.dcm", U.DeflatedExplicitVRLittleEndian)

    # JPEG 2000 (OpenJPEG through pylibjpeg-openjpeg) and JPEG-LS (CharLS through pyjpegls):
    # lossless 12-bit and signed 16-bit, lossy, near-lossless, and RGB; the truth is the formulas,
    # on a 64×48 grid (OpenJPEG's default 6 resolution levels need at least 32 pixels a side).
    yy, xx = np.mgrid[0:CH, 0:CW].astype(np.int64)
    c12 = ((xx * 97 + yy * 61 + 5) % 4096).astype(np.uint16)
    signed16 = (((xx * 1031 + yy * 517 + 123) % 65536) - 32768).astype(np.int16)
    rgb8 = np.stack([(xx * 5 + yy * 11) % 256, (xx * 3 + 7) % 256, (yy * 9 + 50) % 256], axis=-1).astype(np.uint8)
    for name, syntax, image, bits, signed, options in [
            ("j2k_lossless_12bit.dcm", U.JPEG2000Lossless, c12, 12, False, {}),
            ("j2k_lossless_signed16.dcm", U.JPEG2000Lossless, signed16, 16, True, {}),
            ("j2k_lossy_12bit.dcm", U.JPEG2000, c12, 12, False, {"j2k_cr": [4]}),
            ("jls_lossless_12bit.dcm", U.JPEGLSLossless, c12, 12, False, {}),
            ("jls_near2_12bit.dcm", U.JPEGLSNearLossless, c12, 12, False, {"jls_error": 2}),
            ("jls_lossless_signed16.dcm", U.JPEGLSLossless, signed16, 16, True, {})]:
        ds = base(bits_stored=bits, signed=signed, w=CW, h=CH)
        ds.compress(syntax, image, generate_instance_uid=False, **options)
        save(ds, name, syntax)
    for name, syntax in [("j2k_rgb.dcm", U.JPEG2000Lossless), ("jls_rgb.dcm", U.JPEGLSLossless)]:
        ds = base("RGB", 8, 8, w=CW, h=CH)
        ds.SamplesPerPixel = 3
        ds.PlanarConfiguration = 0
        ds.compress(syntax, rgb8, generate_instance_uid=False)
        save(ds, name, syntax)
    # The codestream says 12-bit unsigned, the file says 16-bit signed (as in pydicom's
    # J2K_pixelrep_mismatch.dcm): the codestream's precision and the file's sign win.
    ds = base(bits_stored=12, w=CW, h=CH)
    ds.compress(U.JPEG2000Lossless, c12, generate_instance_uid=False)
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 15, 1
    save(ds, "j2k_precision_mismatch.dcm", U.JPEG2000Lossless)
    # HTJ2K from OpenJPH's ojph_compress (Debian openjph-tools; kept as committed without it).
    if shutil.which("ojph_compress"):
        with open("/tmp/_f12.pgm", "wb") as f:
            f.write(f"P5 {CW} {CH} 4095\n".encode() + c12.astype(">u2").tobytes())
        subprocess.run(["ojph_compress", "-i", "/tmp/_f12.pgm", "-o", "/tmp/_f12.j2c", "-reversible", "true"],
                       check=True, capture_output=True)
        ds = base(bits_stored=12, w=CW, h=CH)
        with open("/tmp/_f12.j2c", "rb") as f:
            ds.PixelData = encapsulate([f.read()])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        save(ds, "htj2k_lossless_12bit.dcm", U.HTJ2KLosslessRPCL)
    else:
        print("OpenJPH not installed: htj2k_lossless_12bit.dcm was not regenerated")

    # JPEG 2000 whose fragment is not a real codestream (SOC and SIZ, then zeros): an error.
    ds = base()
    ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + bytes(60)])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    save(ds, "jpeg2000.dcm", U.JPEG2000Lossless)

    # RLE Lossless, encoded by pydicom's own RLE encoder...
    ds = base()
    ds.PixelSpacing = [0.2, 0.1]
    ds.compress(U.RLELossless, f16(), encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "rle_16bit.dcm", U.RLELossless)
    ds = base("MONOCHROME1", 12)
    ds.compress(U.RLELossless, f12(), encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "rle_mono1_12bit.dcm", U.RLELossless)
    ds = base(bits_stored=8, bits_allocated=8, w=41, h=31)
    ds.NumberOfFrames = 3
    y8, x8 = np.mgrid[0:31, 0:41]
    frames = np.stack([((x8 * 5 + y8 * 11 + k * 50) % 256).astype(np.uint8) for k in range(3)])
    ds.compress(U.RLELossless, frames, encoding_plugin="pydicom", generate_instance_uid=False)
    save(ds, "rle_8bit_3frames.dcm", U.RLELossless)

    # Films compressed by DCMTK from the ones above (kept as committed when DCMTK is absent).
    if shutil.which("dcmcjpeg"):
        for command, source, name in DCMTK_FIXTURES:
            subprocess.run(command + [os.path.join(OUT, source), os.path.join(OUT, name)], check=True)
        for name in DCMTK_DECODED:
            subprocess.run(["dcmdjpeg", "+cn", os.path.join(OUT, name),
                            os.path.join(OUT, name.replace(".dcm", "_dcmdjpeg.dcm"))], check=True)
    else:
        print("DCMTK not installed: the dcmtk_* fixtures were not regenerated")
    if shutil.which("cjpeg") and shutil.which("dcmdjpeg"):
        cjpeg_fixtures()
    else:
        print("cjpeg or DCMTK not installed: the cjpeg_* fixtures were not regenerated")

    total = 0
    for f in sorted(os.listdir(OUT)):
        if f.endswith(".dcm"):
            p = os.path.join(OUT, f)
            total += os.path.getsize(p)
            ds = pydicom.dcmread(p, force=True)  # each one readable by pydicom
            assert ds.Rows in (H, 31, CH), f
            if not f.startswith("raw_") and f != "jpeg2000.dcm" and "jpegll" not in f and "jpegbase" not in f and "jpegext" not in f and "cjpeg" not in f:
                ds.pixel_array
    print(f"wrote fixtures, {total} bytes in total")


def check_encoder(folder=os.path.join(OUT, "encoder")):
    """Reads DICOMEncoder's samples (written by the Swift tests) with pydicom and DCMTK.
    DICOMEncoderTests runs this on what the encoder writes now, in a temporary folder."""
    expected = {
        "encoder_explicit_dx.dcm": dict(values=f16(), bits=16, photometric="MONOCHROME2",
                                        sop=U.DigitalXRayImageStorageForPresentation,
                                        syntax=U.ExplicitVRLittleEndian, ps=[0.1, 0.12]),
        "encoder_implicit_cr_mono1.dcm": dict(values=f12(), bits=12, photometric="MONOCHROME1",
                                              sop=U.ComputedRadiographyImageStorage,
                                              syntax=U.ImplicitVRLittleEndian, ips=[0.139, 0.143],
                                              slope=2.0, intercept=-100.0, wc=500.0, ww=1000.0),
        "encoder_mg_garbage.dcm": dict(values=f12() % 1024, stored=(f12() % 1024) | garbage_nibble(),
                                       bits=10, photometric="MONOCHROME2",
                                       sop=U.DigitalMammographyXRayImageStorageForPresentation,
                                       syntax=U.ExplicitVRLittleEndian),
    }
    failures = 0
    for name, e in expected.items():
        path = os.path.join(folder, name)
        ds = pydicom.dcmread(path)  # strict Part 10: preamble + DICM required
        problems = []
        if ds.file_meta.TransferSyntaxUID != e["syntax"]:
            problems.append(f"syntax {ds.file_meta.TransferSyntaxUID}")
        if ds.SOPClassUID != e["sop"] or ds.file_meta.MediaStorageSOPClassUID != e["sop"]:
            problems.append(f"SOP class {ds.SOPClassUID}")
        if ds.SOPInstanceUID != ds.file_meta.MediaStorageSOPInstanceUID or not ds.SOPInstanceUID.is_valid:
            problems.append("SOP instance UID")
        raw = open(path, "rb").read()
        group_length = int.from_bytes(raw[140:144], "little")
        meta_end = 144 + group_length
        pos = 144  # walk the meta elements: they must end exactly where the group length says
        while pos < meta_end and raw[pos:pos + 2] == b"\x02\x00":
            if raw[pos + 4:pos + 6] in (b"OB", b"OW", b"UN", b"UT", b"SQ"):
                pos += 12 + int.from_bytes(raw[pos + 8:pos + 12], "little")
            else:
                pos += 8 + int.from_bytes(raw[pos + 6:pos + 8], "little")
        if pos != meta_end or raw[meta_end:meta_end + 2] == b"\x02\x00":
            problems.append("meta group length does not end the meta group")
        if ds.file_meta.FileMetaInformationGroupLength != group_length:
            problems.append("pydicom reads another group length")
        if ds.PhotometricInterpretation != e["photometric"] or ds.BitsStored != e["bits"]:
            problems.append("pixel module")
        stored = np.frombuffer(ds.PixelData, dtype="<u2").reshape(H, W)
        if not np.array_equal(stored, e.get("stored", e["values"])):
            problems.append("stored values")
        arr = ds.pixel_array & ((1 << e["bits"]) - 1)
        if not np.array_equal(arr, e["values"]):
            problems.append("pixel_array")
        if "ps" in e and [float(v) for v in ds.PixelSpacing] != e["ps"]:
            problems.append(f"PixelSpacing {ds.PixelSpacing}")
        if "ips" in e and [float(v) for v in ds.ImagerPixelSpacing] != e["ips"]:
            problems.append(f"ImagerPixelSpacing {ds.ImagerPixelSpacing}")
        for key, attr in [("slope", "RescaleSlope"), ("intercept", "RescaleIntercept"),
                          ("wc", "WindowCenter"), ("ww", "WindowWidth")]:
            if key in e and float(getattr(ds, attr)) != e[key]:
                problems.append(attr)
        if shutil.which("dcmdump"):
            r = subprocess.run(["dcmdump", "-E", "+E", path], capture_output=True, text=True)
            if r.returncode != 0 or "E:" in r.stderr or "W:" in r.stderr:
                problems.append("dcmdump: " + r.stderr.strip())
            r = subprocess.run(["dcmftest", path], capture_output=True, text=True)
            if r.returncode != 0:
                problems.append("dcmftest: " + r.stdout.strip())
            r = subprocess.run(["dcm2pnm", "--write-raw-pnm", "--no-windowing", path, "/tmp/_enc.pgm"],
                               capture_output=True, text=True)
            if r.returncode != 0 or r.stderr.strip():
                problems.append("dcm2pnm: " + r.stderr.strip())
        print(f"{name}: {'OK' if not problems else 'FAIL ' + '; '.join(problems)}")
        failures += bool(problems)
    print("pydicom", pydicom.__version__, "| DCMTK", "yes" if shutil.which("dcmdump") else "not installed")
    sys.exit(1 if failures else 0)


def oracle(folder, out):
    """Compares what DICOMOracleTests decoded from `folder` (written to `out`) with pydicom."""
    import json
    bad = 0
    # Every file of `folder` (recursively) that DICOMOracleTests wrote an outcome for.
    names = sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, files in os.walk(folder) for f in files)
    for name in names:
        base = os.path.join(out, name.replace("/", "__"))
        if not any(os.path.exists(base + ext) for ext in (".err", ".json")):
            continue
        try:
            ds = pydicom.dcmread(os.path.join(folder, name), force=True)
            arr = ds.pixel_array
            theirs = f"pydicom decodes {arr.shape} {ds.get('PhotometricInterpretation', '?')}"
        except Exception as e:  # noqa: BLE001 - we only report what pydicom made of it
            ds, arr, theirs = None, None, f"pydicom: {type(e).__name__}"
        if os.path.exists(base + ".err"):
            print(f"REFUSED {name}: {open(base + '.err').read()}  [{theirs}]")
            continue
        info = json.load(open(base + ".json"))
        ours = np.fromfile(base + ".u16", dtype="<u2").reshape(info["height"], info["width"])
        if arr is None:
            print(f"MISMATCH {name}: we decode, {theirs}")
            bad += 1
            continue
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        a = (arr[0] if frames > 1 else arr).astype(np.int64)
        if a.ndim == 3:
            # Colour: pydicom gives RGB (YBR converted, rounded to 8 bits), so its luma is within
            # 2 of ours. Lossy JPEG colour is not compared: two libjpeg builds decode and upsample
            # the chroma apart before that (stored values: scripts/dicom-conformance).
            a = np.rint(a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114).astype(np.int64)
            worst = int(np.abs(a - ours.astype(np.int64)).max())
            syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", ""))
            if syntax in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"):
                print(f"UNCHECKED {name}: lossy JPEG colour, luma up to {worst} from pydicom's")
                continue
            if worst <= 2:
                a = ours.astype(np.int64)
        bits = int(ds.BitsStored)
        if int(ds.PixelRepresentation) == 1:
            a = a + (1 << (bits - 1))
        a &= (1 << bits) - 1
        slope = float(ds.get("RescaleSlope", 1) or 1)
        if (ds.PhotometricInterpretation == "MONOCHROME1") != (slope < 0):
            a = ((1 << bits) - 1) - a
        problems = []
        # JPEG Extended: our IDCT (double precision) and pylibjpeg's libjpeg may round one apart.
        lossy_jpeg = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "")) == "1.2.840.10008.1.2.4.51"
        if lossy_jpeg and a.shape == ours.shape and np.abs(a - ours).max() <= 1:
            a = ours.astype(np.int64)
        if not np.array_equal(a, ours):
            problems.append(f"pixels differ at {int((a != ours).sum())} places, by up to {int(np.abs(a - ours).max())}")
        if "RescaleSlope" in ds or "RescaleIntercept" in ds:
            from pydicom.pixels import apply_modality_lut
            theirs_mod = apply_modality_lut(arr[0] if frames > 1 else arr, ds)
            ours_mod = info["slope"] * ours.astype(np.float64) + info["intercept"]
            if not np.allclose(ours_mod, theirs_mod):
                problems.append("modality values differ from pydicom's apply_modality_lut")
            else:
                problems.append("modality LUT matches")
        ps = ds.get("PixelSpacing") or ds.get("ImagerPixelSpacing")
        if ps is not None and info["spacing"] is not None and [float(v) for v in ps] != info["spacing"]:
            problems.append(f"spacing {info['spacing']} vs {list(ps)}")
        if ps is None and info["spacing"] is not None:
            problems.append("spacing invented")
        ok = all(p == "modality LUT matches" for p in problems)
        print(f"{'OK' if ok else 'MISMATCH'} {name}: {info['width']}x{info['height']} "
              f"bits {bits} source {info['source']} {'; '.join(problems)}")
        bad += any(p != "modality LUT matches" for p in problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if "--oracle" in sys.argv:
        i = sys.argv.index("--oracle")
        oracle(sys.argv[i + 1], sys.argv[i + 2])
    elif "--check-encoder" in sys.argv:
        i = sys.argv.index("--check-encoder")
        check_encoder(*sys.argv[i + 1:i + 2])
    else:
        make()
