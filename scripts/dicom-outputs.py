"""Reads detect's DICOM results back with highdicom and checks them against detect's JSON report.

Usage: python dicom-outputs.py FILM.dcm REPORT.json SEG.dcm SR.dcm SC.dcm

Checks, each printed on its own line; exit 1 at the first that fails:
- every object is in the film's study, in a series of its own (not the film's) and names the
  film (SEG: Referenced Series Sequence and the frame's Source Image Sequence; SR: Current
  Requested Procedure Evidence and each group's source image; SC: Source Image Sequence);
- SEG: one BINARY segment "calcification" with SCT 49755003 / 18115005, AUTOMATIC, detect's
  algorithm name and version; its mask, read by highdicom for the film's SOP instance, has the
  film's size and exactly `total_area_px` pixels set; Pixel Spacing equal to the report's;
- SR: highdicom parses it as a TID 1500 Measurement Report, observer device detect with its
  version, procedure reported; one TID 1501 group per deposit with a distinct tracking UID and
  its area equal to the JSON's `area_mm2` (or `area_px` without spacing); the film group's count,
  total area, distribution label and score equal to the JSON's;
- SC: RGB of the film's size, equal to the overlay PNG when one is given (--overlay).
"""
import json
import sys

import highdicom as hd
import numpy as np
import pydicom
from pydicom.sr.coding import Code

film_path, report_path, seg_path, sr_path, sc_path = sys.argv[1:6]
overlay_png = sys.argv[6] if len(sys.argv) > 6 else None
film = pydicom.dcmread(film_path)
report = json.load(open(report_path))
version = sys.argv[7] if len(sys.argv) > 7 else None


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def check_same_study(ds, kind):
    check(ds.StudyInstanceUID == film.StudyInstanceUID, f"{kind}: Study Instance UID is the film's")
    check(ds.SeriesInstanceUID != film.SeriesInstanceUID, f"{kind}: a series of its own")
    check(ds.PatientID == film.PatientID, f"{kind}: Patient ID is the film's")
    for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID):
        check(len(uid) <= 64 and all(c.isdigit() or c == "." for c in uid), f"{kind}: UID {uid} is valid")


# SEG. highdicom 0.28 refuses Pixel Measures without Slice Thickness, which PS3.3 C.7.6.16.2.1
# (after CP 1426) requires only with a Frame of Reference and dciodvfy refuses empty without one;
# a projection film has neither, so the thickness is added here, in memory only, and said so.
seg_ds = pydicom.dcmread(seg_path)
shared = seg_ds.SharedFunctionalGroupsSequence[0]
measures = shared.PixelMeasuresSequence[0] if "PixelMeasuresSequence" in shared else None
if measures is not None and "SliceThickness" not in measures and "FrameOfReferenceUID" not in seg_ds:
    print("note: Slice Thickness added in memory for highdicom (absent in the file, as the standard has it)")
    measures.SliceThickness = None
seg = hd.seg.Segmentation.from_dataset(seg_ds)
check_same_study(seg, "SEG")
check(seg.SegmentationType == "BINARY", "SEG: BINARY")
check(seg.segment_numbers == [1], "SEG: one segment")
description = seg.get_segment_description(1)
check(description.segment_label == "calcification", "SEG: segment label calcification")
check(description.segmented_property_category == Code("49755003", "SCT", "Morphologically abnormal structure"),
      "SEG: category SCT 49755003")
check(description.segmented_property_type == Code("18115005", "SCT", "Calcification"), "SEG: type SCT 18115005")
check(description.algorithm_type.value == "AUTOMATIC", "SEG: AUTOMATIC")
item = seg.SegmentSequence[0].SegmentationAlgorithmIdentificationSequence[0]
check(item.AlgorithmName == "detect" and (version is None or item.AlgorithmVersion == version),
      f"SEG: algorithm detect {item.AlgorithmVersion}")
referenced = seg.ReferencedSeriesSequence[0]
check(referenced.SeriesInstanceUID == film.SeriesInstanceUID
      and referenced.ReferencedInstanceSequence[0].ReferencedSOPInstanceUID == film.SOPInstanceUID,
      "SEG: Referenced Series Sequence names the film")
check(seg.get_source_image_uids() == [(film.StudyInstanceUID, film.SeriesInstanceUID, film.SOPInstanceUID)],
      "SEG: the source image is the film")
mask = seg.get_pixels_by_source_instance(source_sop_instance_uids=[film.SOPInstanceUID], segment_numbers=[1])
check(mask.shape == (1, film.Rows, film.Columns, 1), f"SEG: mask of the film's size {mask.shape}")
check(int(mask.sum()) == report["total_area_px"], f"SEG: {int(mask.sum())} mask pixels = total_area_px")
if report["pixel_spacing_mm"] is None:
    check(measures is None, "SEG: no Pixel Measures for a film without spacing")
