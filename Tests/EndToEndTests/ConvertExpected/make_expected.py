#!/usr/bin/env python3
"""Writes the expected stored values for ConvertValueTests with pydicom, an independent reader.

    python3 -m venv /tmp/venv-dicom
    /tmp/venv-dicom/bin/pip install "pydicom>=3.0,<4" numpy pylibjpeg pylibjpeg-libjpeg
    /tmp/venv-dicom/bin/python Tests/EndToEndTests/ConvertExpected/make_expected.py

For each fixture below (files in Tests/DICOMTests/Fixtures, written by pydicom and DCMTK), every
frame's default `pixel_array` (stored values, no rescale; 8-bit YCbCr converted to RGB by
pydicom, as `detect convert` does by default) is saved as NAME.fK.npy beside this script, and
expected.json lists them with the transfer syntax, the file pydicom read and the tolerance
`detect convert` is held to: 0 for lossless syntaxes, 2 grey levels for JPEG Baseline (two libjpeg
builds round the IDCT apart; scripts/dicom-conformance uses the same rule on pydicom's own files),
0 for JPEG Extended (our decoder computes IJG libjpeg's integer IDCT and upsampling, and pydicom
reads DCMTK's decoding of it).

Two exceptions, where pydicom's JPEG decoder (pylibjpeg-libjpeg) is not a usable reference:
- JPEG Baseline and Extended: its chroma upsampling of 4:2:2 files differs from libjpeg's by up to 8 levels
  (the JPEG standard leaves upsampling open), so for every JPEG Baseline fixture pydicom reads the
  uncompressed copy DCMTK's dcmdjpeg made of it (NAME_dcmdjpeg.dcm, written by
  Tests/DICOMTests/make_fixtures.py), which is libjpeg's own decoding;
- dcmtk_jpegll_pt2_12bit.dcm (point transform 2): pylibjpeg-libjpeg 2.x returns 4095 for every
  sample; DICOMJPEGLosslessTests checks that file against its formula instead.
"""
import json
import os

import numpy as np
import pydicom

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "DICOMTests", "Fixtures")
LOSSY = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"}

# Every stored-values path of `detect convert`: RLE, JPEG Lossless (process 14 and its first-order
# predictor form), JPEG Baseline, deflate, and a few uncompressed layouts beside them.
NAMES = [
    "rle_16bit.dcm", "rle_8bit_3frames.dcm", "rle_dcmtk_signed16.dcm", "rle_mono1_12bit.dcm", "rle_rgb.dcm", "rle_rgb16.dcm",
    "dcmtk_jpegll_sv1_16bit.dcm", "dcmtk_jpegll_sv1_8bit_3frames.dcm", "dcmtk_jpegll_sv1_fragments.dcm",
    "dcmtk_jpegll_sv1_mono1.dcm", "dcmtk_jpegll_sv1_rgb.dcm", "dcmtk_jpegll_sv1_signed16.dcm",
    "dcmtk_jpegll_sv2_12bit.dcm", "dcmtk_jpegll_sv3_12bit.dcm", "dcmtk_jpegll_sv4_12bit.dcm", "dcmtk_jpegll_sv5_12bit.dcm",
    "dcmtk_jpegll_sv6_12bit.dcm", "dcmtk_jpegll_sv7_12bit.dcm",
    "py_jpegll_restart_sv1_16bit.dcm", "py_jpegll_restart_sv7_12bit.dcm",
    "dcmtk_jpegbase_gray.dcm", "dcmtk_jpegbase_rgb.dcm", "dcmtk_jpegbase_ybr422.dcm", "dcmtk_jpegbase_ybr444.dcm",
    "dcmtk_jpegbase_3frames.dcm",
    "dcmtk_jpegext_12bit.dcm", "dcmtk_jpegext_mono1_12bit.dcm", "dcmtk_jpegext_8bit_3frames.dcm", "dcmtk_jpegext_12bit_from8.dcm",
    "dcmtk_jpegext_ybr422.dcm", "dcmtk_jpegext_ybr444.dcm", "cjpeg_ext_restart_gray.dcm", "cjpeg_ext_ybr420_restart.dcm",
    "cjpeg_ext_ybr444_scans.dcm", "ybr_full_sweep.dcm", "ybr_full_sweep_rle.dcm",
    "deflated.dcm", "deflated_steps.dcm",
    "explicit_le.dcm", "big_endian.dcm", "big_endian_8bit_3frames.dcm", "signed16.dcm", "rgb_planar.dcm",
]


def tolerance(syntax, ds):
    if syntax == "1.2.840.10008.1.2.4.50":
        return 2
    return 0


def main():
    for old in os.listdir(HERE):
        if old.endswith(".npy"):
            os.remove(os.path.join(HERE, old))
    entries = []
    for name in NAMES:
        syntax = str(pydicom.dcmread(os.path.join(FIXTURES, name), stop_before_pixels=True).file_meta.TransferSyntaxUID)
        source = name[:-4] + "_dcmdjpeg.dcm" if syntax in LOSSY else name
        ds = pydicom.dcmread(os.path.join(FIXTURES, source))
        values = ds.pixel_array
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        stack = values if frames > 1 else values[np.newaxis]
        expected = []
        for k, frame in enumerate(stack, start=1):
            out = name[:-4] + f".f{k}.npy"
            np.save(os.path.join(HERE, out), np.ascontiguousarray(frame.astype(frame.dtype.newbyteorder("<"))))
            expected.append(out)
        entries.append({"fixture": name, "transfer_syntax": syntax, "read_by_pydicom": source, "frames": frames,
                        "tolerance": tolerance(syntax, ds), "expected": expected})
    manifest = {"reader": f"pydicom {pydicom.__version__}, numpy {np.__version__}",
                "command": "python Tests/EndToEndTests/ConvertExpected/make_expected.py",
                "files": entries}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {sum(len(e['expected']) for e in entries)} frames of {len(entries)} fixtures")


if __name__ == "__main__":
    main()
