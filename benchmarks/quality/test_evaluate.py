"""Unit tests of evaluate.py's scoring on synthetic truth (no films, no detect): scripts/evaluate --self-test."""
import io
import json
import os
import tempfile
import unittest
from contextlib import redirect_stdout

import numpy as np
from PIL import Image

import evaluate as ev


def square_labels():
    """A 100×100 film at 0.1 mm: deposit 1 is the 5×5 square x, y in 20…24; deposit 2 a pixel at (70, 70)."""
    labels = np.zeros((100, 100), np.uint16)
    labels[20:25, 20:25] = 1
    labels[70, 70] = 2
    return labels


class MatchingTests(unittest.TestCase):
    spacing = (0.1, 0.1)

    def test_centroid_on_the_footprint_finds_it(self):
        hits = ev.match_detections(square_labels(), self.spacing, [ev.Detection(22, 22, 25)])
        self.assertEqual(hits, [{1}])

    def test_centroid_within_one_mm_of_the_footprint_finds_it(self):
        # 10 px = 1 mm right of the square's last column (24): just within; 11 px: not.
        labels = square_labels()
        self.assertEqual(ev.match_detections(labels, self.spacing, [ev.Detection(34, 22, 1)]), [{1}])
        self.assertEqual(ev.match_detections(labels, self.spacing, [ev.Detection(35.2, 22, 1)]), [set()])

    def test_one_mm_uses_each_axis_spacing(self):
        # Rows 0.2 mm apart: 5 rows below the square's last row (24) are 1 mm away; columns 0.1 mm apart.
        labels = square_labels()
        self.assertEqual(ev.match_detections(labels, (0.2, 0.1), [ev.Detection(22, 29, 1)]), [{1}])
        self.assertEqual(ev.match_detections(labels, (0.2, 0.1), [ev.Detection(22, 30.5, 1)]), [set()])

    def test_equal_area_disk_overlapping_the_footprint_finds_it(self):
        # Centroid 20 px (2 mm) from the square, area π·21² px: radius 21 px reaches it.
        labels = square_labels()
        det = ev.Detection(44, 22, np.pi * 21 ** 2)
        self.assertEqual(ev.match_detections(labels, self.spacing, [det]), [{1}])
        small = ev.Detection(44, 22, np.pi * 19 ** 2)
        self.assertEqual(ev.match_detections(labels, self.spacing, [small]), [set()])

    def test_one_detection_may_find_several_deposits(self):
        big = ev.Detection(45, 45, np.pi * 40 ** 2)
        self.assertEqual(ev.match_detections(square_labels(), self.spacing, [big]), [{1, 2}])

    def test_detection_off_the_film_is_false(self):
        self.assertEqual(ev.match_detections(square_labels(), self.spacing, [ev.Detection(-50, -50, 4)]), [set()])


def film(deposits, label="circumscripta"):
    return ev.TruthFilm(name="f", image="f.png", labels_path="", spacing_mm=(0.1, 0.1), label=label,
                        base_film="base", deposits=deposits)


def deposit(i, area_px, cnr, on_bone=None, kind="nodule"):
    record = dict(id=i, kind=kind, area_px=area_px, cnr=cnr)
    if on_bone is not None:
        record["on_bone"] = on_bone
    return ev.truth_deposit(record, (0.1, 0.1), "cnr")


