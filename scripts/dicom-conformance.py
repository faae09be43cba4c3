#!/usr/bin/env python3
"""Compares detect's DICOM reader with pydicom on every file pydicom and pydicom-data ship.

    dicom-conformance.py DETECT WORKDIR [MORE_FOLDERS...]

Files: pydicom's data/test_files (recursively), every folder given after WORKDIR (the
pydicom-data wheel's files, which scripts/dicom-conformance downloads, then the real JPEG 2000
films of ../shared/eval/films/compressed when present), and, when OpenJPH's
`ojph_compress` (Debian openjph-tools) is installed, HTJ2K films made here from pydicom-data's
uncompressed ones (neither pydicom nor pydicom-data ships an HTJ2K file): lossless LRCP (…4.201),
lossless RPCL (…4.202) and lossy (…4.203), encapsulated by pydicom; and when DCMTK's `dcmcjpeg`
is installed, JPEG Extended (…4.51) films made from pydicom-data's WG04 films as the WG04 set's
JPLY files were (pydicom ships two 12-bit JPEG Extended files, pydicom-data none).

pydicom decodes with pylibjpeg (libjpeg and openjpeg plugins) and falls back to GDCM (all pinned
in scripts/pydicom-venv). For each file:
- header: every key of `detect info --json` that pydicom also has (rows, bits, photometric,
  rescale, window, spacings, UIDs, ...) must equal pydicom's value (numbers numerically,
  multi-valued as lists);
- pixels: `detect convert FILE --frame N OUT.npy` for every frame (up to 64) must equal
  pydicom's default pixel_array (stored values; 8-bit YBR_FULL, YBR_FULL_422 and JPEG YCbCr
  converted to RGB by pydicom's own formula, which detect convert applies too) in shape, in
  signedness and size of dtype, and in every value: exactly for every lossless syntax and for
  JPEG-LS near-lossless (its decoding is exactly specified; NEAR bounds only the encoder's
  error), within TOLERANCE for the lossy ones: 2 for JPEG Baseline (libjpeg-turbo here,
  pylibjpeg's libjpeg there, may round the IDCT and chroma upsampling apart), 2 for JPEG
  Extended (pylibjpeg's libjpeg is up to 2 from IJG libjpeg's 12-bit build; 3 in colour, where
  pydicom's conversion to RGB grows a difference in chroma), which is also compared as decoded
  (YCbCr kept) with DCMTK's dcmdjpeg (IJG libjpeg, accurate integer IDCT): exactly, 1 for lossy
  JPEG 2000 and HTJ2K (OpenJPEG 2.5.0 here, pylibjpeg-openjpeg's 2.5.x there: the 9-7 wavelet is
  computed in floating point);
- refusals: detect exiting 1 with one line on stderr is accepted where pydicom cannot decode
  the pixels either, or where the transfer syntax is one detect does not read. A refusal of a
  file that pydicom decodes, in a syntax detect reads, is a mismatch.
Anything else from detect (a signal, exit code other than 0/1, a traceback, no output) is a crash.

Prints a table by transfer syntax (matched, refused, mismatched, crashed, other: files with
no pixels or pydicom unable to read them) and the share of the files pydicom decodes that detect
refuses, and exits 1 on any mismatch or crash, when that share reaches MAX_REFUSED_SHARE, and
when fewer than MIN_FILES files were compared or fewer than MIN_MATCHED matched, so a missing
or emptied test folder cannot pass as agreement.
"""
import json
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pydicom

warnings.simplefilter("ignore")

READ_SYNTAXES = {
    "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99",
    "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203",
}
# Largest allowed |ours − pydicom| per sample; 0 for every syntax not listed.
TOLERANCE = {"1.2.840.10008.1.2.4.50": 2, "1.2.840.10008.1.2.4.51": 2, "1.2.840.10008.1.2.4.91": 1,
             "1.2.840.10008.1.2.4.203": 1}
# Colour frames of these syntaxes: a difference of 1 in Cb or Cr grows in pydicom's conversion to RGB.
COLOUR_TOLERANCE = {"1.2.840.10008.1.2.4.51": 3}
# JPEG Extended is also compared with DCMTK's dcmdjpeg (IJG libjpeg built for 12 bits, accurate
# integer IDCT, which our decoder computes alike), as decoded (YCbCr kept: detect convert --keep-ybr,
# pydicom as_rgb=False), within this tolerance: pylibjpeg's libjpeg is itself up to 2 from IJG's.
DCMTK_SYNTAXES = {"1.2.840.10008.1.2.4.51": 0}
MAX_FRAMES = 64
MIN_FILES = 240  # DICOM files compared: pydicom 3.0.2 ships 165, pydicom-data 1.0.0 68, 9 HTJ2K and 5 JPEG Extended made here
MIN_MATCHED = 165  # of which header and every frame's values agree: 173 in December 2026 (with the 4 real films)
MAX_REFUSED_SHARE = 0.03  # of the files pydicom decodes, the share detect may refuse by name

