#!/usr/bin/env python3
"""Make the training data and its feature tables, for both sides of training/split.txt: the real
normal films themselves, hybrids of some of them (made with ../shared/eval/tools/make_hybrids.py:
side A seed 11, 1+3+3 cases per base; side B seed 101, 1+2+2), and phantoms from detect's own
generator; then `detect features` over each, with absolute paths.

    python prepare.py --eval ../shared/eval --split split.txt --work DIR --detect .build/release/detect

Writes DIR/<set>.csv (features) and DIR/<set>.films (every film of the set, also those with no
candidate) for train.py, sets named A_… and B_… by side (phantoms belong to neither), and
DIR/sideA.list, DIR/sideB.list (film, spacing, anatomy, hybrid base) for benchmarks/quality.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

HYBRID_SEED = {"A": 11, "B": 101}
HYBRID_PLAN = {"A": "1,3,3", "B": "1,2,2"}   # deposit-free, circumscripta, universalis cases per base
HYBRID_BASES_PER_FOLDER = {"A": 5, "B": 2}  # of each alternating folder's films of that side
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
    for side, films in sides.items():
        with open(os.path.join(work, f"side{side}.list"), "w") as fh:
            fh.write("".join(f"{f}\t{s or '-'}\t{a or '-'}\t{int(b)}\n" for f, s, a, b in films))
        # Normals: every film of the side, by spacing (the option applies to films that state none).
        by_spacing = {}
        for f, spacing, _, _ in films:
            by_spacing.setdefault(spacing, []).append(f)
        for k, (spacing, group) in enumerate(sorted(by_spacing.items(), key=lambda kv: str(kv[0]))):
            features(detect, group, os.path.join(work, f"{side}_normal_{k}"), spacing)
        # Hybrids of the side's bases.
        bases = [(f, s, a) for f, s, a, base in films if base]
        seed = HYBRID_SEED[side]
        out = os.path.join(work, f"{side}_hybrids_{seed}")
        if not os.path.exists(os.path.join(out, "manifest.json")):   # else made by an earlier run (KEEP_HYBRIDS)
            spacing_args = [f"{os.path.basename(f)}={s}" for f, s, _ in bases if s]
            anatomy_args = [f"{os.path.basename(f)}={a}" for f, _, a in bases if a]
            subprocess.run([sys.executable, os.path.join(args.eval, "tools", "make_hybrids.py"), "--bases", *[f for f, _, _ in bases],
                            "--seed", str(seed), "--per-base", HYBRID_PLAN[side], "--out", out,
                            "--spacing-override", *spacing_args, "--anatomy-override", *anatomy_args],
                           check=True, stdout=subprocess.DEVNULL)
        features(detect, images(os.path.join(out, "cases", "images")), out)

    # Phantoms: every anatomy and distribution twice, three spacings, some with collimation and markers.
    out = os.path.join(work, "phantoms")
    k = 0
    for anatomy in ("forearm", "knee", "thigh", "elbow"):
        for distribution in ("none", "circumscripta", "universalis", "none", "circumscripta", "universalis"):
            k += 1
            extra = (["--collimation"] if k % 3 == 0 else []) + (["--marker"] if k % 2 == 0 else [])
            subprocess.run([detect, "phantom", "--anatomy", anatomy, "--distribution", distribution,
                            "--seed", str(PHANTOM_SEED_BASE + k), "--spacing", str([0.1, 0.15, 0.2][k % 3]), *extra,
                            "--output", out], check=True, stdout=subprocess.DEVNULL)
    features(detect, images(out), out)


if __name__ == "__main__":
    main()
