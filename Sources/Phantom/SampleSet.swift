import DICOM
import Foundation
import ImageIO
import Radiography

/// The committed `sample-images/` set: eight phantom films covering every anatomy, distribution
/// and file format the reader supports, each with its truth and label mask.
///
/// Regenerate with `swift run detect phantom --sample-set sample-images`; the bytes come out
/// identical (same seeds, deterministic encoders), so a diff in git means the model changed.
public enum SampleSet {
    public struct Entry: Sendable {
        public var name: String
        public var spec: PhantomSpec
        public var formats: [ImageFormat]
        public var dicom: DICOMFilm.Photometric
        public var dicomSyntax: DICOMFilm.Syntax
        public var dicomSpacingTag: DICOMSpacingTag
        /// Why the film is in the set.
        public var purpose: String
    }

    public static let entries: [Entry] = [
        Entry(name: "forearm_none", spec: PhantomSpec(anatomy: .forearm, distribution: .none, width: 1000, height: 1500,
                                                      spacingMM: 0.12, seed: 101, marker: true),
              formats: [.png, .dicom], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "deposit-free forearm (radius, ulna, distal metaphyses) with a lead marker: false positives on bone"),
        Entry(name: "knee_none", spec: PhantomSpec(anatomy: .knee, distribution: .none, width: 1400, height: 1400,
                                                   spacingMM: 0.15, seed: 102, collimation: true, marker: true),
              formats: [.png, .jpeg], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "deposit-free knee with collimator blades and a lead marker: false positives on epiphyses, patella, collimation"),
        Entry(name: "knee_circumscripta", spec: PhantomSpec(anatomy: .knee, distribution: .circumscripta, width: 1300, height: 1300,
                                                            spacingMM: 0.15, seed: 3),
              formats: [.png, .dicom], dicom: .monochrome1, dicomSyntax: .implicitLittle, dicomSpacingTag: .pixelSpacing,
              purpose: "a cluster of small nodules beside the knee joint"),
        Entry(name: "elbow_circumscripta", spec: PhantomSpec(anatomy: .elbow, distribution: .circumscripta, width: 1100, height: 1400,
                                                             spacingMM: 0.15, seed: 2, marker: true),
              formats: [.png], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "nodules and specks in one area near the elbow"),
        Entry(name: "forearm_circumscripta", spec: PhantomSpec(anatomy: .forearm, distribution: .circumscripta, width: 1000, height: 1400,
                                                               spacingMM: 0.12, seed: 10),
              formats: [.png, .jpeg], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "a cluster with a few nodules in one area of the forearm"),
        Entry(name: "thigh_universalis", spec: PhantomSpec(anatomy: .thigh, distribution: .universalis, width: 1200, height: 1600,
                                                           spacingMM: 0.2, seed: 106, collimation: true),
              formats: [.png, .dicom], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "specks, nodules, clusters and fascial streaks along a thigh"),
        Entry(name: "forearm_universalis", spec: PhantomSpec(anatomy: .forearm, distribution: .universalis, width: 1000, height: 1500,
                                                             spacingMM: 0.12, seed: 107, marker: true),
              formats: [.png], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "deposits of every kind spread along a forearm"),
        Entry(name: "elbow_none", spec: PhantomSpec(anatomy: .elbow, distribution: .none, width: 1100, height: 1400,
                                                    spacingMM: 0.15, seed: 108, collimation: true),
              formats: [.png], dicom: .monochrome2, dicomSyntax: .explicitLittle, dicomSpacingTag: .imagerPixelSpacing,
              purpose: "deposit-free elbow with collimation: overlapping bones at a joint"),
    ]