else:
    spacing = measures.PixelSpacing
    check([float(v) for v in spacing] == report["pixel_spacing_mm"], f"SEG: Pixel Spacing {list(spacing)}")

if "FrameOfReferenceUID" in film:
    check(seg.FrameOfReferenceUID == film.FrameOfReferenceUID, "SEG: Frame of Reference is the film's")
    orientation = seg.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence[0].ImageOrientationPatient
    check([float(v) for v in orientation] == [float(v) for v in film.ImageOrientationPatient], "SEG: Plane Orientation is the film's")
    position = seg.PerFrameFunctionalGroupsSequence[0].PlanePositionSequence[0].ImagePositionPatient
    check([float(v) for v in position] == [float(v) for v in film.ImagePositionPatient], "SEG: Plane Position is the film's")
    check(float(measures.SliceThickness) == float(film.SliceThickness), "SEG: Slice Thickness is the film's")

# SR
sr_ds = pydicom.dcmread(sr_path)
check_same_study(sr_ds, "SR")
sr = hd.sr.srread(sr_path)
check(isinstance(sr, hd.sr.ComprehensiveSR), f"SR: highdicom reads it as a Comprehensive SR ({type(sr).__name__})")
measurement_report = hd.sr.MeasurementReport.from_sequence([sr_ds])
check(len(measurement_report.get_image_measurement_groups()) >= 1,
      "SR: highdicom parses a TID 1500 Measurement Report with measurement groups")
observers = measurement_report.get_observer_contexts()
check(len(observers) == 1 and observers[0].observer_type == Code("121007", "DCM", "Device"), "SR: observer is a device")
device = observers[0].observer_identifying_attributes
check(device.name.startswith("detect") and (version is None or device.name == f"detect {version}"),
      f"SR: device observer {device.name}")
procedures = [item for item in sr_ds.ContentSequence if item.ConceptNameCodeSequence[0].CodeValue == "121058"]
check(len(procedures) == 1, "SR: procedure reported")
evidence = sr_ds.CurrentRequestedProcedureEvidenceSequence[0]
check(evidence.StudyInstanceUID == film.StudyInstanceUID
      and evidence.ReferencedSeriesSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID == film.SOPInstanceUID,
      "SR: evidence names the film")
groups = measurement_report.get_image_measurement_groups(referenced_sop_instance_uid=film.SOPInstanceUID)
deposits = report["deposits"]
check(len(groups) == len(deposits) + 1, f"SR: {len(groups)} measurement groups = {len(deposits)} deposits + the film's")
area = Code("42798000", "SCT", "Area")
uids = set()
for group, deposit in zip(groups, deposits):
    check(group.tracking_identifier == f"deposit {deposit['id']}", f"SR: {group.tracking_identifier}")
    uids.add(group.tracking_uid)
    (measured,) = group.get_measurements(name=area)
    expected = deposit["area_mm2"] if deposit["area_mm2"] is not None else deposit["area_px"]
    check(abs(float(measured.value) - expected) < 1e-9, f"SR: deposit {deposit['id']} area {measured.value} = {expected}")
    check(measured.unit.value == ("mm2" if deposit["area_mm2"] is not None else "{pixels}"), "SR: its unit")
check(len(uids) == len(deposits), "SR: distinct tracking UIDs")
whole = groups[-1]
check(whole.tracking_identifier == "all deposits", "SR: the film's group")
values = {m.name.value: float(m.value) for m in whole.get_measurements()}
check(values["DEPOSITCOUNT"] == report["deposit_count"], f"SR: deposit count {values['DEPOSITCOUNT']}")
total = report["total_area_mm2"] if report["total_area_mm2"] is not None else report["total_area_px"]
check(abs(values["42798000"] - total) < 1e-9, f"SR: total area {values['42798000']} = {total}")
check(abs(values["DISTSCORE"] - report["distribution_score"]) < 1e-9, f"SR: distribution score {values['DISTSCORE']}")
(label,) = whole.get_qualitative_evaluations(name=Code("DISTRIBUTION", "99DETECT", "Calcinosis distribution"))
check(label.value.meaning == report["distribution"], f"SR: distribution {label.value.meaning}")

# SC
sc = pydicom.dcmread(sc_path)
check_same_study(sc, "SC")
check(sc.SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" and sc.PhotometricInterpretation == "RGB", "SC: RGB secondary capture")
check(sc.SourceImageSequence[0].ReferencedSOPInstanceUID == film.SOPInstanceUID, "SC: Source Image Sequence names the film")
pixels = sc.pixel_array
check(pixels.shape == (film.Rows, film.Columns, 3), f"SC: the film's size {pixels.shape}")
if overlay_png:
    from PIL import Image
    check(np.array_equal(np.asarray(Image.open(overlay_png).convert("RGB")), pixels), "SC: equal to the --overlay PNG")
print("dicom-outputs: all checks passed")
