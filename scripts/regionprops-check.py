"""detect's ImageJ-style measures, label masks and outlines against scikit-image (run by
scripts/regionprops-check, which makes the films and runs detect).

Usage: regionprops-check.py WORK FILM_STEM...
For each stem, WORK holds STEM.json (detect --format json), STEM.npy (--labels) and
STEM.geojson (--outlines); WORK/batch/ holds the --labels-dir / --outlines-dir files of a batch
run over the same films (STEM.dcm.labels.png, STEM.dcm.outlines.geojson).

Checked, per deposit (regionprops on the label mask, with the film's spacing):
  area (px exact, mm²), centroid (px, and mm from the top-left corner = regionprops' + ½ pixel),
  perimeter (`perimeter`), equivalent diameter (`equivalent_diameter_area`), major and minor
  axes (`axis_major_length`, `axis_minor_length`), angle (ImageJ's = degrees(`orientation`) + 90,
  modulo 180; where the moments have a direction), Feret max (`feret_diameter_max`), Feret min
  (the narrowest caliper over the same hull points, computed here), circularity
  (4π area / perimeter², at most 1);
and per film: the mask's ids are the report's ids, each GeoJSON polygon (outer ring minus holes)
covers exactly its deposit's pixels, its rings are closed, the outer ring counter-clockwise by the
numbers, napari-geojson's reader (the napari plugin for GeoJSON) reads the file into one shapes
layer with the deposits' ids and measurements, and the batch's PNG masks and GeoJSON equal the
single-film ones.
Tolerances: the JSON's rounding (half its last decimal) plus 1e-9.
"""
import importlib.util
import json
import math
import os
import sys

import numpy as np
from scipy.spatial import ConvexHull
from skimage.draw import polygon2mask
from skimage.io import imread
from skimage.measure import find_contours, regionprops

# napari-geojson's reader module alone (its package imports napari for the writer).
_plugin = importlib.util.find_spec("napari_geojson").submodule_search_locations[0]
_spec = importlib.util.spec_from_file_location("napari_geojson_reader", os.path.join(_plugin, "_reader.py"))
napari_reader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(napari_reader)

work, stems = sys.argv[1], sys.argv[2:]
failures = []
worst = {}  # measure -> largest |detect - skimage| seen
counts = {"films": 0, "deposits": 0, "angles": 0, "holes": 0, "pinched": 0, "napari": 0}


def check(name, got, want, tolerance, where):
    if got is None:
        failures.append(f"{where}: {name} is null, scikit-image says {want}")
        return
    diff = abs(got - want)
    worst[name] = max(worst.get(name, 0.0), diff)
    if diff > tolerance:
        failures.append(f"{where}: {name} {got} != scikit-image {want} (diff {diff:.3g} > {tolerance:.3g})")


def feret_min(region, spacing):
    """The narrowest caliper over feret_diameter_max's points (the convex image's edge midpoints)."""
    padded = np.pad(region.image_convex, 2)
    points = np.vstack(find_contours(padded, 0.5, fully_connected="high")) * spacing
    hull = points[ConvexHull(points).vertices]
    best = math.inf
    for i in range(len(hull)):
        p, q = hull[i], hull[(i + 1) % len(hull)]
        edge = q - p
        length = math.hypot(*edge)
        if length == 0:
            continue
        d = hull - p
        best = min(best, np.max(np.abs(edge[0] * d[:, 1] - edge[1] * d[:, 0])) / length)
    return best