    /// Writes every entry, `manifest.json` and `README.md` into `directory`.
    public static func write(to directory: String) throws {
        var rows: [String] = []
        var manifest: [ManifestEntry] = []
        for entry in entries {
            let film = PhantomGenerator.make(entry.spec)
            let paths = try PhantomWriter.write(film, to: directory, name: entry.name, formats: entry.formats, dicom: entry.dicom,
                                                dicomSyntax: entry.dicomSyntax, dicomSpacingTag: entry.dicomSpacingTag)
            let files = paths.map { ($0 as NSString).lastPathComponent }
            manifest.append(ManifestEntry(name: entry.name, anatomy: entry.spec.anatomy, distribution: film.truth.distribution,
                                          deposits: film.truth.deposits.count, files: files))
            rows.append(readmeRow(entry, film: film, files: files))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        do {
            try AtomicFile.write(Array(try encoder.encode(manifest)) + [0x0A], to: manifestPath)
        } catch {
            throw FilmError(.io, "\(manifestPath): \(error)")
        }
        let readmePath = (directory as NSString).appendingPathComponent("README.md")
        do {
            try AtomicFile.write(readme(rows), to: readmePath)
        } catch {
            throw FilmError(.io, "\(readmePath): \(error)")
        }
    }

    struct ManifestEntry: Codable {
        var name: String
        var anatomy: PhantomAnatomy
        var distribution: PhantomDistribution
        var deposits: Int
        var files: [String]
    }

    private static func readmeRow(_ entry: Entry, film: PhantomFilm, files: [String]) -> String {
        let spec = entry.spec
        var format: [String] = []
        for f in entry.formats {
            switch f {
            case .png: format.append("PNG 16-bit")
            case .jpeg: format.append("JPEG 8-bit")
            case .dicom:
                let syntax = entry.dicomSyntax == .explicitLittle ? "explicit LE" : "implicit LE"
                let tag = entry.dicomSpacingTag == .pixelSpacing ? "Pixel Spacing" : entry.dicomSpacingTag == .both ? "both spacings"
                    : entry.dicomSpacingTag == .none ? "no spacing" : "Imager Pixel Spacing"
                format.append("DICOM \(entry.dicom.rawValue) \(syntax), \(tag)")
            }
        }
        let snr = film.truth.deposits.map(\.peakSNR)
        let snrText = snr.isEmpty ? "–" : String(format: "%.1f–%.0f", snr.min()!, snr.max()!)
        let options = [spec.collimation ? "collimation" : nil, spec.marker ? "marker" : nil].compactMap { $0 }.joined(separator: ", ")
        return "| `\(entry.name)` | \(spec.anatomy.rawValue), \(spec.width)×\(spec.height) px, \(spec.spacingMM) mm, seed \(spec.seed)"
            + (options.isEmpty ? "" : ", \(options)")
            + " | \(film.truth.distribution.rawValue) | \(film.truth.deposits.count) | \(snrText) | \(format.joined(separator: "; ")) | \(entry.purpose) |"
    }

    private static func readme(_ rows: [String]) -> String {
        """
        # sample-images

        Synthetic radiographs made by the project's phantom generator (`Sources/Phantom`), each with
        its ground truth. Generated, not hand-edited: regenerate the whole folder with

            swift run detect phantom --sample-set sample-images

        which gives identical bytes (fixed seeds; a difference in git means the model changed).

        Each film is a frontal projection computed from a physical model: attenuation line integrals
        through a limb (skin, fat, muscle), hollow bones with trabecular texture, and calcium deposits
        (ellipsoids, some lobulated and mottled); Gaussian blur; scatter; quantum and electronic noise;
        log; 12 bits.
        Details and the attenuation values: `Sources/Phantom/README.md`.

        | film | scene | distribution | deposits | peak SNR | files | purpose |
        |---|---|---|---|---|---|---|
        \(rows.joined(separator: "\n"))

        Files per film `NAME`:

        - `NAME.png`: 16-bit gray holding the 12-bit values (larger = more attenuation), spacing in `pHYs`.
        - `NAME.jpg`: 8-bit, windowed from the 0.5th to the 99.5th percentile of the unsaturated values,
          quality \(PhantomWriter.jpegQuality). Lossy: its values are not the truth's film units.
        - `NAME.dcm`: DX, 12 bits stored; MONOCHROME1 files store 4095 − value.
        - `truth/NAME.mask.png`: 16-bit label mask: the deposit id of every pixel whose centre lies inside
          the deposit's outline, 0 elsewhere.
        - `truth/NAME.truth.json`: the truth (snake_case keys). Per deposit: `id` (its value in the mask),
          `kind` (speck, nodule, cluster, streak), `group` (cluster number), `centroid` [x, y] px
          (x = column, origin at the centre of the top-left pixel), `bbox` [x, y, w, h] px, `area_px`,
          `area_mm2`, `peak_snr` (noiseless blurred contrast at its peak over the local noise σ: ~3 is
          barely visible, 50 obvious), `mu_per_mm`, `size_mm`, `depth_mm`. Also `distribution`
          (the label), `bones`, `markers`, `collimation` and `detector` (n0, gain, offset, electronic
          noise, blur σ, heel), from which the noise σ at any film value v follows:
          N = n0·exp(−(v − offset)/gain), σ² = gain²·(N + e²)/N² + 1/12.
        - `manifest.json`: the list of films with their files.

        """
    }
}