class ScoringTests(unittest.TestCase):
    def setUp(self):
        # Deposit 1: 25 px = 0.25 mm², CNR 2; deposit 2: 1 px, CNR 12, over bone.
        self.film = film([deposit(1, 25, 2.0, on_bone=False), deposit(2, 1, 12.0, on_bone=True)])

    def score(self, deposits, label="circumscripta", status="ok"):
        result = dict(status=status, distribution=label, deposits=deposits)
        return ev.score_truth_film(self.film, square_labels(), result, 1.0)

    def test_found_false_and_label(self):
        s = self.score([dict(centroid=[22, 22], area_px=30), dict(centroid=[90, 10], area_px=4)])
        self.assertEqual(s.found_ids, {1})
        self.assertEqual(s.false, 1)
        summary = ev.summarize_truth([s])
        rows = {(r["section"], r["group"]): r for r in summary["sensitivity"]}
        self.assertEqual(rows[("all", "all deposits")]["sensitivity"], 0.5)
        self.assertEqual(rows[("all", "CNR >= 3")]["sensitivity"], 0.0)
        self.assertEqual(rows[("cnr", "< 3")]["found"], 1)
        self.assertEqual(rows[("cnr", ">= 10")]["found"], 0)
        self.assertEqual(rows[("bone", "soft tissue")]["sensitivity"], 1.0)
        self.assertEqual(rows[("bone", "over bone")]["sensitivity"], 0.0)
        # 25 px at 0.01 mm² each: diameter 2·sqrt(0.25/π) = 0.56 mm.
        self.assertEqual(rows[("size", "< 1 mm")]["deposits"], 2)
        self.assertEqual(summary["label_accuracy"], 1.0)
        self.assertEqual(summary["false_per_film"]["mean"], 1)

    def test_failed_film_counts_as_no_detections(self):
        s = ev.score_truth_film(self.film, square_labels(), None, 1.0)
        self.assertEqual((s.found_ids, s.false, s.label_pred), (set(), 0, "failed"))
        self.assertIsNotNone(s.error)
        summary = ev.summarize_truth([s])
        self.assertEqual(summary["confusion"]["circumscripta"]["failed"], 1)
        self.assertEqual(summary["label_accuracy"], 0.0)

    def test_area_error_sums_the_detections_matched_to_a_deposit(self):
        labels = np.zeros((100, 100), np.uint16)
        labels[10:30, 10:30] = 1  # 400 px = 4 mm²
        big = film([deposit(1, 400, 20.0)])
        result = dict(status="ok", distribution="circumscripta",
                      deposits=[dict(centroid=[15, 15], area_px=100), dict(centroid=[25, 25], area_px=200)])
        s = ev.score_truth_film(big, labels, result, 1.0)
        self.assertEqual(ev.area_errors([s]), [-0.25])
        # Deposits under 2 mm² are left out.
        self.assertEqual(ev.area_errors([self.score([dict(centroid=[22, 22], area_px=30)])]), [])

    def test_phantom_truth_has_no_bone_field_and_gets_diameter_from_area(self):
        d = ev.truth_deposit(dict(id=3, kind="speck", area_px=314, area_mm2=3.14, peak_snr=7.0), (0.1, 0.1), "peak_snr")
        self.assertIsNone(d.on_bone)
        self.assertAlmostEqual(d.diameter_mm, 2.0, places=2)
        self.assertEqual(d.cnr, 7.0)
        rows = ev.sensitivity_rows([ev.FilmScore("p", "none", "none", 0, 0, set(), {}, [d])])
        self.assertIn(("bone", "n/a"), {(r["section"], r["group"]) for r in rows})

    def test_bands_are_closed_below(self):
        self.assertEqual(ev._band(3.0, ev.CNR_BANDS), "3 - 10")
        self.assertEqual(ev._band(2.999, ev.CNR_BANDS), "< 3")
        self.assertEqual(ev._band(10.0, ev.SIZE_BANDS), ">= 10 mm")
        self.assertEqual(ev._band(None, ev.SIZE_BANDS), "n/a")


class ClusterTests(unittest.TestCase):
    def test_hits_and_false_deposits(self):
        truth = ev.ClusterTruth(circles=[(100, 100, 10), (300, 300, 5)])
        dets = [ev.Detection(105, 100, 3), ev.Detection(200, 200, 3), ev.Detection(306, 300, 3)]
        self.assertEqual(ev.score_cluster_film(truth, dets, 0.0)["hit"], 1)
        self.assertEqual(ev.score_cluster_film(truth, dets, 0.0)["false"], 2)
        self.assertEqual(ev.score_cluster_film(truth, dets, 1.0)["hit"], 2)

    def test_widespread_and_normal_films(self):
        dets = [ev.Detection(i, i, 1) for i in range(5)]
        self.assertTrue(ev.score_cluster_film(ev.ClusterTruth(widespread=True), dets, 0)["widespread_hit"])
        self.assertFalse(ev.score_cluster_film(ev.ClusterTruth(widespread=True), dets[:4], 0)["widespread_hit"])
        self.assertEqual(ev.score_cluster_film(ev.ClusterTruth(normal=True), dets, 0)["false"], 5)

    def test_read_clusters(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "clusters.csv")
            with open(path, "w") as fh:
                fh.write("film,x,y,radius_px,radius_mm,note\na,1,2,3,0.6,\na,4,5,6,1.2,\nb,,,,,wide\nc,,,,,normal\n")
            truth = ev.read_clusters(path)
        self.assertEqual(truth["a"].circles, [(1.0, 2.0, 3.0), (4.0, 5.0, 6.0)])
        self.assertTrue(truth["b"].widespread and not truth["b"].normal)
        self.assertTrue(truth["c"].normal)


