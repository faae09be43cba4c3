#!/usr/bin/env python3
"""Make the training data and its feature tables, for both sides of training/split.txt: the real
normal films themselves, hybrids of some of them (made with ../shared/eval/tools/make_hybrids.py:
side A seed 11, 1+3+3 cases per base; side B seed 101, 1+2+2; these two sets are also what
benchmarks/quality/held-back measures), further hybrids for fitting only (every other usable film
of the side as a base, one circumscripta and one universalis case each, in two sets: the even-numbered
films with side A seed 12 / side B seed 102, the odd-numbered with 13 / 103), surgical clips
inserted into every other usable film of each side as negatives (clips.py), the mini-MIAS
mammograms with marked clusters split by film, and phantoms from detect's own generator; then
`detect features` over each, with absolute paths. The hybrid and clip sets (single-threaded
Python, about 15 s of CPU per case) are made one per core.

    python prepare.py --eval ../shared/eval --split split.txt --work DIR --detect .build/release/detect

Writes DIR/<set>.csv (features) and DIR/<set>.films (every film of the set, also those with no
candidate) for train.py, sets named A_… and B_… by side (phantoms belong to neither), and
DIR/sideA.list, DIR/sideB.list (film, spacing, anatomy, hybrid base) and DIR/sideA-minimias.list,
DIR/sideB-minimias.list (film stems) for benchmarks/quality.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

HYBRID_SEED = {"A": 11, "B": 101}
HYBRID_PLAN = {"A": "1,3,3", "B": "1,2,2"}   # deposit-free, circumscripta, universalis cases per base
HYBRID_BASES_PER_FOLDER = {"A": 5, "B": 2}  # of each alternating folder's films of that side
# Fitting-only hybrids (named <side>_fithybrids_<seed>, so that held-back never measures them): more
# base films, because the held-back recall rose with them (side A's model on side B's candidates at
# <= 2 false per film: 0.25 with 7 of its 14 bases, 0.30 with all 14, and 0.34 / 0.45 at <= 5).
# Bases: every other film of the side that is not a base of the measured set (side A has 40 such
# films, side B 46; about 15 s of CPU per case). Two sets per side: the even-numbered of those films
# (seed 12 / 102) and the odd-numbered (seed 13 / 103), so every usable film of a side is a base.
FIT_HYBRID_SETS = {"A": [(12, 0), (13, 1)], "B": [(102, 0), (103, 1)]}   # (seed, first film); every second film
FIT_HYBRID_PLAN = "0,1,1"
# Surgical clips (training/clips.py) in every other usable film of each side: negatives only.
CLIP_SEED = {"A": 14, "B": 104}
PHANTOM_SEED_BASE = 600        # phantoms for training: seeds 601–624; the sample set, the tests and make-phantoms use others


def read_split(path, films_dir):
    """{side: [(absolute path, spacing or None, anatomy or None, is a hybrid base)]} for sides A and B."""
    named, alternate = {}, []
    for line in open(path):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        side, name, spacing, anatomy = parts
        entry = (None if spacing == "-" else float(spacing), None if anatomy == "-" else anatomy)
        if side in ("A", "B"):
            named[name] = (side,) + entry
        elif side == "alternate":
            alternate.append((name,) + entry)
        else:
            sys.exit(f"{path}: unknown side {side!r}")
    sides = {"A": [], "B": []}
    folders = {a[0] for a in alternate}
    for name, spacing, anatomy in alternate:
        files = sorted(f for f in os.listdir(os.path.join(films_dir, name)) if not f.startswith("."))
        for k, f in enumerate(files):
            side = "A" if k % 2 == 0 else "B"
            sides[side].append((os.path.join(films_dir, name, f), spacing, anatomy,
                                k // 2 < HYBRID_BASES_PER_FOLDER[side]))
    for root, _, files in os.walk(films_dir):
        rel_root = os.path.relpath(root, films_dir)
        if rel_root.split(os.sep)[0] in folders:
            continue
        for f in sorted(files):
            rel = os.path.normpath(os.path.join(rel_root, f))
            side, spacing, anatomy = named.get(rel, ("B", None, None))
            # Hybrid bases: every named film and the DICOM films; not the web JPEG chests or the
            # low-resolution MURA films (too coarse for sub-millimetre deposits).
            base = rel in named or rel.endswith(".dcm")
            sides[side].append((os.path.join(films_dir, rel), spacing, anatomy, base))
    for side in sides.values():
        side.sort()
    return sides


def usable_base(path):
    """Fine enough for sub-millimetre deposits: not the web JPEG chests, not the low-resolution
    MURA films."""
    name = os.path.basename(path)
    return not (name.startswith("chest_web") or "mura_lowres" in path)


def hybrids_command(eval_dir, bases, seed, plan, out):
    """The make_hybrids.py command for bases [(path, spacing, anatomy)] into out, or None when out
    holds a finished set (KEEP_HYBRIDS)."""
    if os.path.exists(os.path.join(out, "manifest.json")):
        return None
    spacing_args = [f"{os.path.basename(f)}={s}" for f, s, _ in bases if s]
    anatomy_args = [f"{os.path.basename(f)}={a}" for f, _, a in bases if a]
    return [sys.executable, os.path.join(eval_dir, "tools", "make_hybrids.py"), "--bases", *[f for f, _, _ in bases],
            "--seed", str(seed), "--per-base", plan, "--out", out,
            "--spacing-override", *spacing_args, "--anatomy-override", *anatomy_args]


def clips_command(eval_dir, bases, seed, out):
    """The clips.py command for bases [(path, spacing, anatomy)] into out, or None when out holds a
    finished set."""
    if os.path.exists(os.path.join(out, "done")):
        return None
    return [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "clips.py"), "--eval", eval_dir,
            "--seed", str(seed), "--out", out, "--bases", *[f"{f}={s or '-'}={a or '-'}" for f, s, a in bases]]


def run_all(commands):
    """Run the generation commands (each single-threaded, minutes long), one per core."""
    commands = [c for c in commands if c]
    def run(command):
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        for future in [pool.submit(run, c) for c in commands]:
            future.result()


def read_minimias(films_dir):
    """{side: [(film path, [(x, y, radius px)], or [] for a normal film, or None for a film whose
    calcifications are widely distributed)]}: the mini-MIAS films with marked clusters, the normal
    ones and the widespread one(s), each group alternating between the sides in name order. A
    widespread film (no circle, so no footprint to label candidates by) is measured with its side
    but never fitted on."""
    circles, normal, widespread = {}, set(), set()
    with open(os.path.join(films_dir, "clusters.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            if row["note"] == "normal":
                normal.add(row["film"])
            elif row["x"]:
                circles.setdefault(row["film"], []).append((float(row["x"]), float(row["y"]), float(row["radius_px"])))
            else:
                widespread.add(row["film"])
    sides = {"A": [], "B": []}
    for group in (sorted(circles), sorted(normal), sorted(widespread)):
        for k, film in enumerate(group):
            path = os.path.join(films_dir, film + ".png")
            if os.path.exists(path):
                sides["A" if k % 2 == 0 else "B"].append((path, None if film in widespread else circles.get(film, [])))
    return sides


def minimias_set(films, out):
    """A ../shared/eval/FORMAT.md set of mini-MIAS films for fitting (not the widespread ones): each marked cluster's circle
    is one 'deposit' footprint, so every candidate inside a circle counts as a calcification (the
    truth is per cluster, not per speck); the normal films have no truth (all candidates anatomy)."""
    images_dir, truth_dir = os.path.join(out, "cases", "images"), os.path.join(out, "cases", "truth")
    os.makedirs(images_dir, exist_ok=True)
    os.makedirs(truth_dir, exist_ok=True)
    for path, cs in films:
        if cs is None:
            continue
        stem = os.path.splitext(os.path.basename(path))[0]
        link = os.path.join(images_dir, os.path.basename(path))
        if not os.path.lexists(link):
            os.symlink(os.path.abspath(path), link)
        if not cs:
            continue
        with Image.open(path) as image:
            width, height = image.size
        yy, xx = np.mgrid[0:height, 0:width]
        labels = np.zeros((height, width), dtype=np.uint16)
        deposits = []
        for k, (x, y, r) in enumerate(cs, start=1):
            labels[((xx - x) ** 2 + (yy - y) ** 2 <= r * r) & (labels == 0)] = k
            deposits.append({"id": k, "kind": "cluster_circle", "area_px": int((labels == k).sum()),
                             "centre": [x, y], "radius_px": r})
        Image.fromarray(labels).save(os.path.join(truth_dir, stem + ".labels.png"))
        with open(os.path.join(truth_dir, stem + ".truth.json"), "w") as fh:
            json.dump({"film": os.path.basename(path), "base_film": "minimias_" + stem, "label": "circumscripta",
                       "deposits": deposits}, fh, indent=1)


def features(detect, films, out, spacing=None):
    cmd = [detect, "features", *films, "--output", out + ".csv"]
    if spacing:
        cmd += ["--default-spacing", str(spacing)]
    subprocess.run(cmd, check=True)
    with open(out + ".films", "w") as fh:
        fh.write("\n".join(films) + "\n")


def images(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".png"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--split", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--detect", required=True)
    args = ap.parse_args()
    detect = os.path.abspath(args.detect)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    sides = read_split(args.split, os.path.join(os.path.abspath(args.eval), "films", "normal"))
    # The sets of each side: (name, generation command or None, films of the set or None for the
    # images the command writes, spacing for films that state none).
    sets = []
    for side, films in sides.items():
        with open(os.path.join(work, f"side{side}.list"), "w") as fh:
            fh.write("".join(f"{f}\t{s or '-'}\t{a or '-'}\t{int(b)}\n" for f, s, a, b in films))
        # Normals: every film of the side, by spacing (the option applies to films that state none).
        by_spacing = {}
        for f, spacing, _, _ in films:
            by_spacing.setdefault(spacing, []).append(f)
        for k, (spacing, group) in enumerate(sorted(by_spacing.items(), key=lambda kv: str(kv[0]))):
            sets.append((f"{side}_normal_{k}", None, group, spacing))
        # Hybrids of the side's bases.
        bases = [(f, s, a) for f, s, a, base in films if base]
        name = f"{side}_hybrids_{HYBRID_SEED[side]}"
        sets.append((name, hybrids_command(args.eval, bases, HYBRID_SEED[side], HYBRID_PLAN[side], os.path.join(work, name)), None, None))
        # Fitting-only hybrids of further bases.
        more = [(f, s, a) for f, s, a, base in films if not base and usable_base(f)]
        for seed, first in FIT_HYBRID_SETS[side]:
            name = f"{side}_fithybrids_{seed}"
            sets.append((name, hybrids_command(args.eval, more[first::2], seed, FIT_HYBRID_PLAN, os.path.join(work, name)), None, None))
        # Surgical clips in every other usable film of the side: negatives only.
        usable = [(f, s, a) for f, s, a, _ in films if usable_base(f)]
        name = f"{side}_clips_{CLIP_SEED[side]}"
        sets.append((name, clips_command(os.path.abspath(args.eval), usable[::2], CLIP_SEED[side], os.path.join(work, name)), None, None))
    run_all([command for _, command, _, _ in sets])
    for name, _, films, spacing in sets:
        out = os.path.join(work, name)
        features(detect, films or images(os.path.join(out, "cases", "images")), out, spacing)

    # mini-MIAS mammograms with marked calcification clusters, split by film like the rest: the
    # only real calcifications in the fitting data (benchmarks/quality/held-back measures each
    # side's films with the other side's model).
    for side, films in read_minimias(os.path.join(os.path.abspath(args.eval), "films", "minimias")).items():
        with open(os.path.join(work, f"side{side}-minimias.list"), "w") as fh:
            fh.write("".join(os.path.splitext(os.path.basename(f))[0] + "\n" for f, _ in films))
        out = os.path.join(work, f"{side}_minimias")
        minimias_set(films, out)
        features(detect, images(os.path.join(out, "cases", "images")), out)

    # Phantoms: every anatomy and distribution twice, three spacings, some with collimation, markers or clips.
    out = os.path.join(work, "phantoms")
    k = 0
    for anatomy in ("forearm", "knee", "thigh", "elbow"):
        for distribution in ("none", "circumscripta", "universalis", "none", "circumscripta", "universalis"):
            k += 1
            # Surgical clips on the films without a marker: the metal a detector must reject (the CR hip of
            # ../shared/eval shows four; side A's model never sees that film).
            extra = (["--collimation"] if k % 3 == 0 else []) + (["--marker"] if k % 2 == 0 else ["--clips"])
            subprocess.run([detect, "phantom", "--anatomy", anatomy, "--distribution", distribution,
                            "--seed", str(PHANTOM_SEED_BASE + k), "--spacing", str([0.1, 0.15, 0.2][k % 3]), *extra,
                            "--output", out], check=True, stdout=subprocess.DEVNULL)
    features(detect, images(out), out)


if __name__ == "__main__":
    main()
