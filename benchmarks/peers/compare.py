#!/usr/bin/env python3
"""Times our pipeline and the same steps written with OpenCV and with scipy.ndimage, on the same
films (the phantoms `detect-stages films` writes), and prints one table.

Run by ../run, which makes the throw-away venv (opencv-python-headless, scipy, pydicom) in /tmp.

What "the same steps" means, stage by stage (parameters as in Sources/Detection/DetectionParameters
for 0.15 mm pixels: 7-pixel cells, small windows r=5 at d=20 px, large windows r=13 at d=81 px,
skin margin 17 px, grow 2.5 sigma, seed 5 sigma, outline 0.25 of the peak):

  decode      OpenCV: cv2.imread(IMREAD_UNCHANGED) for PNG and JPEG, pydicom pixel_array for DICOM
              (OpenCV does not read DICOM). scipy column: the same decoders (scipy has none).
  background  3x3 mean; noise residual |S - (S(x+-3) + S(y+-3))/4| (cv2.filter2D / numpy slices);
              median per 7x7 cell (numpy: OpenCV and scipy have no block median) then a 5x5
              median over cells (cv2.medianBlur / ndimage.median_filter); cell means
              (cv2.resize INTER_AREA / block mean); air/body split by Otsu on the cell means and
              the bone ridge test on cells (5 distances x 4 axes, shifted cell arrays); box means
              of both scales (cv2.blur / ndimage.uniform_filter).
  threshold   local contrast from eight shifted views of the box means (OpenCV lacks an
              axis-pair contrast: cv2.copyMakeBorder(BORDER_REPLICATE) + slices, cv2.add/max/min;
              scipy: numpy on the same views); clutter sigma as 1.4826 MAD of every third pixel
              of every third row (numpy median); significance = contrast / max(cell noise,
              clutter) folded over blob-small, ridge-small, blob-large; the skin distance
              (cv2.distanceTransform DIST_L2 mask 3, a 3x3 chamfer like ours /
              ndimage.distance_transform_cdt chessboard); candidates = region & z > grow.
  label       8-connected labelling of the candidates (cv2.connectedComponents /
              ndimage.label) and the peak contrast and significance per component (OpenCV has
              no per-label maximum: numpy maximum.at over the labelled pixels only /
              ndimage.maximum), then the outline mask (seeded components, c >= 0.25 peak).
  measure     labelling of the outlines with statistics (cv2.connectedComponentsWithStats:
              area, box, centroid; ndimage.label + find_objects + sums) plus mean sample,
              mean contrast and peak per component (np.bincount / ndimage.sum, maximum), and
              the size filter.

Borders: ours clips windows at the film's edge; the peers replicate the edge pixel. The work is
the same; the numbers differ by a few pixels at the border, which is not what is timed here.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import multiprocessing

import numpy as np
import cv2
import pydicom
from scipy import ndimage

SPACING = 0.15
CELL = 7
SMALL = (5, 20)
LARGE = (13, 81)
MARGIN = 17
GROW, SEED, OUTLINE = 2.5, 5.0, 0.25
STAGES = ["decode", "background", "threshold", "label", "measure"]


def decode(path):
    if path.endswith(".dcm"):
        return pydicom.dcmread(path).pixel_array
    return cv2.imread(path, cv2.IMREAD_UNCHANGED)


def cell_median(r, cell):
    h, w = r.shape
    rows, cols = h // cell, w // cell
    blocks = r[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).transpose(0, 2, 1, 3).reshape(rows, cols, -1)
    return np.median(blocks, axis=2).astype(np.float32) * np.float32(1.4826 / 1.1180)


def otsu(values):
    lo, hi = float(values.min()), float(values.max())
    u8 = np.clip((values - lo) * (255.0 / max(hi - lo, 1e-6)), 0, 255).astype(np.uint8)
    t, _ = cv2.threshold(u8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return lo + t * (hi - lo) / 255.0


def bone_cells(means, body, sigma, blur):
    side = blur(means)
    best = np.full(means.shape, -np.inf, np.float32)
    for mm in (5, 9, 13, 18, 25):
        d = max(2, round(mm / (CELL * SPACING)))
        g = round(d / 2 ** 0.5)
        padded = np.pad(side, d, mode="edge")
        h, w = means.shape
        for dy, dx in ((0, d), (d, 0), (g, g), (g, -g)):
            plus = padded[d + dy: d + dy + h, d + dx: d + dx + w]
            minus = padded[d - dy: d - dy + h, d - dx: d - dx + w]
            best = np.maximum(best, np.minimum(means - plus, means - minus))
    return (best > 40 * sigma) & body


def views(m, d, pad):
    """The eight window means around every pixel, at d along the axes and d/sqrt2 on diagonals."""
    g = max(1, round(d / 2 ** 0.5))
    p = pad(m, d)
    h, w = m.shape
    def at(dy, dx):
        return p[d + dy: d + dy + h, d + dx: d + dx + w]
    return at(0, -d), at(0, d), at(-d, 0), at(d, 0), at(-g, -g), at(g, g), at(-g, g), at(g, -g)


def run_pipeline(path, flavour):
    """One film through the peer pipeline; returns seconds per stage."""
    cv = flavour == "opencv"
    t = {}
    t0 = time.perf_counter()
    pixels = decode(path)
    t1 = time.perf_counter(); t["decode"] = t1 - t0

    img = pixels.astype(np.float32)
    if cv:
        blur = lambda a, r: cv2.blur(a, (2 * r + 1, 2 * r + 1), borderType=cv2.BORDER_REPLICATE)
        pad = lambda a, d: cv2.copyMakeBorder(a, d, d, d, d, cv2.BORDER_REPLICATE)
    else:
        blur = lambda a, r: ndimage.uniform_filter(a, 2 * r + 1, mode="nearest")
        pad = lambda a, d: np.pad(a, d, mode="edge")
    s = blur(img, 1)
    if cv:
        k = np.zeros((7, 7), np.float32); k[3, 3] = 1; k[0, 3] = k[6, 3] = k[3, 0] = k[3, 6] = -0.25
        r = np.abs(cv2.filter2D(s, -1, k, borderType=cv2.BORDER_REPLICATE))
    else:
        sp = np.pad(s, 3, mode="edge")
        h, w = s.shape
        r = np.abs(s - 0.25 * (sp[3:3 + h, :w] + sp[3:3 + h, 6:] + sp[:h, 3:3 + w] + sp[6:, 3:3 + w]))
    sigma = cell_median(r, CELL)
    sigma = cv2.medianBlur(sigma, 5) if cv else ndimage.median_filter(sigma, 5, mode="nearest")
    sigma = np.maximum(sigma, 0.1)
    h, w = pixels.shape
    rows, cols = h // CELL, w // CELL
    if cv:
        means = cv2.resize(img[: rows * CELL, : cols * CELL], (cols, rows), interpolation=cv2.INTER_AREA)
    else:
        means = img[: rows * CELL, : cols * CELL].reshape(rows, CELL, cols, CELL).mean(axis=(1, 3))
    body = means > otsu(means)
    film_sigma = float(np.median(sigma))
    cell_blur = (lambda a: cv2.blur(a, (3, 3))) if cv else (lambda a: ndimage.uniform_filter(a, 3))
    bone = bone_cells(means, body, film_sigma, cell_blur)
    searchable = body & ~bone
    small_means = blur(s, SMALL[0])
    large_means = blur(s, LARGE[0])
    t2 = time.perf_counter(); t["background"] = t2 - t1

    up = lambda cells: np.pad(np.repeat(np.repeat(cells, CELL, 0), CELL, 1), ((0, h - rows * CELL), (0, w - cols * CELL)), mode="edge")
    sigma_px = up(sigma)
    samples_mask = up(searchable.astype(np.uint8))[1::3, 1::3] != 0
    contrast = significance = None
    for (radius, d), means_img, measures in ((SMALL, small_means, ("blob", "ridge")), (LARGE, large_means, ("blob",))):
        l, rr, u, b, fa, fb, ra, rb = views(means_img, d, pad)
        for measure in measures:
            if cv:
                if measure == "blob":
                    surround = 0.5 * cv2.max(cv2.max(cv2.add(l, rr), cv2.add(u, b)), cv2.max(cv2.add(fa, fb), cv2.add(ra, rb)))
                else:
                    surround = cv2.min(cv2.min(cv2.max(l, rr), cv2.max(u, b)), cv2.min(cv2.max(fa, fb), cv2.max(ra, rb)))
                c = cv2.subtract(s, surround)
            else:
                if measure == "blob":
                    surround = 0.5 * np.maximum(np.maximum(l + rr, u + b), np.maximum(fa + fb, ra + rb))
                else:
                    surround = np.minimum(np.minimum(np.maximum(l, rr), np.maximum(u, b)), np.minimum(np.maximum(fa, fb), np.maximum(ra, rb)))
                c = s - surround
            samples = c[1::3, 1::3][samples_mask]
            med = np.median(samples)
            clutter = 1.4826 * float(np.median(np.abs(samples - med)))
            z = c / np.maximum(sigma_px, np.float32(clutter))
            contrast = c if contrast is None else np.maximum(contrast, c)
            significance = z if significance is None else np.maximum(significance, z)
    inside = up(body.astype(np.uint8))
    if cv:
        distance = cv2.distanceTransform(inside, cv2.DIST_L2, 3)
    else:
        distance = ndimage.distance_transform_cdt(inside, metric="chessboard")
    region = (distance >= MARGIN) & (up(bone.astype(np.uint8)) == 0)
    candidates = (region & (significance > GROW)).astype(np.uint8)
    t3 = time.perf_counter(); t["threshold"] = t3 - t2

    if cv:
        n, labels = cv2.connectedComponents(candidates, connectivity=8, ltype=cv2.CV_32S)
        idx = np.flatnonzero(labels)
        lab = labels.ravel()[idx]
        peak = np.zeros(n, np.float32); np.maximum.at(peak, lab, contrast.ravel()[idx])
        peak_snr = np.zeros(n, np.float32); np.maximum.at(peak_snr, lab, significance.ravel()[idx])
        keep = (peak_snr[lab] >= SEED) & (contrast.ravel()[idx] >= OUTLINE * peak[lab])
        outline = np.zeros(h * w, np.uint8); outline[idx[keep]] = 1
        outline = outline.reshape(h, w)
    else:
        labels, n = ndimage.label(candidates, structure=np.ones((3, 3)))
        n += 1
        index = np.arange(1, n)
        peak = np.concatenate([[0], ndimage.maximum(contrast, labels, index)])
        peak_snr = np.concatenate([[0], ndimage.maximum(significance, labels, index)])
        outline = ((labels != 0) & (peak_snr[labels] >= SEED) & (contrast >= OUTLINE * peak[labels])).astype(np.uint8)
    t4 = time.perf_counter(); t["label"] = t4 - t3

    min_area = max(3, round(0.04 / SPACING ** 2))
    if cv:
        n2, labels2, stats, centroids = cv2.connectedComponentsWithStats(outline, connectivity=8, ltype=cv2.CV_32S)
        idx = np.flatnonzero(labels2)
        lab = labels2.ravel()[idx]
        area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
        mean = np.bincount(lab, weights=pixels.ravel()[idx], minlength=n2) / np.maximum(area, 1)
        mean_contrast = np.bincount(lab, weights=contrast.ravel()[idx], minlength=n2) / np.maximum(area, 1)
        peak_value = np.zeros(n2, pixels.dtype); np.maximum.at(peak_value, lab, pixels.ravel()[idx])
        kept = int(np.count_nonzero(area[1:] >= min_area))
    else:
        labels2, n2 = ndimage.label(outline, structure=np.ones((3, 3)))
        index = np.arange(1, n2 + 1)
        boxes = ndimage.find_objects(labels2)
        area = ndimage.sum(np.ones_like(labels2), labels2, index)
        centroids = ndimage.center_of_mass(outline, labels2, index)
        mean = ndimage.mean(pixels, labels2, index)
        mean_contrast = ndimage.mean(contrast, labels2, index)
        peak_value = ndimage.maximum(pixels, labels2, index)
        kept = int(np.count_nonzero(area >= min_area))
    t5 = time.perf_counter(); t["measure"] = t5 - t4
    t["deposits"] = kept
    return t


def median_stages(path, flavour, repeats):
    runs = [run_pipeline(path, flavour) for _ in range(repeats + 1)][1:]
    out = {k: statistics.median(r[k] for r in runs) * 1000 for k in STAGES}
    out["after decode"] = statistics.median(sum(r[k] for k in STAGES[1:]) for r in runs) * 1000
    return out


def median_decode(path, repeats):
    """Decoding alone (the JPEG films are timed for their decoder only)."""
    runs = []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        decode(path)
        runs.append(time.perf_counter() - t0)
    return {"decode": statistics.median(runs[1:]) * 1000}


def _one(args):
    path, flavour = args
    cv2.setNumThreads(1)
    run_pipeline(path, flavour)


def peer_throughput(paths, flavour, jobs):
    if jobs == 1:
        start = time.perf_counter()
        for p in paths:
            run_pipeline(p, flavour)
        return len(paths) / (time.perf_counter() - start)
    # spawn, not fork: a child forked after OpenCV started its thread pool can deadlock. The
    # workers are started (and have imported everything) before the clock starts.
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(_warm, range(jobs))
        start = time.perf_counter()
        pool.map(_one, [(p, flavour) for p in paths], chunksize=1)
        return len(paths) / (time.perf_counter() - start)


def _warm(_):
    cv2.setNumThreads(1)


def ours(binary, *args):
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stages-binary", required=True)
    ap.add_argument("--sides", default="1024,2048,3000,4096")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-count", type=int, default=8)
    ap.add_argument("--batch-side", type=int, default=3000)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()
    cv2.setNumThreads(os.cpu_count() or 2)
    threads = cv2.getNumThreads()

    films = {f["side"]: f for f in ours(a.stages_binary, "films", "--sides", a.sides)}
    mine = {(r["side"], r["format"]): r["ms"] for r in ours(a.stages_binary, "stages", "--sides", a.sides, "--repeat", str(a.repeat))}
    rows = []
    for side in sorted(films):
        for fmt in ("dicom", "png", "jpeg"):
            path = films[side][fmt]
            o = mine[(side, fmt)]
            c = s = None
            if not a.no_peers and fmt == "jpeg":
                c = s = median_decode(path, a.repeat)
            elif not a.no_peers:
                c = median_stages(path, "opencv", a.repeat)
                s = median_stages(path, "scipy", max(1, a.repeat // 2))
            for stage in STAGES + ["after decode"]:
                if fmt != "dicom" and stage != "decode":
                    continue  # PNG: the same pixels as the DICOM; JPEG: 8-bit, for decoding only
                rows.append((side, fmt if stage == "decode" else "", stage, o[stage], c and c[stage], s and s[stage]))

    def fmt_ms(v):
        return "-" if v is None else f"{v:8.1f}"
    def ratio(p, o):
        return "-" if p is None or o <= 0 else f"{p / o:6.2f}x"
    print(f"Per stage, median ms over {a.repeat} runs (OpenCV {cv2.__version__} with {threads} threads; ratio = peer / ours, >1 means we are faster)")
    print(f"{'film':>10} {'stage':<18} {'ours':>8} {'OpenCV':>8} {'scipy':>8} {'OpenCV/ours':>12} {'scipy/ours':>11}  per-Mpx ours")
    for side, fmt, stage, o, c, s in rows:
        label = f"{stage} {fmt}".strip()
        print(f"{side:>5}x{side:<4} {label:<18} {fmt_ms(o)} {fmt_ms(c)} {fmt_ms(s)} {ratio(c, o):>12} {ratio(s, o):>11}  {o / (side * side / 1e6):8.2f}")

    batch = {}
    if a.batch_side not in films:
        films.update({f["side"]: f for f in ours(a.stages_binary, "films", "--sides", str(a.batch_side))})
    paths = [films[a.batch_side]["dicom" if i % 2 == 0 else "png"] for i in range(a.batch_count)]
    for jobs in (1, 2):
        r = ours(a.stages_binary, "batch", "--side", str(a.batch_side), "--count", str(a.batch_count), "--jobs", str(jobs))[0]
        batch[("ours", jobs)] = r["films_per_s"]
        if not a.no_peers:
            batch[("opencv", jobs)] = peer_throughput(paths, "opencv", jobs)
    print(f"\nBatch: {a.batch_count} films of {a.batch_side}x{a.batch_side} (DICOM and PNG alternating), films/s")
    print(f"{'jobs':>5} {'ours':>8} {'OpenCV':>8} {'ours/OpenCV':>12}")
    for jobs in (1, 2):
        o, c = batch[("ours", jobs)], batch.get(("opencv", jobs))
        print(f"{jobs:>5} {o:8.2f} {fmt_ms(c) if c is None else f'{c:8.2f}'} {'-' if c is None else f'{o / c:11.2f}x'}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"stages": [dict(zip(("side", "format", "stage", "ours", "opencv", "scipy"), r)) for r in rows],
                       "batch": {f"{k[0]}_{k[1]}": v for k, v in batch.items()}}, f, indent=1)


if __name__ == "__main__":
    main()