def ring_area2(ring):
    x, y = np.asarray(ring, dtype=np.int64).T
    return int(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def covered(rings, shape):
    """Pixels whose centres lie inside an odd number of rings (even-odd: outer minus holes)."""
    inside = np.zeros(shape, dtype=bool)
    for ring in rings:
        xy = np.asarray(ring, dtype=float)
        # Pixel (x, y) spans [x, x+1] × [y, y+1]: its centre is at integer (row, col) after −½.
        inside ^= polygon2mask(shape, np.stack([xy[:, 1] - 0.5, xy[:, 0] - 0.5], axis=1))
    return inside


# The angle convention itself: an ellipse drawn 30° counter-clockwise on screen (y down).
yy, xx = np.mgrid[0:101, 0:101] - 50.0
t = math.radians(30)
u, v = xx * math.cos(t) - yy * math.sin(t), xx * math.sin(t) + yy * math.cos(t)
ellipse = regionprops(((u / 40) ** 2 + (v / 15) ** 2 <= 1).astype(np.uint8))[0]
converted = (math.degrees(ellipse.orientation) + 90) % 180
if abs(converted - 30) > 0.5:
    failures.append(f"angle convention: a 30° ellipse gives orientation {ellipse.orientation}, converted {converted}")

for stem in stems:
    report = json.load(open(f"{work}/{stem}.json"))
    labels = np.load(f"{work}/{stem}.npy")
    outlines = json.load(open(f"{work}/{stem}.geojson"))
    counts["films"] += 1
    if labels.dtype != np.uint16 or labels.shape != (report["height"], report["width"]):
        failures.append(f"{stem}: mask {labels.dtype} {labels.shape}, film {report['height']}×{report['width']}")
        continue
    row, col = report["pixel_spacing_mm"]
    if row != col:
        failures.append(f"{stem}: the check needs square pixels (scikit-image's perimeter), got {row}, {col}")
        continue
    deposits = {d["id"]: d for d in report["deposits"]}
    ids = set(np.unique(labels)) - {0}
    if ids != set(deposits):
        failures.append(f"{stem}: mask ids {sorted(ids)} != report ids {sorted(deposits)}")
    regions = {r.label: r for r in regionprops(labels, spacing=(row, col))}
    pixel_regions = {r.label: r for r in regionprops(labels)}
    for did, d in deposits.items():
        where = f"{stem} deposit {did}"
        r, rp = regions.get(did), pixel_regions.get(did)
        if r is None:
            failures.append(f"{where}: not in the mask")
            continue
        counts["deposits"] += 1
        if rp.num_pixels != d["area_px"]:
            failures.append(f"{where}: area_px {d['area_px']} != {rp.num_pixels} pixels in the mask")
        mm, deg = 5e-5 + 1e-9, 5e-3 + 1e-9
        check("area_mm2", d["area_mm2"], r.area, mm, where)
        check("centroid_x px", d["centroid"][0], rp.centroid[1], 5e-3 + 1e-9, where)
        check("centroid_y px", d["centroid"][1], rp.centroid[0], 5e-3 + 1e-9, where)
        check("centroid_x_mm", d["centroid_mm"][0], r.centroid[1] + col / 2, mm, where)
        check("centroid_y_mm", d["centroid_mm"][1], r.centroid[0] + row / 2, mm, where)
        check("perimeter_mm", d["perimeter_mm"], r.perimeter, mm, where)
        check("equivalent_diameter_mm", d["equivalent_diameter_mm"], r.equivalent_diameter_area, mm, where)
        check("major_axis_mm", d["major_axis_mm"], r.axis_major_length, mm, where)
        check("minor_axis_mm", d["minor_axis_mm"], r.axis_minor_length, mm, where)
        check("feret_max_mm", d["feret_max_mm"], r.feret_diameter_max, mm, where)
        check("feret_min_mm", d["feret_min_mm"], feret_min(r, np.array([row, col])), mm, where)
        if r.perimeter > 0:
            check("circularity", d["circularity"], min(1.0, 4 * math.pi * r.area / r.perimeter ** 2), 5e-5 + 1e-9, where)
        # The angle only where the moments have a direction (a digitised disc has none).
        l1, l2 = r.inertia_tensor_eigvals
        if l1 - l2 > 1e-6 * (l1 + l2):
            counts["angles"] += 1
            want = (math.degrees(r.orientation) + 90) % 180
            diff = abs(d["angle_deg"] - want) % 180
            check("angle_deg", min(diff, 180 - diff), 0.0, deg, where)

    # Outlines: one feature per deposit, covering exactly its pixels.
    features = outlines.get("features", [])
    if outlines.get("type") != "FeatureCollection" or [f["properties"]["id"] for f in features] != sorted(deposits):
        failures.append(f"{stem}: GeoJSON features {[f['properties'].get('id') for f in features]} != deposits {sorted(deposits)}")
    for f in features:
        did, rings = f["properties"]["id"], f["geometry"]["coordinates"]
        where = f"{stem} outline {did}"
        if f["geometry"]["type"] != "Polygon" or f["properties"].get("objectType") != "detection":
            failures.append(f"{where}: not a detection Polygon")
            continue
        if any(ring[0] != ring[-1] or len(ring) < 5 for ring in rings):
            failures.append(f"{where}: a ring is not closed")
        areas = [ring_area2(ring) for ring in rings]
        counts["holes"] += len(rings) - 1
        counts["pinched"] += len(set(map(tuple, rings[0][:-1]))) < len(rings[0]) - 1
        if areas[0] <= 0 or any(a >= 0 for a in areas[1:]):
            failures.append(f"{where}: ring orientations {areas} (outer > 0, holes < 0 expected)")
        if sum(areas) != 2 * deposits[did]["area_px"]:
            failures.append(f"{where}: polygon area {sum(areas) / 2} != area_px {deposits[did]['area_px']}")
        if not np.array_equal(covered(rings, labels.shape), labels == did):
            failures.append(f"{where}: the polygon does not cover exactly the deposit's pixels")
        measurements = {m["name"]: m["value"] for m in f["properties"].get("measurements", [])}
        if measurements.get("perimeter_mm") != deposits[did]["perimeter_mm"] or measurements.get("area_px") != deposits[did]["area_px"]:
            failures.append(f"{where}: measurements differ from the report")

    # napari (napari-geojson's reader): one shapes layer, a polygon per deposit at the outer
    # ring's vertices as (row, col), the ids and QuPath's measurements as its properties.
    try:
        layers = napari_reader.geojson_to_napari(f"{work}/{stem}.geojson")
    except Exception as error:  # the reader's own failure is the finding
        failures.append(f"{stem}: napari-geojson cannot read the outlines: {error!r}")
        layers = None
    if layers is not None and features:
        shapes = [layer for layer in layers if layer[2] == "shapes"]
        if len(layers) != 1 or len(shapes) != 1 or len(shapes[0][0]) != len(features):
            failures.append(f"{stem}: napari-geojson made {[(len(l[0]), l[2]) for l in layers]}, expected one shapes layer of {len(features)}")
        else:
            data, meta, _ = shapes[0]
            if list(meta["properties"]["id"]) != [f["properties"]["id"] for f in features]:
                failures.append(f"{stem}: napari-geojson's ids differ")
            for key in ("perimeter_mm", "feret_max_mm", "score"):
                if list(meta["properties"].get(key, [])) != [deposits[f["properties"]["id"]][key] for f in features]:
                    failures.append(f"{stem}: napari-geojson's {key} measurements differ")
            for f, shape in zip(features, data):
                rings = f["geometry"]["coordinates"]
                if len(rings) == 1 and not np.array_equal(np.asarray(shape), np.asarray(rings[0][:-1])[:, ::-1]):
                    failures.append(f"{stem} outline {f['properties']['id']}: napari-geojson's vertices differ")
                counts["napari"] += 1

    # The batch run's files (--labels-dir PNG, --outlines-dir) equal the single-film ones.
    batch_mask = imread(f"{work}/batch/{stem}.dcm.labels.png")
    if batch_mask.dtype != np.uint16 or not np.array_equal(batch_mask, labels):
        failures.append(f"{stem}: the batch's label PNG ({batch_mask.dtype}) differs from the .npy")
    if json.load(open(f"{work}/batch/{stem}.dcm.outlines.geojson")) != outlines:
        failures.append(f"{stem}: the batch's outlines differ")

if counts["deposits"] < 20:
    failures.append(f"only {counts['deposits']} deposits compared (at least 20 expected)")
for line in failures[:40]:
    print("MISMATCH", line)
summary = ", ".join(f"{k} {v:.2g}" for k, v in sorted(worst.items()))
print(f"regionprops-check: {counts['films']} films, {counts['deposits']} deposits ({counts['angles']} with a direction; "
      f"outlines: {counts['holes']} holes, {counts['pinched']} outer rings through a corner twice, "
      f"{counts['napari']} read by napari-geojson); "
      f"largest |detect − scikit-image|: {summary}")
print("regionprops-check: " + ("FAILED, %d mismatches" % len(failures) if failures else "agreed"))
sys.exit(1 if failures else 0)