HEADER_KEYWORDS = {
    "sop_class_uid": "SOPClassUID", "modality": "Modality", "rows": "Rows", "columns": "Columns",
    "number_of_frames": "NumberOfFrames", "samples_per_pixel": "SamplesPerPixel",
    "photometric_interpretation": "PhotometricInterpretation", "bits_allocated": "BitsAllocated",
    "bits_stored": "BitsStored", "high_bit": "HighBit", "pixel_representation": "PixelRepresentation",
    "planar_configuration": "PlanarConfiguration", "rescale_slope": "RescaleSlope",
    "rescale_intercept": "RescaleIntercept", "window_center": "WindowCenter", "window_width": "WindowWidth",
    "pixel_spacing": "PixelSpacing", "imager_pixel_spacing": "ImagerPixelSpacing", "patient_id": "PatientID",
}


def run(detect, args):
    try:
        p = subprocess.run([detect] + args, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s"
    return p, None


def crashed(p, timeout):
    """None when detect behaved (exit 0, or exit 1 with one line on stderr), else why not."""
    if timeout:
        return timeout
    if p.returncode == 0:
        return None
    lines = p.stderr.strip().splitlines()
    if p.returncode == 1 and len(lines) == 1 and lines[0].startswith("detect: "):
        return None
    return f"exit {p.returncode}, stderr: {p.stderr.strip()[:300]!r}"


def pydicom_value(ds, keyword):
    if keyword not in ds:
        return None
    v = ds[keyword].value
    if v is None or v == "":
        return None
    if isinstance(v, (list, pydicom.multival.MultiValue)):
        return [float(x) for x in v] if len(v) != 1 else float(v[0])
    if isinstance(v, (pydicom.valuerep.DSfloat, pydicom.valuerep.DSdecimal, float)):
        return float(v)
    if isinstance(v, (pydicom.valuerep.IS, int)):
        return int(v)
    return str(v).strip()


def same(ours, theirs):
    if isinstance(theirs, list) or isinstance(ours, list):
        a = ours if isinstance(ours, list) else [ours]
        b = theirs if isinstance(theirs, list) else [theirs]
        return len(a) == len(b) and all(abs(float(x) - float(y)) <= 1e-9 * max(1, abs(float(y))) for x, y in zip(a, b))
    if isinstance(theirs, (int, float)) and isinstance(ours, (int, float)):
        return abs(float(ours) - float(theirs)) <= 1e-9 * max(1, abs(float(theirs)))
    return str(ours) == str(theirs)


def check_file(detect, path, work):
    """(syntax, outcome, detail) with outcome in matched/refused/mismatched/crashed/other."""
    try:
        ds = pydicom.dcmread(path, force=True)
        theirs_ok = len(ds) > 0
    except Exception as e:  # noqa: BLE001 - any failure of pydicom is "pydicom cannot read it"
        ds, theirs_ok = None, False
    meta = getattr(ds, "file_meta", None) if ds is not None else None
    syntax = str(getattr(meta, "TransferSyntaxUID", "") or "") if meta is not None else ""

    p, timeout = run(detect, ["info", "--json", path])
    why = crashed(p, timeout)
    if why:
        return syntax or "?", "crashed", "info: " + why
    info = json.loads(p.stdout) if p.returncode == 0 else None
    if info and not syntax:
        syntax = info.get("transfer_syntax_uid", "") + (" (inferred)" if info.get("transfer_syntax_inferred") else "")
    syntax = syntax or "?"

    # Header.
    problems = []
    if info and theirs_ok:
        if meta is not None and "TransferSyntaxUID" in meta and info.get("transfer_syntax_uid") != str(meta.TransferSyntaxUID):
            problems.append(f"transfer_syntax_uid {info.get('transfer_syntax_uid')} != {meta.TransferSyntaxUID}")
        for key, keyword in HEADER_KEYWORDS.items():
            try:
                want = pydicom_value(ds, keyword)
            except Exception:  # noqa: BLE001 - pydicom cannot parse this value: nothing to compare
                continue
            if want is None:
                continue
            if key not in info:
                problems.append(f"{key} missing (pydicom: {want!r})")
            elif not same(info[key], want):
                problems.append(f"{key} {info[key]!r} != pydicom {want!r}")

    has_pixels = theirs_ok and "PixelData" in ds
    if not has_pixels:
        if problems:
            return syntax, "mismatched", "; ".join(problems)
        return syntax, "other", "no pixel data" if theirs_ok else "pydicom cannot read it"

    # Pixels.
    try:
        want = ds.pixel_array  # pydicom 3's default: 8-bit YCbCr converted to RGB
        theirs_error = None
    except Exception as e:  # noqa: BLE001
        want, theirs_error = None, f"{type(e).__name__}: {str(e)[:120]}"
    frames = int(pydicom_value(ds, "NumberOfFrames") or 1) if want is not None else 1
    frames = max(1, min(frames, MAX_FRAMES))
    tolerance = TOLERANCE.get(syntax.split(" ")[0], 0)
    if want is not None and int(ds.get("SamplesPerPixel", 1) or 1) == 3:
        tolerance = COLOUR_TOLERANCE.get(syntax.split(" ")[0], tolerance)
    worst = 0
    dcmtk = dcmtk_reference(path, work) if syntax.split(" ")[0] in DCMTK_SYNTAXES and want is not None else None
    dcmtk_worst = 0
    for k in range(1, frames + 1):
        out = os.path.join(work, "frame.npy")
        if os.path.exists(out):
            os.remove(out)
        p, timeout = run(detect, ["convert", path, out, "--frame", str(k)])
        why = crashed(p, timeout)
        if why:
            return syntax, "crashed", "convert: " + why
        if p.returncode == 1:
            message = p.stderr.strip()
            if theirs_error is not None:
                return syntax, "refused", f"both refuse: pydicom {theirs_error}; detect {message}"
            if syntax.split(" ")[0] not in READ_SYNTAXES:
                return syntax, "refused", f"syntax not read: {message}"
            return syntax, "mismatched", f"detect refuses what pydicom decodes: {message}"
        if theirs_error is not None:
            return syntax, "other", f"detect decodes, pydicom cannot ({theirs_error}): unverified"
        ours = np.load(out)
        expected = want[k - 1] if frames > 1 or (want.ndim == (3 if ds.get("SamplesPerPixel", 1) == 1 else 4)) else want
        if ours.shape != expected.shape:
            return syntax, "mismatched", f"frame {k}: shape {ours.shape} != pydicom {expected.shape}"
        if (ours.dtype.kind, ours.dtype.itemsize) != (expected.dtype.kind, expected.dtype.itemsize):
            return syntax, "mismatched", f"frame {k}: dtype {ours.dtype} != pydicom {expected.dtype}"
        diff = np.abs(ours.astype(np.int64) - expected.astype(np.int64))
        worst = max(worst, int(diff.max()) if diff.size else 0)
        if worst > tolerance:
            return syntax, "mismatched", f"frame {k}: {int((diff > 0).sum())} samples differ, by up to {worst}"
        if dcmtk is not None:
            reference = dcmtk[k - 1] if frames > 1 else dcmtk
            if ours.ndim == 3:  # colour: compare the decoders before any conversion to RGB
                kept = os.path.join(work, "frame-ybr.npy")
                p, timeout = run(detect, ["convert", "--keep-ybr", path, kept, "--frame", str(k)])
                why = crashed(p, timeout)
                if why or p.returncode != 0:
                    return syntax, "crashed" if why else "mismatched", "convert --keep-ybr: " + (why or p.stderr.strip())
                ours = np.load(kept)
            if reference.shape != ours.shape:
                return syntax, "mismatched", f"frame {k}: shape {ours.shape} != DCMTK's {reference.shape}"
            dcmtk_worst = max(dcmtk_worst, int(np.abs(ours.astype(np.int64) - reference.astype(np.int64)).max()))
            if dcmtk_worst > DCMTK_SYNTAXES[syntax.split(" ")[0]]:
                return syntax, "mismatched", f"frame {k}: up to {dcmtk_worst} from DCMTK's decoding"
    if problems:
        return syntax, "mismatched", "; ".join(problems)
    return syntax, "matched", f"{frames} frame(s)" + (f", largest difference {worst}" if tolerance else "") + (
        f", {dcmtk_worst} from DCMTK" if dcmtk is not None else "")


def dcmtk_reference(path, work):
    """The stored values DCMTK's dcmdjpeg decodes (no colour conversion), or None without DCMTK
    or when it cannot decode the file."""
    dcmdjpeg = shutil.which("dcmdjpeg")
    if dcmdjpeg is None:
        return None
    out = os.path.join(work, "dcmtk.dcm")
    p = subprocess.run([dcmdjpeg, "+cn", path, out], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    ds = pydicom.dcmread(out)
    ds.pixel_array_options(as_rgb=False)
    return ds.pixel_array


def looks_like_dicom(path):
    """Part 10 with or without preamble, or a bare data set (our sniffer's rule is checked by detect)."""
    with open(path, "rb") as f:
        head = f.read(132)
    return head[128:132] == b"DICM" or head[:4] == b"DICM" or (
        len(head) >= 8 and head[1] == 0 and head[3] == 0 and head[0] in (2, 8))


# pydicom-data's uncompressed films that HTJ2K copies are made from: 16-bit monochrome (MR, CR
# chest) and 8-bit RGB (ultrasound).
HTJ2K_SOURCES = ["MR2_UNCR.dcm", "RG1_UNCR.dcm", "US1_UNCR.dcm"]


def copy_maker(tool, package, unmade, out):
    """The path of `tool`, which makes copies into `out` (created here); None, said on stderr with
    what goes `unmade`, when it is not installed."""
    path = shutil.which(tool)
    if path is None:
        print(f"dicom-conformance: {tool} not installed (Debian {package}): {unmade}", file=sys.stderr)
    else:
        os.makedirs(out, exist_ok=True)
    return path


def sources(folders, names):
    """(name, path) of each of `names` found in `folders`, the films the made copies come from."""
    for folder in folders:
        for name in names:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                yield name, path


def make_htj2k(folders, out):
    """HTJ2K films made with OpenJPH's ojph_compress from pydicom-data's uncompressed ones."""
    ojph = copy_maker("ojph_compress", "openjph-tools", "no HTJ2K films compared", out)
    if ojph is None:
        return []
    from pydicom.encaps import encapsulate
    made = []
    for name, path in sources(folders, HTJ2K_SOURCES):
        ds = pydicom.dcmread(path)
        arr = ds.pixel_array
        colour = ds.SamplesPerPixel == 3
        bits = int(ds.BitsStored)
        if colour:
            source = os.path.join(out, name + ".ppm")
            with open(source, "wb") as f:
                f.write(f"P6 {arr.shape[1]} {arr.shape[0]} 255\n".encode() + arr.astype(np.uint8).tobytes())
        else:
            source = os.path.join(out, name + ".pgm")
            with open(source, "wb") as f:
                f.write(f"P5 {arr.shape[1]} {arr.shape[0]} {(1 << bits) - 1}\n".encode()
                        + arr.astype(">u2" if bits > 8 else np.uint8).tobytes())
        variants = [
            ("1.2.840.10008.1.2.4.201", ["-reversible", "true", "-prog_order", "LRCP"]),
            ("1.2.840.10008.1.2.4.202", ["-reversible", "true", "-prog_order", "RPCL"]),
            ("1.2.840.10008.1.2.4.203", ["-reversible", "false", "-qstep", "0.002"]),
        ]
        for uid, options in variants:
            stream = os.path.join(out, f"{name}.{uid.rsplit('.', 1)[1]}.j2c")
            p = subprocess.run([ojph, "-i", source, "-o", stream] + options, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"dicom-conformance: ojph_compress failed on {name}: {p.stderr.strip()[:200]}", file=sys.stderr)
                continue
            with open(stream, "rb") as f:
                codestream = f.read()
            copy = pydicom.dcmread(path)
            copy.file_meta.TransferSyntaxUID = pydicom.uid.UID(uid)
            copy.PixelData = encapsulate([codestream])
            copy["PixelData"].VR = "OB"
            copy["PixelData"].is_undefined_length = True
            if colour:
                copy.PhotometricInterpretation = "YBR_RCT" if uid != "1.2.840.10008.1.2.4.203" else "YBR_ICT"
                copy.PlanarConfiguration = 0
            target = os.path.join(out, f"{name[:-4]}_htj2k_{uid.rsplit('.', 1)[1]}.dcm")
            copy.save_as(target, enforce_file_format=True)
            made.append(target)
    return made


# pydicom-data's uncompressed WG04 films that JPEG Extended copies are made from, as the WG04 set's
# own *_JPLY files were: MR 12-bit, CR 10- and 15-bit (MONOCHROME1), CT 14-bit signed, US 8-bit RGB.
JPEG_EXTENDED_SOURCES = ["MR2_UNCR.dcm", "RG1_UNCR.dcm", "RG3_UNCR.dcm", "693_UNCR.dcm", "US1_UNCR.dcm"]


def make_jpeg_extended(folders, out):
    """JPEG Extended (…4.51) films made by DCMTK's dcmcjpeg +ee (IJG libjpeg, 12-bit where the data
    has more than 8 bits; DCMTK scales 13–16-bit data into 12) from pydicom-data's uncompressed ones."""
    dcmcjpeg = copy_maker("dcmcjpeg", "dcmtk", "no JPEG Extended films made", out)
    if dcmcjpeg is None:
        return []
    made = []
    for name, path in sources(folders, JPEG_EXTENDED_SOURCES):
        target = os.path.join(out, name.replace("_UNCR", "_JPLY_made"))
        p = subprocess.run([dcmcjpeg, "+ee", path, target], capture_output=True, text=True)
        if p.returncode != 0:
            print(f"dicom-conformance: dcmcjpeg failed on {name}: {p.stderr.strip()[:200]}", file=sys.stderr)
            continue
        made.append(target)
    return made


def main():
    detect, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    root = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
    sources = [("pydicom", root)] + [("pydicom-data" if k == 0 else "eval", folder) for k, folder in enumerate(sys.argv[3:])]
    paths = []
    for label, folder in sources:
        for d, _, files in sorted(os.walk(folder)):
            paths += [(label + "/" + os.path.relpath(os.path.join(d, f), folder), os.path.join(d, f)) for f in sorted(files)]
    paths += [("made/" + os.path.basename(p), p) for p in make_htj2k(sys.argv[3:4], os.path.join(work, "htj2k"))]
    paths += [("made/" + os.path.basename(p), p) for p in make_jpeg_extended(sys.argv[3:4], os.path.join(work, "jpeg-extended"))]
    results = []
    for name, path in paths:
        if not looks_like_dicom(path):
            continue
        syntax, outcome, detail = check_file(detect, path, work)
        results.append((name, syntax, outcome, detail))

    outcomes = ["matched", "refused", "mismatched", "crashed", "other"]
    by_syntax = {}
    for _, syntax, outcome, _ in results:
        by_syntax.setdefault(syntax, dict.fromkeys(outcomes, 0))[outcome] += 1
    print(f"DICOM conformance: detect vs pydicom {pydicom.__version__}, {len(results)} files from " + ", ".join(f for _, f in sources))
    print(f"{'transfer syntax':40} " + " ".join(f"{o:>10}" for o in outcomes))
    for syntax in sorted(by_syntax):
        print(f"{syntax:40} " + " ".join(f"{by_syntax[syntax][o]:>10}" for o in outcomes))
    totals = {o: sum(1 for r in results if r[2] == o) for o in outcomes}
    print(f"{'total':40} " + " ".join(f"{totals[o]:>10}" for o in outcomes))
    verbose = os.environ.get("CONFORMANCE_VERBOSE")
    for name, syntax, outcome, detail in results:
        if outcome in ("mismatched", "crashed") or verbose:
            print(f"  {outcome:10} {name}: {detail}")
    # Files the independent reader decodes: everything compared, plus what detect refuses by syntax.
    refused = sum(1 for r in results if r[2] == "refused" and r[3].startswith("syntax not read"))
    theirs = totals["matched"] + totals["mismatched"] + refused
    share = refused / theirs if theirs else 0
    print(f"pydicom decodes {theirs} files: detect equal on {totals['matched']}, refuses {refused} by name ({100 * share:.1f} %)")
    if share >= MAX_REFUSED_SHARE:
        print(f"dicom-conformance: FAILED: detect refuses {100 * share:.1f} % of the files pydicom decodes "
              f"(less than {100 * MAX_REFUSED_SHARE:.0f} % required)")
        return 1
    if totals["mismatched"] or totals["crashed"]:
        print(f"dicom-conformance: FAILED ({totals['mismatched']} mismatched, {totals['crashed']} crashed)")
        return 1
    if len(results) < MIN_FILES or totals["matched"] < MIN_MATCHED:
        print(f"dicom-conformance: FAILED: compared {len(results)} files (at least {MIN_FILES} required) and "
              f"matched {totals['matched']} (at least {MIN_MATCHED} required) from {root}")
        return 1
    print("dicom-conformance: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
