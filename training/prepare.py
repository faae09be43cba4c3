#!/usr/bin/env python3
"""Make the fitting set and its feature tables: hybrids of the fitting films (made with
../shared/eval/tools/make_hybrids.py), the fitting films themselves as normals, and phantoms from
detect's own generator; then `detect features` over each, with absolute paths.

    python prepare.py --eval ../shared/eval --split split.txt --work DIR --detect .build/release/detect

Writes DIR/<set>.csv (features) and DIR/<set>.films (every film of the set, also those with no
candidate) for train.py.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

HYBRID_SEEDS = (11,)           # one draw of deposits per base film (1 none, 3 circumscripta, 3 universalis)
HYBRID_BASES_PER_FOLDER = 5    # of the alternating folders, this many bases get hybrids
PHANTOM_SEED_BASE = 600        # phantoms for training: seeds 601–624; the sample set, the tests and make-phantoms use others


def read_split(path, films_dir):
    """[(absolute path, spacing or None, anatomy)] of the fitting films."""
    fit = []
    for line in open(path):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        kind, name, spacing, anatomy = line
        spacing = None if spacing == "-" else float(spacing)
        if kind == "fit":
            fit.append((os.path.join(films_dir, name), spacing, anatomy, True))
        elif kind == "fit-alternate":
            folder = os.path.join(films_dir, name)
            names = sorted(f for f in os.listdir(folder) if not f.startswith("."))
            for k, f in enumerate(names[::2]):
                fit.append((os.path.join(folder, f), spacing, anatomy, k < HYBRID_BASES_PER_FOLDER))
        else:
            sys.exit(f"{path}: unknown kind {kind!r}")
    for f, *_ in fit:
        if not os.path.exists(f):
            sys.exit(f"{path}: {f} is missing")
    return fit


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
    fit = read_split(args.split, os.path.join(os.path.abspath(args.eval), "films", "normal"))

    # Normals: every fitting film, by spacing (the option applies to films that state none).
    by_spacing = {}
    for f, spacing, _, _ in fit:
        by_spacing.setdefault(spacing, []).append(f)
    for k, (spacing, films) in enumerate(sorted(by_spacing.items(), key=lambda kv: str(kv[0]))):
        features(detect, films, os.path.join(work, f"normal_{k}"), spacing)

    # Hybrids of the chosen bases.
    bases = [(f, s, a) for f, s, a, hybrid in fit if hybrid]
    spacing_args = [f"{os.path.basename(f)}={s}" for f, s, _ in bases if s]
    anatomy_args = [f"{os.path.basename(f)}={a}" for f, _, a in bases]
    for seed in HYBRID_SEEDS:
        out = os.path.join(work, f"hybrids_{seed}")
        if os.path.exists(os.path.join(out, "manifest.json")):   # made by an earlier run (--keep)
            features(detect, images(os.path.join(out, "cases", "images")), out)
            continue
        subprocess.run([sys.executable, os.path.join(args.eval, "tools", "make_hybrids.py"), "--bases", *[f for f, _, _ in bases],
                        "--seed", str(seed), "--per-base", "1,3,3", "--out", out,
                        "--spacing-override", *spacing_args, "--anatomy-override", *anatomy_args],
                       check=True, stdout=subprocess.DEVNULL)
        features(detect, images(os.path.join(out, "cases", "images")), out)

    # Phantoms: every anatomy and distribution, three spacings, some with collimation and markers.
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
