"""Candidates from `detect features`, labelled against truth masks.

A candidate is a deposit (label 1) when its centroid lies within 1 mm of a true deposit's
footprint or its equal-area disk overlaps one, the rule ../shared/eval/FORMAT.md scores by; every
other candidate is anatomy (0). A candidate that finds only deposits fainter than CNR 3 (stated
in the truth; the mini-MIAS cluster circles state none) is left out of fitting (-1): such a
deposit is at the noise level, and fitting on it as a deposit teaches the classifier that noise
bumps are deposits, while the operating point and the targets count deposits of CNR >= 3 only.
Films without truth (the real normal films) give only label-0 candidates. A film whose truth lists
`negatives` (training/clips.py: surgical clips inserted into a real film) gives label 0 to the
candidates on them and leaves its other candidates out (-1): they are the base film's own.

Truth layouts read:
- hybrids and other FORMAT.md sets: ROOT/cases/images/<case>.png|.dcm with
  ROOT/cases/truth/<case>.truth.json and <case>.labels.png;
- the project's phantoms (`detect phantom`): DIR/<name>.png with DIR/truth/<name>.truth.json and
  DIR/truth/<name>.mask.png.
"""
from __future__ import annotations

import csv
import json
import os

import numpy as np
from PIL import Image

NEGATIVES = "negatives:"   # weight-group prefix of the candidates on inserted negatives
# Candidates that find only deposits below this CNR are left out of fitting: the targets and the
# operating point count deposits of CNR >= 3. Out-of-fold on side A of training/split.txt and
# phantoms (first stage, 5 folds by base film, with the radial profile): 0.439 -> 0.446 of the
# CNR >= 3 deposits at 2 false candidates per film, 0.364 -> 0.362 at 1: within refitting noise.
FAINT_CNR = 3.0
META = ["file", "candidate", "x", "y", "area_px", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "spacing_mm"]


def read_features(path):
    """Rows of a `detect features` CSV: (meta dict, feature names, float matrix)."""
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        names = header[len(META):]
        meta, values = [], []
        for row in reader:
            meta.append(dict(zip(META, row[:len(META)])))
            values.append([float(v) for v in row[len(META):]])
    return meta, names, np.array(values, dtype=np.float64).reshape(-1, len(names))


def truth_for(image_path):
    """(labels uint16 array, {id: deposit dict with 'cnr'}, label, base film, whether the labels
    mark negatives instead of deposits) for a film, or None."""
    folder, name = os.path.split(image_path)
    stem = os.path.splitext(name)[0]
    hybrid = os.path.join(os.path.dirname(folder), "truth", stem + ".truth.json")
    phantom = os.path.join(folder, "truth", stem + ".truth.json")
    if os.path.exists(hybrid):
        truth = json.load(open(hybrid))
        labels = np.asarray(Image.open(os.path.join(os.path.dirname(folder), "truth", stem + ".labels.png")))
        deposits = {d["id"]: dict(d, cnr=d.get("cnr", 0.0), cnr_stated="cnr" in d) for d in truth["deposits"]}
        negatives = "negatives" in truth
        return labels.astype(np.int64), deposits, truth.get("label"), truth.get("base_film", stem), negatives
    if os.path.exists(phantom):
        truth = json.load(open(phantom))
        labels = np.asarray(Image.open(os.path.join(folder, "truth", stem + ".mask.png")))
        deposits = {d["id"]: dict(d, cnr=d.get("peak_snr", 0.0), cnr_stated="peak_snr" in d) for d in truth["deposits"]}
        return labels.astype(np.int64), deposits, truth.get("distribution"), "phantom_" + stem, False
    return None


def label_candidates(meta, truth_cache=None):
    """Per candidate: (label 1 deposit, 0 anatomy, -1 left out: mostly anatomy holding a deposit,
    or a film's own anatomy beside inserted negatives; set of truth ids it finds; film group name,
    the base film's, for the folds; weight group name: the film group's, or NEGATIVES + base film
    for the candidates on inserted negatives)."""
    truth_cache = {} if truth_cache is None else truth_cache
    y = np.zeros(len(meta), dtype=np.int64)
    matched = []
    groups = []
    weight_groups = []
    for k, m in enumerate(meta):
        path = m["file"]
        if path not in truth_cache:
            truth_cache[path] = truth_for(path)
        t = truth_cache[path]
        if t is None:
            groups.append(os.path.splitext(os.path.basename(path))[0])
            weight_groups.append(groups[-1])
            matched.append(set())
            continue
        labels, deposits, _, base, negatives = t
        groups.append(base)
        weight_groups.append(base)
        sp = float(m["spacing_mm"])
        reach = max(1.0 / sp, (float(m["area_px"]) / np.pi) ** 0.5)
        cx, cy = float(m["x"]), float(m["y"])
        x0, x1 = max(0, int(np.floor(cx - reach))), min(labels.shape[1], int(np.ceil(cx + reach)) + 1)
        y0, y1 = max(0, int(np.floor(cy - reach))), min(labels.shape[0], int(np.ceil(cy + reach)) + 1)
        window = labels[y0:y1, x0:x1]
        yy, xx = np.mgrid[y0:y1, x0:x1]
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= reach ** 2
        ids = set(int(v) for v in np.unique(window[inside & (window > 0)]))
        if negatives:
            matched.append(set())
            y[k] = 0 if ids else -1
            weight_groups[-1] = NEGATIVES + base
            continue
        matched.append(ids)
        y[k] = 1 if ids else 0
        # A candidate much larger than what it finds (a bone's component holding a deposit)
        # finds it for scoring, but is mostly anatomy: -1, left out of training.
        if ids and sum(deposits[i]["area_px"] for i in ids if i in deposits) < 0.25 * float(m["area_px"]):
            y[k] = -1
        # Only noise-level deposits found: neither taught as a deposit nor as anatomy.
        elif ids and all(i in deposits and deposits[i]["cnr_stated"] and deposits[i]["cnr"] < FAINT_CNR for i in ids):
            y[k] = -1
    return y, matched, groups, weight_groups
