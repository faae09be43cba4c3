"""Surgical clips inserted into real fitting films: negatives the classifier must learn to reject.

Why: the CR hip of ../shared/eval carries surgical clips, and the detector kept three of them as
deposits after the phantoms got clips of their own (`detect phantom --clips`): the phantoms' clips
are denser and larger than the hip's (peak SNR median 45 against 13-20, 7 mm2 against 3-5 mm2),
and 40 clips among 200 000 phantom candidates weigh little. Here clips go into real films, drawn
like ../shared/eval/tools/make_hybrids.py draws deposits (its own functions: the same film model,
noise map, body mask, system blur and clipping rule), so that the film's anatomy, noise and
processing around them are real and only the metal is added.

A clip: a straight strip 3-9 mm long and 0.5-1.2 mm wide, or a V of two such legs from a shared
end (a third of them), of uniform density (no beading, no texture: metal, not calcium), its mean
contrast 10-80 times the local noise sigma (log-uniform; make_hybrids' density cap applies).
Two to five per film, either grouped within 30 mm (an operation site) or anywhere in the body.

Each film is written as <out>/cases/images/<base>_clips.png (16-bit, attenuation up, like the
fitting hybrids) with <out>/cases/truth/<base>_clips.truth.json: label "none", no deposits, the
clips under "negatives" and their footprints in <base>_clips.labels.png. dataset.py labels the
candidates on a clip as anatomy and leaves the film's other candidates out (they are the base
film's own, already in its normal set).

    python clips.py --eval ../shared/eval --seed 14 --out DIR --bases FILM=SPACING=ANATOMY ...

(SPACING and ANATOMY "-" when the film states its own; training/prepare.py runs this.)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np


def _hybrids(eval_dir):
    sys.path.insert(0, os.path.join(eval_dir, "tools"))
    import make_hybrids
    return make_hybrids


def clip_shape(mh, rng, b, centre):
    """(make_hybrids shape result, metadata) for one clip centred near `centre` (mm)."""
    length = float(rng.uniform(3.0, 9.0))
    half_width = float(rng.uniform(0.5, 1.2)) / 2
    angle = float(rng.uniform(0, math.pi))
    cx, cy = centre
    if rng.random() < 1 / 3:
        # A V: two legs from a shared end, 15-40 degrees apart.
        spread = math.radians(float(rng.uniform(15, 40))) / 2
        apex = (cx - 0.5 * length * math.cos(angle), cy - 0.5 * length * math.sin(angle))
        legs = [[apex, (apex[0] + length * math.cos(angle + s), apex[1] + length * math.sin(angle + s))]
                for s in (-spread, spread)]
        shape = "v"
    else:
        dx, dy = 0.5 * length * math.cos(angle), 0.5 * length * math.sin(angle)
        legs = [[(cx - dx, cy - dy), (cx + dx, cy + dy)]]
        shape = "strip"
    # Chord along the beam ~ the strip's width (a crushed clip); uniform along its length.
    depth = 2 * half_width
    parts = [mh.shape_streak(b.sp, b.H, b.W, leg, half_width, depth, np.ones(8)) for leg in legs]
    if any(p is None for p in parts):
        return None, None
    if len(parts) == 1:
        return parts[0], dict(shape=shape, length_mm=round(length, 3), width_mm=round(2 * half_width, 3))
    # Both legs on one grid: the union of the two chord maps (metal does not add up where they meet).
    i0 = min(p["i0"] for p in parts)
    j0 = min(p["j0"] for p in parts)
    i1 = max(p["i0"] + p["pix"].shape[0] for p in parts)
    j1 = max(p["j0"] + p["pix"].shape[1] for p in parts)
    pix = np.zeros((i1 - i0, j1 - j0))
    fp = np.zeros((i1 - i0, j1 - j0), dtype=bool)
    for p in parts:
        h, w = p["pix"].shape
        sl = (slice(p["i0"] - i0, p["i0"] - i0 + h), slice(p["j0"] - j0, p["j0"] - j0 + w))
        pix[sl] = np.maximum(pix[sl], p["pix"])
        fp[sl] |= p["fp"]
    merged = dict(i0=i0, j0=j0, pix=pix, fp=fp, t_peak=max(p["t_peak"] for p in parts))
    return merged, dict(shape=shape, length_mm=round(length, 3), width_mm=round(2 * half_width, 3))


def clip_film(mh, path, spacing, anatomy, seed, out):
    """Insert clips into one base film; returns the number inserted (0: nothing written)."""
    name = os.path.basename(path)
    b = mh.load_base(path, {name: spacing} if spacing else {}, {name: anatomy} if anatomy else {})
    mh.analyse(b, verbose=False)
    rng = mh.rng_for(seed, b.id, "clips")
    ins = mh.Inserter(b, rng)
    body = np.flatnonzero(b.elig.ravel())
    if len(body) == 0:
        return 0
    wanted = int(rng.integers(2, 6))
    grouped = rng.random() < 0.5
    site = mh.sample_point(rng, body, b.W, b.sp)
    shapes = {}
    for _ in range(60):
        if len(ins.deps) >= wanted:
            break
        centre = mh.sample_in_disk(rng, site, 30.0) if grouped else mh.sample_point(rng, body, b.W, b.sp)
        res, meta = clip_shape(mh, rng, b, centre)
        cnr = float(math.exp(rng.uniform(math.log(10.0), math.log(80.0))))
        if res is not None:
            did = ins.commit(res, dict(kind="clip", **meta), cnr)
            if did is not None:
                shapes[did] = meta
    if not ins.deps:
        return 0
    # The film: stochastic rounding of A + metal, clipped to the stored range (as make_hybrids).
    nz = ins.add > 0
    film = b.A.copy()
    film[nz] = np.floor(b.A[nz] + ins.add[nz] + rng.random(int(nz.sum())))
    film = np.clip(film, b.clip_lo, b.clip_hi)
    stem = b.id + "_clips"
    images, truth = os.path.join(out, "cases", "images"), os.path.join(out, "cases", "truth")
    os.makedirs(images, exist_ok=True)
    os.makedirs(truth, exist_ok=True)
    values = np.rint(film).astype(np.int64) - (b.nom_lo if b.signed else 0)
    mh.png_write(os.path.join(images, stem + ".png"), values.astype(np.uint16), b.sp)
    mh.png_write(os.path.join(truth, stem + ".labels.png"), ins.occ.astype(np.uint16))
    negatives = []
    for d in ins.deps:
        ys, xs = np.nonzero(ins.occ == d["id"])
        negatives.append(dict(id=d["id"], kind="clip", **shapes[d["id"]], area_px=int(len(xs)),
                              centroid=[round(float(xs.mean()), 2), round(float(ys.mean()), 2)],
                              cnr_target=round(d["_cnr_target"], 3), density_capped=bool(d["_capped"])))
    with open(os.path.join(truth, stem + ".truth.json"), "w") as fh:
        json.dump({"film": stem + ".png", "base_film": b.id, "label": "none", "deposits": [],
                   "negatives": negatives, "pixel_spacing_mm": [b.sp, b.sp], "seed": seed}, fh, indent=1)
    return len(negatives)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bases", nargs="+", required=True, help="FILM=SPACING=ANATOMY, '-' for what the film states")
    args = ap.parse_args()
    mh = _hybrids(args.eval)
    count = 0
    for base in args.bases:
        path, spacing, anatomy = base.rsplit("=", 2)
        count += clip_film(mh, path, None if spacing == "-" else float(spacing), None if anatomy == "-" else anatomy,
                           args.seed, args.out)
    # Written last: prepare.py takes a folder with this file as finished.
    with open(os.path.join(args.out, "done"), "w") as fh:
        fh.write(f"{count} clips in {len(args.bases)} films\n")


if __name__ == "__main__":
    main()
