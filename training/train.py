#!/usr/bin/env python3
"""Train the deposit classifier from `detect features` tables and write the model file.

    python train.py --features A.csv B.csv ... --model OUT.json --agreement OUT.csv [--report OUT.txt]

Every CSV comes from `detect features` (so the features are exactly the ones detect computes at
run time). Candidates are labelled against truth masks (`dataset.py`); films without truth are
real normal films whose every candidate is anatomy.

Two stages. The first scores each candidate from its own features. The second (unless
--no-context) scores it again from its features, its first-stage score and the first-stage scores
of the candidates around it (CONTEXT_FEATURES: how many convincing neighbours within 5 and 15 mm,
the best of them): a calcification cluster is several fairly convincing candidates together, a
stray false candidate mostly stands alone. The second stage is fitted on out-of-fold first-stage
scores, so that it learns from scores like those of films the first stage never saw.

The operating point is chosen from the last stage's out-of-fold scores (grouped 5-fold by base
film: hybrids of one base film, and the base film itself, never sit on both sides), as the highest
sensitivity whose false candidates per film stay within --max-false-per-film on the normal films
and hybrids of the fitting set. The model shipped is then fitted on all of the fitting set.

The agreement table holds rows of features (with context) with both stages' log-odds and
probabilities, to 1e-9; the context table holds three films' candidates with their context
features. The Swift tests read the shipped model and must reproduce both.
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


# The clips inserted into one film (training/clips.py) weigh this much of a film group's anatomy:
# enough to be learnt (the shipped model of the last round, fitted on the hip film itself, still
# scored its four clips 0.98-0.99), little enough that some 50 such films do not outweigh the
# ~160 film groups of real anatomy.
NEGATIVE_GROUP_WEIGHT = 0.3


def balanced_weights(y, groups):
    """Each film group weighs the same in total within each class, so a universalis hybrid with
    200 deposits or a mammogram with 400 candidates does not drown the rest; a group of inserted
    negatives weighs NEGATIVE_GROUP_WEIGHT."""
    w = np.ones(len(y))
    for cls in (0, 1):
        idx = np.where(y == cls)[0]
        if len(idx) == 0:
            continue
        counts = {}
        for i in idx:
            counts[groups[i]] = counts.get(groups[i], 0) + 1
        for i in idx:
            w[i] = (NEGATIVE_GROUP_WEIGHT if groups[i].startswith(dataset.NEGATIVES) else 1.0) / counts[groups[i]]
        w[idx] *= len(idx) / w[idx].sum()
    pos, neg = (y == 1).sum(), (y == 0).sum()
    if pos and neg:
        w[y == 1] *= neg / pos
    return w


# The second stage: each candidate's first-stage score and those of the candidates around it.
# A calcification cluster is several moderately convincing candidates close together; a stray
# false candidate usually stands alone. Distances between centroids in mm; "within r" is
# dx² + dy² <= r², computed as the Swift side does (DepositClassifier.contextFeatures).
CONTEXT_FEATURES = ["stage1_score", "strong_neighbours_5mm", "best_neighbour_5mm", "top3_neighbours_5mm",
                    "strong_neighbours_15mm", "some_neighbours_15mm", "best_neighbour_15mm"]
STRONG, SOME = 0.5, 0.2


def context_features(xs_mm, ys_mm, s1):
    """Context features of the candidates of one film (arrays of equal length)."""
    n = len(s1)
    out = np.zeros((n, len(CONTEXT_FEATURES)))
    out[:, 0] = s1
    for start in range(0, n, 2000):
        rows = np.arange(start, min(n, start + 2000))
        dx = xs_mm[rows, None] - xs_mm[None, :]
        dy = ys_mm[rows, None] - ys_mm[None, :]
        d2 = dx * dx + dy * dy
        other = np.ones_like(d2, dtype=bool)
        other[np.arange(len(rows)), rows] = False
        for r in (5.0, 15.0):
            near = other & (d2 <= r * r)
            scores = np.where(near, s1[None, :], -np.inf)
            best = scores.max(axis=1)
            if r == 5.0:
                out[rows, 1] = (near & (s1[None, :] >= STRONG)).sum(axis=1)
                out[rows, 2] = np.where(np.isfinite(best), best, 0.0)
                k = min(3, n)
                top = -np.sort(-scores, axis=1)[:, :k] if k else np.zeros((len(rows), 0))
                finite = np.isfinite(top)
                count = finite.sum(axis=1)
                total = np.where(finite, top, 0.0).sum(axis=1)
                out[rows, 3] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
            else:
                out[rows, 4] = (near & (s1[None, :] >= STRONG)).sum(axis=1)
                out[rows, 5] = (near & (s1[None, :] >= SOME)).sum(axis=1)
                out[rows, 6] = np.where(np.isfinite(best), best, 0.0)
    return out


def with_context(meta, x, s1):
    """The features with the context features appended, film by film."""
    files = np.array([m["file"] for m in meta])
    sp = np.array([float(m["spacing_mm"]) for m in meta])
    xs = np.array([float(m["x"]) for m in meta]) * sp
    ys = np.array([float(m["y"]) for m in meta]) * sp
    ctx = np.zeros((len(meta), len(CONTEXT_FEATURES)))
    for f in np.unique(files):
        idx = np.where(files == f)[0]
        ctx[idx] = context_features(xs[idx], ys[idx], s1[idx])
    return np.hstack([x, ctx]), xs, ys


def out_of_fold(x, y, w, group_ids):
    """Out-of-fold probabilities, 5 folds grouped by base film; candidates labelled -1 are
    scored but never fitted on."""
    usable = y >= 0
    oof = np.zeros(len(y))
    for fit, test in GroupKFold(n_splits=5).split(x, y, group_ids):
        fit = fit[usable[fit]]
        m = HistGradientBoostingClassifier(**PARAMS).fit(x[fit], y[fit], sample_weight=w[fit])
        oof[test] = m.predict_proba(x[test])[:, 1]
    return oof


def trees_of(model):
    """The fitted trees as the model file stores them, and the baseline log-odds."""
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
    return trees, float(np.asarray(model._baseline_prediction).ravel()[0])


def export(model, names, threshold, reason, trained_on, version, context=None):
    trees, baseline = trees_of(model)
    out = dict(format=FORMAT, name="deposit-classifier", version=version, trained_on=trained_on,
               features=list(names), baseline=baseline, threshold=float(threshold),
               threshold_reason=reason, trees=trees)
    if context is not None:
        context_trees, context_baseline = trees_of(context)
        out["context"] = dict(features=list(CONTEXT_FEATURES), strong=STRONG, some=SOME,
                              baseline=context_baseline, trees=context_trees)
    return out


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


def holds_inserted_negatives(film, cache):
    t = cache.get(film) or dataset.truth_for(film)
    return t is not None and t[4]


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
    ap.add_argument("--no-context", action="store_true", help="the first stage only (no second, context stage)")
    ap.add_argument("--context-fixture", help="with --agreement: also write context features of three films' candidates here")
    args = ap.parse_args()

    meta, names, x = load(args.features)
    cache = {}
    y, matched, groups, weight_groups = dataset.label_candidates(meta, cache)
    files = sorted(set(m["file"] for m in meta) | set(args_films(args.features)))
    # Films with inserted negatives are the base films again: not counted as films of their own
    # for the false candidates per film (their clips are counted as false candidates).
    film_count = sum(1 for f in files if not holds_inserted_negatives(f, cache))
    # True deposits with CNR >= 3 of every film with truth, keyed (group, id).
    strong = set()
    for f in files:
        t = cache.get(f) or dataset.truth_for(f)
        if t is None:
            continue
        for i, d in t[1].items():
            if d["cnr"] >= 3:
                strong.add((f, i))
    print(f"{len(y)} candidates from {len(files)} films: {(y == 1).sum()} on deposits, {(y == 0).sum()} on anatomy; "
          f"{len(strong)} true deposits with CNR >= 3", flush=True)
    print(f"{(y == -1).sum()} candidates are left out of fitting (larger than 4x the deposits they hold, finding only "
          f"deposits below CNR {dataset.FAINT_CNR:g}, or a clip film's own anatomy)", flush=True)
    w = balanced_weights(y, weight_groups)
    # Stable ids (Python's str hash changes from run to run), so the folds and the operating
    # point are the same on every run.
    names_sorted = sorted(set(groups))
    group_ids = np.array([names_sorted.index(g) for g in groups])
    usable = y >= 0
    candidate_files = [m["file"] for m in meta]
    oof1 = out_of_fold(x, y, w, group_ids)
    for limit in (0.5, 1, 2, 5, 10):
        _, r, fa = operating_point(oof1, y, matched, candidate_files, film_count, strong, limit)
        print(f"  first stage, out-of-fold: {r:.3f} of CNR >= 3 deposits at {fa:.2f} false per film (limit {limit})", flush=True)
    model1 = HistGradientBoostingClassifier(**PARAMS).fit(x[usable], y[usable], sample_weight=w[usable])
    model2 = None
    final_x, final_names, scores = x, list(names), oof1
    if not args.no_context:
        # The second stage is fitted on out-of-fold first-stage scores (what it will see on films
        # the first stage never saw), and its own out-of-fold scores choose the operating point.
        x2, xs_mm, ys_mm = with_context(meta, x, oof1)
        oof2 = out_of_fold(x2, y, w, group_ids)
        for limit in (0.5, 1, 2, 5, 10):
            _, r, fa = operating_point(oof2, y, matched, candidate_files, film_count, strong, limit)
            print(f"  with context, out-of-fold: {r:.3f} of CNR >= 3 deposits at {fa:.2f} false per film (limit {limit})", flush=True)
        model2 = HistGradientBoostingClassifier(**PARAMS).fit(x2[usable], y[usable], sample_weight=w[usable])
        final_x, final_names, scores = x2, list(names) + CONTEXT_FEATURES, oof2
    if args.oof:
        np.savez(args.oof, scores=scores, first=oof1, y=y, files=np.array(candidate_files), groups=np.array(groups),
                 matched=np.array([sorted(m) for m in matched], dtype=object), names=np.array(final_names), x=final_x,
                 strong=np.array(sorted(strong), dtype=object), films=np.array(files))
    t, recall, false = operating_point(scores, y, matched, candidate_files, film_count, strong, args.max_false_per_film)
    stages = "both stages" if model2 is not None else "the first stage"
    reason = (f"out-of-fold (5 folds grouped by base film, {stages}) on the fitting set: {false:.2f} false candidates per film "
              f"(limit {args.max_false_per_film}), {recall:.3f} of CNR >= 3 deposits found")
    print("operating point", t, reason, flush=True)
    out = export(model1, names, t, reason, args.trained_on, args.version, context=model2)
    # Self-check: the exported trees give scikit-learn's own log-odds, for both stages.
    sample = np.random.default_rng(0).choice(len(x), size=min(300, len(x)), replace=False)
    sample.sort()
    ours1, theirs1 = decision(out, x[sample]), model1.decision_function(x[sample])
    checks = [(ours1, theirs1)]
    if model2 is not None:
        ours2, theirs2 = decision(out["context"], final_x[sample]), model2.decision_function(final_x[sample])
        checks.append((ours2, theirs2))
    for ours, theirs in checks:
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
    # The agreement table: per sampled candidate, its features (with context when there is a
    # second stage), then each stage's log-odds and probability.
    with open(args.agreement, "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(final_names + ["decision1", "probability1", "decision", "probability"])
        for r, k in enumerate(sample):
            p1 = float(model1.predict_proba(x[k:k + 1])[0, 1])
            if model2 is not None:
                d2, p2 = float(checks[1][1][r]), float(model2.predict_proba(final_x[k:k + 1])[0, 1])
            else:
                d2, p2 = float(theirs1[r]), p1
            wr.writerow([repr(float(v)) for v in final_x[k]] + [repr(float(theirs1[r])), repr(p1), repr(d2), repr(p2)])
    if model2 is not None and args.context_fixture:
        # Context features of a few films' candidates, for the Swift side's own computation.
        by_file = {}
        for k, f in enumerate(candidate_files):
            by_file.setdefault(f, []).append(k)
        chosen = sorted(by_file, key=lambda f: (-len(by_file[f]), f))[:3]
        with open(args.context_fixture, "w", newline="") as fh:
            wr = csv.writer(fh, lineterminator="\n")
            wr.writerow(["film", "x_mm", "y_mm"] + CONTEXT_FEATURES)
            for n, f in enumerate(chosen):
                idx = np.array(by_file[f][:400])
                ctx = context_features(xs_mm[idx], ys_mm[idx], oof1[idx])
                for row, k in enumerate(idx):
                    wr.writerow([n, repr(float(xs_mm[k])), repr(float(ys_mm[k]))] + [repr(float(v)) for v in ctx[row]])
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
