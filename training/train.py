#!/usr/bin/env python3
"""Train the deposit classifier from `detect features` tables and write the model file.

    python train.py --features A.csv B.csv ... --model OUT.json --agreement OUT.csv [--report OUT.txt]

Every CSV comes from `detect features` (so the features are exactly the ones detect computes at
run time). Candidates are labelled against truth masks (`dataset.py`); films without truth are
real normal films whose every candidate is anatomy.

The operating point is chosen from out-of-fold scores (grouped 5-fold by base film: hybrids of one
base film, and the base film itself, never sit on both sides), as the highest sensitivity whose
false candidates per film stay within --max-false-per-film on the normal films and hybrids of
the fitting set. The model shipped is then fitted on all of the fitting set.

The agreement table holds rows of features with this model's log-odds and probability, to 1e-9:
the Swift test reads the shipped model and must reproduce them to 1e-6.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

import dataset

FORMAT = "detect-deposit-classifier/1"
PARAMS = dict(max_iter=300, learning_rate=0.08, max_leaf_nodes=31, min_samples_leaf=20,
              l2_regularization=1.0, random_state=0, early_stopping=False)


def load(paths):
    metas, xs, names = [], [], None
    for p in paths:
        meta, n, x = dataset.read_features(p)
        if names is None:
            names = n
        elif n != names:
            sys.exit(f"{p}: feature columns differ from the first table's")
        metas += meta
        xs.append(x)
    return metas, names, np.vstack(xs)


def balanced_weights(y, groups):
    """Each film group weighs the same in total within each class, so a universalis hybrid with
    200 deposits or a mammogram with 400 candidates does not drown the rest."""
    w = np.ones(len(y))
    for cls in (0, 1):
        idx = np.where(y == cls)[0]
        if len(idx) == 0:
            continue
        counts = {}
        for i in idx:
            counts[groups[i]] = counts.get(groups[i], 0) + 1
        for i in idx:
            w[i] = 1.0 / counts[groups[i]]
        w[idx] *= len(idx) / w[idx].sum()
    pos, neg = (y == 1).sum(), (y == 0).sum()
    if pos and neg:
        w[y == 1] *= neg / pos
    return w


def export(model, names, threshold, reason, trained_on, version):
    trees = []
    for iteration in model._predictors:
        (predictor,) = iteration
        nodes = predictor.nodes
        feature, thr, left, right, missing, value = [], [], [], [], [], []
        for nd in nodes:
            leaf = bool(nd["is_leaf"])
            feature.append(-1 if leaf else int(nd["feature_idx"]))
            thr.append(0.0 if leaf else float(nd["num_threshold"]))
            left.append(0 if leaf else int(nd["left"]))
            right.append(0 if leaf else int(nd["right"]))
            missing.append(bool(nd["missing_go_to_left"]))
            value.append(float(nd["value"]) if leaf else 0.0)
        trees.append(dict(feature=feature, threshold=thr, left=left, right=right, missing_left=missing, value=value))
    baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
    return dict(format=FORMAT, name="deposit-classifier", version=version, trained_on=trained_on,
                features=list(names), baseline=baseline, threshold=float(threshold),
                threshold_reason=reason, trees=trees)


def decision(model_json, x):
    """The log-odds as the Swift side computes them (for the self-check below)."""
    out = np.full(len(x), model_json["baseline"])
    for t in model_json["trees"]:
        for r in range(len(x)):
            node = 0
            while t["feature"][node] >= 0:
                v = x[r, t["feature"][node]]
                left = t["missing_left"][node] if np.isnan(v) else v <= t["threshold"][node]
                node = t["left"][node] if left else t["right"][node]
            out[r] += t["value"][node]
    return out


def operating_point(scores, y, matched, files, films, truth_count, max_false):
    """Highest recall (over true deposits with CNR ≥ 3) whose false candidates per film stay
    within max_false, from out-of-fold scores."""
    best = (1.0, 0.0, 0.0)
    for t in np.unique(np.round(scores, 3))[::-1]:
        keep = scores >= t
        false = np.sum(keep & (y == 0)) / films
        if false > max_false:
            break
        found = set()
        for k in np.where(keep & (y != 0))[0]:
            found |= {(files[k], m) for m in matched[k]}
        recall = len(found & truth_count) / max(1, len(truth_count))
        best = (float(t), recall, false)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--features", nargs="+", required=True)
    ap.add_argument("--model", required=True, help="the model file (JSON), as detect --model reads it")
    ap.add_argument("--swift", help="also write it as the Swift source detect compiles in")
    ap.add_argument("--agreement", help="the agreement table for DepositClassifierTests")
    ap.add_argument("--max-false-per-film", type=float, default=2.0)
    ap.add_argument("--trained-on", default="")
    ap.add_argument("--version", default=datetime.date.today().isoformat())
    ap.add_argument("--oof", help="also write the out-of-fold scores here (npz), for analysis")
    args = ap.parse_args()

    meta, names, x = load(args.features)
    cache = {}
    y, matched, groups = dataset.label_candidates(meta, cache)
    files = sorted(set(m["file"] for m in meta) | set(args_films(args.features)))
    # True deposits with CNR >= 3 of every film with truth, keyed (group, id).
    strong = set()
    for f in files:
        t = cache.get(f) or dataset.truth_for(f)
        if t is None:
            continue
        for i, d in t[1].items():
            if d["cnr"] >= 3:
                strong.add((f, i))
    print(f"{len(y)} candidates from {len(files)} films: {y.sum()} on deposits, {(y == 0).sum()} on anatomy; "
          f"{len(strong)} true deposits with CNR >= 3", flush=True)
    print(f"{(y == -1).sum()} candidates larger than 4x the deposits they hold are left out of fitting", flush=True)
    w = balanced_weights(y, groups)
    oof = np.zeros(len(y))
    # Stable ids (Python's str hash changes from run to run), so the folds and the operating
    # point are the same on every run.
    names_sorted = sorted(set(groups))
    group_ids = np.array([names_sorted.index(g) for g in groups])
    usable = y >= 0
    for fit, test in GroupKFold(n_splits=5).split(x, y, group_ids):
        fit = fit[usable[fit]]
        m = HistGradientBoostingClassifier(**PARAMS).fit(x[fit], y[fit], sample_weight=w[fit])
        oof[test] = m.predict_proba(x[test])[:, 1]
    candidate_files = [m["file"] for m in meta]
    if args.oof:
        np.savez(args.oof, scores=oof, y=y, files=np.array(candidate_files), groups=np.array(groups),
                 matched=np.array([sorted(m) for m in matched], dtype=object), names=np.array(names), x=x,
                 strong=np.array(sorted(strong), dtype=object), films=np.array(files))
    for limit in (0.5, 1, 2, 5, 10):
        _, r, fa = operating_point(oof, y, matched, candidate_files, len(files), strong, limit)
        print(f"  out-of-fold: {r:.3f} of CNR >= 3 deposits at {fa:.2f} false per film (limit {limit})", flush=True)
    t, recall, false = operating_point(oof, y, matched, candidate_files, len(files), strong, args.max_false_per_film)
    reason = (f"out-of-fold (5 folds grouped by base film) on the fitting set: {false:.2f} false candidates per film "
              f"(limit {args.max_false_per_film}), {recall:.3f} of CNR >= 3 deposits found")
    print("operating point", t, reason, flush=True)
    model = HistGradientBoostingClassifier(**PARAMS).fit(x[usable], y[usable], sample_weight=w[usable])
    out = export(model, names, t, reason, args.trained_on, args.version)
    # Self-check: the exported trees give sklearn's own log-odds.
    sample = np.random.default_rng(0).choice(len(x), size=min(300, len(x)), replace=False)
    sample.sort()
    ours = decision(out, x[sample])
    theirs = model.decision_function(x[sample])
    if not np.allclose(ours, theirs, atol=1e-9, rtol=0):
        sys.exit(f"exported trees disagree with scikit-learn: max difference {np.abs(ours - theirs).max()}")
    text = json.dumps(out, separators=(",", ":"))
    with open(args.model, "w") as fh:
        fh.write(text + "\n")
    if args.swift:
        # The same JSON in a raw string literal: compiled into detect as text (a byte-array
        # resource of this size took minutes to compile), parsed when first used.
        assert '"#' not in text
        with open(args.swift, "w") as fh:
            fh.write("// Generated by training/train.py: the built-in deposit classifier (JSON). Do not edit; retrain.\n")
            fh.write("let builtInDepositClassifierJSON = #\"\"\"\n" + text + "\n\"\"\"#\n")
    if not args.agreement:
        print(f"wrote {args.model} ({len(out['trees'])} trees)")
        return
    with open(args.agreement, "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(list(names) + ["decision", "probability"])
        for r, k in enumerate(sample):
            p = float(model.predict_proba(x[k:k + 1])[0, 1])
            wr.writerow([repr(float(v)) for v in x[k]] + [repr(float(theirs[r])), repr(p)])
    print(f"wrote {args.model} ({len(out['trees'])} trees) and {args.agreement} ({len(sample)} rows)")


def args_films(paths):
    """Films listed in the tables (a film with no candidate still counts as a film: its name is
    in a `# films:` comment line the retrain script appends)."""
    films = []
    for p in paths:
        try:
            with open(p.replace(".csv", ".films")) as fh:
                films += [line.strip() for line in fh if line.strip()]
        except FileNotFoundError:
            pass
    return films


if __name__ == "__main__":
    main()
