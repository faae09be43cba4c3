#!/usr/bin/env python3
"""Detection quality of detect on a folder of films: runs the built `detect` and scores its JSON Lines.

    evaluate.py FOLDER [--detect PATH] [--detections JSONL] [--films-from FILE] [--json OUT]
                [--formats png] [--per-film] [--worst N] [--work DIR] [-- DETECT ARGS...]

The folder's layout decides what is measured (--layout to force one):
- truth:    ROOT/cases/images + ROOT/cases/truth/CASE.truth.json + CASE.labels.png (hybrids,
            ../shared/eval/FORMAT.md); per-deposit CNR is `cnr`, the film's label `label`.
- phantom:  FOLDER/NAME.png|.dcm|.jpg + FOLDER/truth/NAME.truth.json + NAME.mask.png (what
            `detect phantom` writes, sample-images/); per-deposit `peak_snr`, label `distribution`.
- clusters: FOLDER/clusters.csv beside mammograms (film, x, y, radius_px, radius_mm, note).
- normal:   anything else; no truth, so every deposit is false.

Matching (truth and phantom): a truth deposit is found by a detected deposit whose centroid lies
within --match-mm (1 mm) of a pixel centre of its footprint, or whose equal-area disk (radius
sqrt(area_px / pi) around its centroid) contains a pixel centre of the footprint. A detected
deposit that finds no truth deposit is false. A film detect failed on counts as a film with no
detections and the label `failed`, and is listed.

Everything after `--` is passed to detect (for example `-- --min-score 0.5 --jobs 1`).
Exit codes: 0 scored, 1 scored but detect failed on some films (listed), 2 usage or setup error
(missing folder, detect missing or crashed).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DETECT = os.path.join(REPO, ".build", "release", "detect")
LABELS = ("none", "circumscripta", "universalis")
IMAGE_EXTENSIONS = ("png", "dcm", "jpg", "jpeg")
CNR_BANDS = ((None, 3.0, "< 3"), (3.0, 10.0, "3 - 10"), (10.0, None, ">= 10"))
SIZE_BANDS = ((None, 1.0, "< 1 mm"), (1.0, 3.0, "1 - 3 mm"), (3.0, 10.0, "3 - 10 mm"), (10.0, None, ">= 10 mm"))
AREA_ERROR_MIN_MM2 = 2.0


class EvaluationError(Exception):
    """A problem with the inputs or with detect itself: reported on one line, exit code 2."""


# ---------------------------------------------------------------- truth


@dataclass
class TruthDeposit:
    id: int
    kind: str
    area_px: float
    area_mm2: float | None
    diameter_mm: float | None
    cnr: float | None
    on_bone: bool | None


@dataclass
class TruthFilm:
    name: str  # case or file stem
    image: str  # path of the film given to detect
    labels_path: str
    spacing_mm: tuple[float, float]  # (row, column)
    label: str
    base_film: str | None
    deposits: list[TruthDeposit]


def _band(value, bands):
    if value is None:
        return "n/a"
    for low, high, name in bands:
        if (low is None or value >= low) and (high is None or value < high):
            return name
    raise AssertionError("bands cover every number")


def truth_deposit(record: dict, spacing: tuple[float, float], cnr_key: str) -> TruthDeposit:
    area_px = float(record["area_px"])
    area_mm2 = record.get("area_mm2")
    if area_mm2 is None and spacing:
        area_mm2 = area_px * spacing[0] * spacing[1]
    diameter = record.get("equiv_diameter_mm")
    if diameter is None and area_mm2 is not None:
        diameter = 2.0 * math.sqrt(float(area_mm2) / math.pi)
    cnr = record.get(cnr_key)
    on_bone = record.get("on_bone")
    return TruthDeposit(id=int(record["id"]), kind=str(record.get("kind", "?")), area_px=area_px,
                        area_mm2=None if area_mm2 is None else float(area_mm2),
                        diameter_mm=None if diameter is None else float(diameter),
                        cnr=None if cnr is None else float(cnr),
                        on_bone=None if on_bone is None else bool(on_bone))


def _spacing(truth: dict, path: str) -> tuple[float, float]:
    spacing = truth.get("pixel_spacing_mm")
    if not spacing:
        raise EvaluationError(f"{path}: no pixel_spacing_mm; the 1 mm matching rule needs it")
    if isinstance(spacing, (int, float)):
        return float(spacing), float(spacing)
    return float(spacing[0]), float(spacing[-1])


def _pick_image(folder: str, stem: str, formats: list[str]) -> str | None:
    for ext in formats:
        for candidate in (ext, ext.upper()):
            path = os.path.join(folder, f"{stem}.{candidate}")
            if os.path.isfile(path):
                return path
    return None


def load_truth_layout(root: str, formats: list[str]) -> list[TruthFilm]:
    """ROOT/cases/{images,truth} (FORMAT.md). Without a manifest, every truth/*.truth.json is a case."""
    cases_dir = os.path.join(root, "cases")
    truth_dir = os.path.join(cases_dir, "truth")
    names = []
    manifest = os.path.join(root, "manifest.json")
    if os.path.isfile(manifest):
        with open(manifest) as fh:
            names = [c["case"] for c in json.load(fh).get("cases", [])]
    if not names:
        names = sorted(f[: -len(".truth.json")] for f in os.listdir(truth_dir) if f.endswith(".truth.json"))
    films = []
    for name in names:
        truth_path = os.path.join(truth_dir, f"{name}.truth.json")
        with open(truth_path) as fh:
            truth = json.load(fh)
        spacing = _spacing(truth, truth_path)
        image = _pick_image(os.path.join(cases_dir, "images"), name, formats)
        if image is None:
            raise EvaluationError(f"{root}: case {name} has no image in formats {','.join(formats)}")
        films.append(TruthFilm(name=name, image=image, labels_path=os.path.join(truth_dir, f"{name}.labels.png"),
                               spacing_mm=spacing, label=str(truth.get("label", truth.get("scenario"))),
                               base_film=truth.get("base_film"),
                               deposits=[truth_deposit(d, spacing, "cnr") for d in truth.get("deposits", [])]))
    return films


def load_phantom_layout(folder: str, formats: list[str]) -> list[TruthFilm]:
    """FOLDER/NAME.png + FOLDER/truth/NAME.truth.json + NAME.mask.png (sample-images/README.md)."""
    truth_dir = os.path.join(folder, "truth")
    films = []
    for entry in sorted(os.listdir(truth_dir)):
        if not entry.endswith(".truth.json"):
            continue
        name = entry[: -len(".truth.json")]
        truth_path = os.path.join(truth_dir, entry)
        with open(truth_path) as fh:
            truth = json.load(fh)
        spacing = _spacing(truth, truth_path)
        image = _pick_image(folder, name, formats)
        if image is None:
            raise EvaluationError(f"{folder}: film {name} has no image in formats {','.join(formats)}")
        films.append(TruthFilm(name=name, image=image, labels_path=os.path.join(truth_dir, f"{name}.mask.png"),
                               spacing_mm=spacing, label=str(truth.get("distribution")), base_film=None,
                               deposits=[truth_deposit(d, spacing, "peak_snr") for d in truth.get("deposits", [])]))
    return films


def detect_layout(folder: str) -> str:
    if os.path.isfile(os.path.join(folder, "clusters.csv")):
        return "clusters"
    if os.path.isdir(os.path.join(folder, "cases", "truth")):
        return "truth"
    truth_dir = os.path.join(folder, "truth")
    if os.path.isdir(truth_dir) and any(f.endswith(".truth.json") for f in os.listdir(truth_dir)):
        return "phantom"
    return "normal"


# ---------------------------------------------------------------- matching


@dataclass
class Detection:
    x: float
    y: float
    area_px: float


def detections_of(result: dict) -> list[Detection]:
    found = []
    for deposit in result.get("deposits") or []:
        centroid = deposit.get("centroid")
        if not centroid:
            continue
        found.append(Detection(float(centroid[0]), float(centroid[1]), float(deposit.get("area_px") or 0.0)))
    return found


def match_detections(labels: np.ndarray, spacing_mm: tuple[float, float], detections: list[Detection],
                     match_mm: float = 1.0) -> list[set[int]]:
    """For each detection, the truth ids (values of `labels`) it finds; an empty set is a false deposit.

    Pixel centres are at integer coordinates (x = column, y = row). A footprint pixel counts when it
    is within match_mm of the centroid (distance in mm, per-axis spacing) or within the radius of
    the detection's equal-area disk (in pixels)."""
    height, width = labels.shape
    row_mm, col_mm = spacing_mm
    hits = []
    for det in detections:
        disk_px = math.sqrt(det.area_px / math.pi) if det.area_px > 0 else 0.0
        reach_x = max(match_mm / col_mm, disk_px)
        reach_y = max(match_mm / row_mm, disk_px)
        x0, x1 = max(int(math.floor(det.x - reach_x)), 0), min(int(math.ceil(det.x + reach_x)) + 1, width)
        y0, y1 = max(int(math.floor(det.y - reach_y)), 0), min(int(math.ceil(det.y + reach_y)) + 1, height)
        if x0 >= x1 or y0 >= y1:
            hits.append(set())
            continue
        window = labels[y0:y1, x0:x1]
        ys, xs = np.nonzero(window)
        if ys.size == 0:
            hits.append(set())
            continue
        dx = xs + x0 - det.x
        dy = ys + y0 - det.y
        near = (np.hypot(dx * col_mm, dy * row_mm) <= match_mm) | (np.hypot(dx, dy) <= disk_px)
        hits.append({int(v) for v in np.unique(window[ys[near], xs[near]])})
    return hits


@dataclass
class FilmScore:
    name: str
    label_true: str
    label_pred: str  # 'failed' when detect failed
    detections: int
    false: int
    found_ids: set[int]
    matched_area_px: dict[int, float]  # truth id -> summed area of the detections that found it
    deposits: list[TruthDeposit] = field(default_factory=list)
    error: str | None = None


def score_truth_film(film: TruthFilm, labels: np.ndarray, result: dict | None, match_mm: float) -> FilmScore:
    failed = result is None or result.get("status") != "ok"
    dets = [] if failed else detections_of(result)
    hits = match_detections(labels, film.spacing_mm, dets, match_mm)
    found: set[int] = set()
    area: dict[int, float] = {}
    for det, ids in zip(dets, hits):
        found |= ids
        for i in ids:  # a detection covering several deposits counts its whole area for each
            area[i] = area.get(i, 0.0) + det.area_px
    error = None
    if failed:
        error = "no result from detect" if result is None else str(result.get("error") or "error")
    return FilmScore(name=film.name, label_true=film.label,
                     label_pred="failed" if failed else str(result.get("distribution")),
                     detections=len(dets), false=sum(1 for ids in hits if not ids), found_ids=found,
                     matched_area_px=area, deposits=film.deposits, error=error)


# ---------------------------------------------------------------- summaries


def _ratio(found: int, total: int):
    return found / total if total else None


def sensitivity_rows(scores: list[FilmScore]) -> list[dict]:
    """Pooled sensitivity over deposits, overall and by CNR, size, kind and bone."""
    groups: dict[tuple[str, str], list[int]] = {}

    def add(section, name, hit):
        counts = groups.setdefault((section, name), [0, 0])
        counts[0] += 1
        counts[1] += int(hit)

    for film in scores:
        for d in film.deposits:
            hit = d.id in film.found_ids
            add("all", "all deposits", hit)
            add("cnr", _band(d.cnr, CNR_BANDS), hit)
            if d.cnr is not None and d.cnr >= 3.0:
                add("all", "CNR >= 3", hit)
            add("size", _band(d.diameter_mm, SIZE_BANDS), hit)
            add("kind", d.kind, hit)
            add("bone", "n/a" if d.on_bone is None else ("over bone" if d.on_bone else "soft tissue"), hit)
    order = {"all": ["all deposits", "CNR >= 3"], "cnr": [b[2] for b in CNR_BANDS] + ["n/a"],
             "size": [b[2] for b in SIZE_BANDS] + ["n/a"], "bone": ["soft tissue", "over bone", "n/a"]}
    rows = []
    for section in ("all", "cnr", "size", "kind", "bone"):
        names = order.get(section) or sorted(n for s, n in groups if s == section)
        for name in names:
            if (section, name) in groups:
                total, hit = groups[(section, name)]
                rows.append(dict(section=section, group=name, deposits=total, found=hit,
                                 sensitivity=_ratio(hit, total)))
    if not any(r["section"] == "all" and r["group"] == "all deposits" for r in rows):
        rows.insert(0, dict(section="all", group="all deposits", deposits=0, found=0, sensitivity=None))
    return rows


def area_errors(scores: list[FilmScore]) -> list[float]:
    """(detected − true) / true per found true deposit of at least 2 mm²."""
    errors = []
    for film in scores:
        for d in film.deposits:
            if d.id in film.found_ids and d.area_mm2 is not None and d.area_mm2 >= AREA_ERROR_MIN_MM2:
                errors.append((film.matched_area_px[d.id] - d.area_px) / d.area_px)
    return errors


def confusion(pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    predicted = list(LABELS) + sorted({p for _, p in pairs} - set(LABELS))
    table = {t: {p: 0 for p in predicted} for t in LABELS}
    for true, pred in pairs:
        table.setdefault(true, {p: 0 for p in predicted})[pred] += 1
    return table


def per_film_stats(counts: list[int]) -> dict:
    if not counts:
        return dict(mean=None, median=None, max=None)
    return dict(mean=statistics.fmean(counts), median=float(statistics.median(counts)), max=max(counts))


def summarize_truth(scores: list[FilmScore]) -> dict:
    errors = area_errors(scores)
    falses = [s.false for s in scores]
    labelled = [(s.label_true, s.label_pred) for s in scores]
    return dict(
        films=len(scores), failed=[s.name for s in scores if s.error], sensitivity=sensitivity_rows(scores),
        false_per_film=per_film_stats(falses),
        area_error=dict(deposits=len(errors), min_area_mm2=AREA_ERROR_MIN_MM2,
                        median_signed=statistics.median(errors) if errors else None,
                        median_absolute=statistics.median([abs(e) for e in errors]) if errors else None),
        label_accuracy=_ratio(sum(1 for t, p in labelled if t == p), len(labelled)),
        confusion=confusion(labelled))


# ---------------------------------------------------------------- clusters (mammograms)


@dataclass
class ClusterTruth:
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, radius px
    widespread: bool = False
    normal: bool = False


def read_clusters(path: str) -> dict[str, ClusterTruth]:
    films: dict[str, ClusterTruth] = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            truth = films.setdefault(row["film"].strip(), ClusterTruth())
            if (row.get("note") or "").strip().lower() == "normal":
                truth.normal = True
            elif (row.get("x") or "").strip():
                truth.circles.append((float(row["x"]), float(row["y"]), float(row["radius_px"])))
            else:
                truth.widespread = True
    return films


WIDESPREAD_MIN_DETECTIONS = 5


def score_cluster_film(truth: ClusterTruth, dets: list[Detection], margin_px: float) -> dict:
    """Clusters hit, and false deposits: outside every circle; on a normal film every detection.

    A film marked only as widespread has no circles: it is hit with >= 5 detections and its
    detections are not counted as false (nothing says where its calcifications are)."""
    inside = [any(math.hypot(d.x - x, d.y - y) <= r + margin_px for x, y, r in truth.circles) for d in dets]
    hits = [any(math.hypot(d.x - x, d.y - y) <= r + margin_px for d in dets) for x, y, r in truth.circles]
    if truth.normal and not truth.circles:
        false = len(dets)
    elif truth.circles:
        false = sum(1 for i in inside if not i)
    else:
        false = None
    return dict(clusters=len(truth.circles), hit=sum(hits), detections=len(dets), false=false,
                widespread_hit=(len(dets) >= WIDESPREAD_MIN_DETECTIONS) if truth.widespread else None)


# ---------------------------------------------------------------- running detect


def film_key(path: str) -> str:
    return os.path.realpath(path)


def read_jsonl(path: str) -> dict[str, dict]:
    results = {}
    with open(path) as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise EvaluationError(f"{path}:{number}: not JSON ({error})")
            results[film_key(record.get("file", ""))] = record
    return results


def run_detect(detect: str, inputs: list[str], extra: list[str], work: str) -> str:
    if not (os.path.isfile(detect) and os.access(detect, os.X_OK)):
        raise EvaluationError(f"detect not found or not executable: {detect}")
    listing = os.path.join(work, "films.txt")
    with open(listing, "w") as fh:
        fh.write("".join(f"{p}\n" for p in inputs))
    output = os.path.join(work, "detections.jsonl")
    if os.path.exists(output):
        os.remove(output)
    command = [detect, "--from-list", listing, "--format", "jsonl", "--output", output, "--quiet", *extra]
    print(f"running: {' '.join(command)}", file=sys.stderr)
    run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode not in (0, 1) or not os.path.isfile(output):
        tail = "\n".join(run.stderr.strip().splitlines()[-5:]) or "(nothing on standard error)"
        what = "wrote no results" if run.returncode in (0, 1) else f"exit code {run.returncode}"
        raise EvaluationError(f"detect failed ({what}): {' '.join(command)}\n{tail}")
    return output


def build_detect() -> None:
    print("building detect (swift build -c release --product detect)", file=sys.stderr)
    run = subprocess.run(["swift", "build", "-c", "release", "--product", "detect"], cwd=REPO,
                         stdout=sys.stderr, stderr=sys.stderr)
    if run.returncode != 0:
        raise EvaluationError("swift build -c release --product detect failed")


def read_film_list(path: str) -> set[str]:
    """Names separated by white space (usually one a line; `#` starts a comment); a path counts
    by its file stem, so a list of base-film paths selects the hybrids made from them."""
    if not os.path.isfile(path):
        raise EvaluationError(f"{path}: no such file (--films-from)")
    names = set()
    with open(path) as fh:
        for line in fh:
            for word in line.split("#", 1)[0].split():
                names.add(stem(word))
    return names


def stem(path: str) -> str:
    name = os.path.basename(path)
    for ext in IMAGE_EXTENSIONS:
        if name.lower().endswith("." + ext):
            return name[: -len(ext) - 1]
    return name


# ---------------------------------------------------------------- printing


def fmt(value, digits=2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: list[str], rows: list[list], left: int = 1) -> str:
    """Plain-text table: the first `left` columns left-aligned, the rest right-aligned."""
    cells = [[str(h) for h in headers]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def print_truth_report(summary: dict, scores: list[FilmScore], cnr_name: str, per_film: bool, worst: int) -> None:
    print(f"films: {summary['films']}   failed: {len(summary['failed'])}")
    section_names = {"all": "overall", "cnr": cnr_name, "size": "equivalent diameter", "kind": "kind",
                     "bone": "over bone vs soft tissue"}
    rows, previous = [], None
    for r in summary["sensitivity"]:
        rows.append([section_names[r["section"]] if r["section"] != previous else "", r["group"], r["deposits"],
                     r["found"], r["sensitivity"]])
        previous = r["section"]
    print("\nsensitivity (pooled over deposits)" + ("" if cnr_name == "CNR" else
          f"; the CNR rows use the phantom truth's {cnr_name}, peak contrast over noise, larger than a mean CNR"))
    print(table(["by", "group", "deposits", "found", "sensitivity"], rows, left=2))
    f = summary["false_per_film"]
    a = summary["area_error"]
    print("\nfalse deposits per film: mean {}   median {}   max {}".format(fmt(f["mean"]), fmt(f["median"]), fmt(f["max"])))
    print("area error of found deposits >= {:g} mm² ({} deposits; detected area of the detections matched to each "
          "vs its true area): median signed {}   median absolute {}".format(
              a["min_area_mm2"], a["deposits"], _percent(a["median_signed"], signed=True), _percent(a["median_absolute"])))
    print(f"label accuracy: {fmt(summary['label_accuracy'])}")
    predicted = list(next(iter(summary["confusion"].values())).keys())
    print("\nlabel confusion (rows: truth, columns: detect)")
    print(table(["truth"] + predicted, [[t] + [summary["confusion"][t][p] for p in predicted]
                                        for t in summary["confusion"]]))
    bad = sorted((s for s in scores if s.false), key=lambda s: (-s.false, s.name))[:worst]
    if bad:
        print("\nfilms with the most false deposits: " + ", ".join(f"{s.name} {s.false}" for s in bad))
    if per_film:
        print("\nper film")
        print(table(["film", "truth label", "detect label", "deposits", "found", f"found ({cnr_name} >= 3)",
                     "detections", "false"],
                    [[s.name, s.label_true, s.label_pred, len(s.deposits), len(s.found_ids & {d.id for d in s.deposits}),
                      "{}/{}".format(sum(1 for d in s.deposits if d.cnr is not None and d.cnr >= 3 and d.id in s.found_ids),
                                     sum(1 for d in s.deposits if d.cnr is not None and d.cnr >= 3)),
                      s.detections, s.false] for s in scores], left=3))


def _percent(value, signed=False) -> str:
    return "-" if value is None else f"{100 * value:+.0f} %" if signed else f"{100 * value:.0f} %"


# ---------------------------------------------------------------- modes


def evaluate_truth(films: list[TruthFilm], results: dict[str, dict], match_mm: float) -> list[FilmScore]:
    scores = []
    for film in films:
        labels = np.asarray(Image.open(film.labels_path))
        if labels.ndim != 2:
            raise EvaluationError(f"{film.labels_path}: expected a one-channel label image")
        scores.append(score_truth_film(film, labels, results.get(film_key(film.image)), match_mm))
    return scores


def group_of(relative: str) -> str:
    parts = relative.split(os.sep)
    return parts[0] if len(parts) > 1 else "(top)"


def summarize_normal(rows: list[dict]) -> list[dict]:
    groups = {}
    for row in rows:
        groups.setdefault("all", []).append(row)
        groups.setdefault(row["group"], []).append(row)
    out = []
    for name in ["all"] + sorted(g for g in groups if g != "all"):
        ok = [r for r in groups[name] if r["error"] is None]
        stats = per_film_stats([r["deposits"] for r in ok])
        out.append(dict(group=name, films=len(groups[name]), failed=len(groups[name]) - len(ok),
                        with_deposits=sum(1 for r in ok if r["deposits"]),
                        **{f"deposits_{k}": v for k, v in stats.items()},
                        **{label: sum(1 for r in ok if r["label"] == label) for label in LABELS}))
    return out


def main(argv: list[str]) -> int:
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--layout", choices=["auto", "truth", "phantom", "clusters", "normal"], default="auto")
    parser.add_argument("--detect", help=f"detect executable (default {DEFAULT_DETECT}, built when needed)")
    parser.add_argument("--no-build", action="store_true", help="do not run swift build for the default detect")
    parser.add_argument("--detections", help="score this JSON Lines file instead of running detect")
    parser.add_argument("--films-from", help="only films named in FILE (one per line: base film, case or file stem; paths count by stem)")
    parser.add_argument("--formats", default="png", help="truth sets: which image of a case to run (first found), e.g. png or dcm,png")
    parser.add_argument("--match-mm", type=float, default=1.0)
    parser.add_argument("--cluster-margin-mm", type=float, default=0.0, help="clusters: widen each circle by this much")
    parser.add_argument("--cluster-spacing-mm", type=float, default=0.2, help="clusters: pixel spacing of the csv")
    parser.add_argument("--per-film", action="store_true")
    parser.add_argument("--worst", type=int, default=10, help="how many worst films to list")
    parser.add_argument("--work", help="folder for detect's output (default: a new temporary folder)")
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args(argv)

    folder = args.folder
    if not os.path.isdir(folder):
        raise EvaluationError(f"{folder}: no such folder")
    layout = detect_layout(folder) if args.layout == "auto" else args.layout
    wanted = read_film_list(args.films_from) if args.films_from else None
    formats = [f.strip().lower().lstrip(".") for f in args.formats.split(",") if f.strip()]

    films: list[TruthFilm] = []
    if layout == "truth":
        films = load_truth_layout(folder, formats)
        if wanted is not None:
            films = [f for f in films if f.name in wanted or (f.base_film or "") in wanted]
        inputs = [f.image for f in films]
    elif layout == "phantom":
        films = load_phantom_layout(folder, formats)
        if wanted is not None:
            films = [f for f in films if f.name in wanted]
        inputs = [f.image for f in films]
    else:
        inputs = [folder]
    if not inputs:
        raise EvaluationError(f"{folder}: no films to evaluate" + (f" (after --films-from {args.films_from})" if wanted else ""))

    if args.detections:
        detections_path = args.detections
        if not os.path.isfile(detections_path):
            raise EvaluationError(f"{detections_path}: no such file")
    else:
        detect = args.detect or DEFAULT_DETECT
        if args.detect is None and not args.no_build:
            build_detect()
        work = args.work or tempfile.mkdtemp(prefix="detect-evaluate-")
        os.makedirs(work, exist_ok=True)
        detections_path = run_detect(detect, inputs, extra, work)
    results = read_jsonl(detections_path)

    print(f"folder: {folder}   layout: {layout}   detections: {detections_path}"
          + (f"   films from: {args.films_from}" if wanted is not None else "")
          + (f"   detect args: {' '.join(extra)}" if extra else ""))
    report: dict = dict(folder=folder, layout=layout, detections=detections_path, detect_args=extra)
    failed: list[tuple[str, str]] = []

    if layout in ("truth", "phantom"):
        scores = evaluate_truth(films, results, args.match_mm)
        summary = summarize_truth(scores)
        cnr_name = "CNR" if layout == "truth" else "peak SNR"
        print_truth_report(summary, scores, cnr_name, args.per_film, args.worst)
        failed = [(s.name, s.error) for s in scores if s.error]
        report.update(summary=summary, cnr_field="cnr" if layout == "truth" else "peak_snr",
                      films=[dict(name=s.name, label_true=s.label_true, label_pred=s.label_pred,
                                  deposits=len(s.deposits), found=sorted(s.found_ids), detections=s.detections,
                                  false=s.false, error=s.error) for s in scores])
    else:
        rows = []
        for key, result in sorted(results.items()):
            relative = os.path.relpath(key, os.path.realpath(folder))
            if relative.startswith(".."):
                continue
            if wanted is not None and stem(relative) not in wanted:
                continue
            ok = result.get("status") == "ok"
            rows.append(dict(film=relative, group=group_of(relative), deposits=len(result.get("deposits") or []) if ok else 0,
                             label=result.get("distribution") if ok else "failed",
                             error=None if ok else str(result.get("error") or "error"), result=result))
        failed = [(r["film"], r["error"]) for r in rows if r["error"]]
        if layout == "clusters":
            report.update(evaluate_clusters(folder, rows, args))
            failed += [(f["film"], f["error"]) for f in report["films"] if f["kind"] == "missing"]
        else:
            summary = summarize_normal(rows)
            print("\nno truth: every deposit is false")
            print(table(["folder", "films", "failed", "with deposits", "median/film", "mean/film", "max/film",
                         "none", "circumscripta", "universalis"],
                        [[s["group"], s["films"], s["failed"], s["with_deposits"], s["deposits_median"],
                          s["deposits_mean"], s["deposits_max"], s["none"], s["circumscripta"], s["universalis"]]
                         for s in summary]))
            worst = sorted((r for r in rows if r["deposits"]), key=lambda r: (-r["deposits"], r["film"]))[:args.worst]
            if worst:
                print("\nworst films")
                print(table(["film", "deposits", "label"], [[r["film"], r["deposits"], r["label"]] for r in worst]))
            report.update(summary=summary, films=[{k: v for k, v in r.items() if k != "result"} for r in rows])
        if not rows:
            raise EvaluationError(f"{folder}: detect reported no films")

    report["failed"] = [dict(film=n, error=e) for n, e in failed]
    if failed:
        print(f"\nFAILED: detect could not analyse {len(failed)} film(s) (scored as no detections, label 'failed'):")
        for name, error in failed:
            print(f"  {name}: {error}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1, default=sorted)
    return 1 if failed else 0


def evaluate_clusters(folder: str, rows: list[dict], args) -> dict:
    truth = read_clusters(os.path.join(folder, "clusters.csv"))
    margin_px = args.cluster_margin_mm / args.cluster_spacing_mm
    scored = []
    by_stem = {stem(r["film"]): r for r in rows}
    for name, t in sorted(truth.items()):
        row = by_stem.get(name)
        if row is None:
            if args.films_from:
                continue
            scored.append(dict(film=name, kind="missing", error="no result from detect", clusters=len(t.circles),
                               hit=0, detections=0, false=None, widespread_hit=False if t.widespread else None))
            continue
        dets = [] if row["error"] else detections_of(row["result"])
        kind = "normal" if t.normal else ("circles" if t.circles else "widespread")
        scored.append(dict(film=name, kind=kind, label=row["label"], error=row["error"],
                           **score_cluster_film(t, dets, margin_px)))
    unknown = sorted(set(by_stem) - set(truth))
    clusters = sum(s["clusters"] for s in scored)
    hits = sum(s["hit"] for s in scored)
    wide = [s["widespread_hit"] for s in scored if s["widespread_hit"] is not None]
    summary = dict(clusters=clusters, clusters_hit=hits, hit_rate=_ratio(hits, clusters),
                   widespread_films=len(wide), widespread_hit=sum(wide), margin_mm=args.cluster_margin_mm)
    print(f"\nclusters hit: {hits} of {clusters} ({fmt(summary['hit_rate'])})   circle margin {args.cluster_margin_mm:g} mm; "
          f"widespread films hit (>= {WIDESPREAD_MIN_DETECTIONS} detections): {sum(wide)} of {len(wide)}")
    print("\nfalse deposits per film (outside every circle; all of them on normal films)")
    rows_out = []
    for kind in ("circles", "normal"):
        falses = [s["false"] for s in scored if s["kind"] == kind and s["false"] is not None]
        stats = per_film_stats(falses)
        summary[f"false_{kind}"] = dict(films=len(falses), **stats)
        rows_out.append([kind if kind == "normal" else "with clusters", len(falses), stats["mean"], stats["median"], stats["max"]])
    falses = [s["false"] for s in scored if s["false"] is not None]
    summary["false_all"] = dict(films=len(falses), **per_film_stats(falses))
    rows_out.append(["all", len(falses), summary["false_all"]["mean"], summary["false_all"]["median"], summary["false_all"]["max"]])
    print(table(["films", "n", "mean", "median", "max"], rows_out))
    print("\nper film")
    print(table(["film", "truth", "clusters", "hit", "detections", "false", "label"],
                [[s["film"], s["kind"], s["clusters"] or "-", s["hit"] if s["clusters"] else
                  ("yes" if s["widespread_hit"] else "no") if s["widespread_hit"] is not None else "-",
                  s["detections"], s["false"], s.get("label", "-")] for s in scored], left=2))
    if unknown:
        print(f"\nnot in clusters.csv (not scored): {', '.join(unknown)}")
    return dict(summary=summary, films=scored, not_in_truth=unknown)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except EvaluationError as error:
        print(f"evaluate: {error}", file=sys.stderr)
        sys.exit(2)
