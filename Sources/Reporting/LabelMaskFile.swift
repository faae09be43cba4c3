import Detection
import ImageIO
import Radiography

/// The label mask (`--labels`): the film's size, each pixel the id of the deposit it belongs to
/// (the `id` of the report and the overlay), 0 for background, as unsigned 16 bits, the way
/// ImageJ, QuPath, napari and scikit-image read label images. A 16-bit grey PNG (with the film's
/// spacing in `pHYs` when known) or a NumPy `.npy` array (`<u2`, shape (height, width)), by the
/// path's extension.
public enum LabelMaskFile {
    public enum Format: String, Sendable {
        case png, npy
    }

    /// The format a path's extension names, nil for any other.
    public static func format(of path: String) -> Format? {
        let name = path.lowercased()
        return name.hasSuffix(".png") ? .png : name.hasSuffix(".npy") ? .npy : nil
    }

    /// Throws `FilmError` when an id does not fit 16 bits (more than 65 535 deposits) or the
    /// encoder fails.
    public static func encode(_ labels: LabelImage, as format: Format, spacing: PixelSpacing?) throws -> [UInt8] {
        var largest: Int32 = 0
        for id in labels.labels where id > largest { largest = id }
        guard largest <= Int32(UInt16.max) else {
            throw FilmError(.limit, "deposit id \(largest) does not fit a 16-bit label mask")
        }
        let ids = labels.labels.map { UInt16(truncatingIfNeeded: max($0, 0)) }
        switch format {
        case .png:
            return try PNGEncoder.encode(gray: ids, width: labels.width, height: labels.height, bitDepth: 16,
                                         spacing: spacing.flatMap { $0.isPlausible ? $0 : nil })
        case .npy:
            return NumpyEncoder.encode(uint16: ids, shape: [labels.height, labels.width])
        }
    }

    /// Writes the mask atomically at `path`, in the format its extension names.
    public static func write(_ labels: LabelImage, spacing: PixelSpacing?, to path: String) throws {
        guard let format = format(of: path) else {
            throw FilmError(.unsupported, "a label mask is written as .png or .npy")
        }
        try AtomicFile.write(try encode(labels, as: format, spacing: spacing), to: path)
    }
}