class EndToEndTests(unittest.TestCase):
    """A FORMAT.md folder and a detections file, through main(): --films-from and exit codes."""

    def make_set(self, root):
        os.makedirs(os.path.join(root, "cases", "images"))
        os.makedirs(os.path.join(root, "cases", "truth"))
        cases = []
        for case, base in (("hyb_01", "hand"), ("hyb_02", "knee")):
            Image.fromarray(square_labels()).save(os.path.join(root, "cases", "truth", f"{case}.labels.png"))
            Image.fromarray(np.zeros((100, 100), np.uint16)).save(os.path.join(root, "cases", "images", f"{case}.png"))
            truth = dict(case=case, label="circumscripta", base_film=base, pixel_spacing_mm=[0.1, 0.1],
                         deposits=[dict(id=1, kind="nodule", area_px=25, cnr=5.0), dict(id=2, kind="speck", area_px=1, cnr=1.0)])
            with open(os.path.join(root, "cases", "truth", f"{case}.truth.json"), "w") as fh:
                json.dump(truth, fh)
            cases.append(dict(case=case))
        with open(os.path.join(root, "manifest.json"), "w") as fh:
            json.dump(dict(cases=cases), fh)

    def run_main(self, args):
        out = io.StringIO()
        with redirect_stdout(out):
            code = ev.main(args)
        return code, out.getvalue()

    def test_scores_a_set_and_restricts_it_to_base_films(self):
        with tempfile.TemporaryDirectory() as root:
            self.make_set(root)
            images = os.path.join(root, "cases", "images")
            detections = os.path.join(root, "det.jsonl")
            with open(detections, "w") as fh:
                fh.write(json.dumps(dict(file=os.path.join(images, "hyb_01.png"), status="ok", distribution="circumscripta",
                                         deposits=[dict(centroid=[22, 22], area_px=25)])) + "\n")
                fh.write(json.dumps(dict(file=os.path.join(images, "hyb_02.png"), status="error", error="bad film")) + "\n")
            report = os.path.join(root, "report.json")
            code, text = self.run_main([root, "--detections", detections, "--json", report])
            self.assertEqual(code, 1)  # hyb_02 failed
            self.assertIn("hyb_02: bad film", text)
            with open(report) as fh:
                summary = json.load(fh)["summary"]
            self.assertEqual(summary["sensitivity"][0]["deposits"], 4)
            self.assertEqual(summary["sensitivity"][0]["found"], 1)
            only = os.path.join(root, "only.txt")
            with open(only, "w") as fh:
                fh.write("hand\n")
            code, text = self.run_main([root, "--detections", detections, "--films-from", only, "--json", report])
            self.assertEqual(code, 0)
            with open(report) as fh:
                self.assertEqual(json.load(fh)["summary"]["sensitivity"][1], dict(
                    section="all", group="CNR >= 3", deposits=1, found=1, sensitivity=1.0))

    def test_missing_folder_is_an_error(self):
        with self.assertRaises(ev.EvaluationError):
            ev.main(["/nonexistent/folder"])

    def test_detect_crash_is_an_error(self):
        with tempfile.TemporaryDirectory() as root:
            self.make_set(root)
            crashing = os.path.join(root, "detect")
            with open(crashing, "w") as fh:
                fh.write("#!/bin/sh\necho 'Fatal error: boom' >&2\nexit 134\n")
            os.chmod(crashing, 0o755)
            with self.assertRaisesRegex(ev.EvaluationError, "exit code 134"):
                self.run_main([root, "--detect", crashing, "--work", os.path.join(root, "work")])


if __name__ == "__main__":
    unittest.main()
