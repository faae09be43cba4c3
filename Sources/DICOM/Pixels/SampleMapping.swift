import Radiography

/// How one stored sample becomes a Radiograph sample (larger = more attenuation), and how the
/// file's rescale and window read in those new units. Separate from any pixel decoder, so a
/// codec added later decodes to stored words and reuses the same mapping.
///
/// Per sample: `u = ((word >> shift) & mask) ^ xor`, one branch-free expression because
///  - for signed data, adding 2^(bitsStored−1) to the sign-extended value equals flipping the
///    sign bit of the masked value (order preserved, range 0…2^bitsStored − 1);
///  - inverting, `max − v`, equals `v ^ max` when `max` is all ones.
///
/// Inversion happens when exactly one of these holds: MONOCHROME1 (low values shown white),
/// negative Rescale Slope (modality values fall as attenuation rises). Both together cancel.
struct SampleMapping: Sendable, Equatable {
    let shift: UInt16
    let mask: UInt16
    let xor: UInt16
    let isInverted: Bool
    /// Radiograph sample → the file's modality units; identity when the file has no rescale.
    let rescale: LinearRescale
    /// The file's window in Radiograph sample units.
    let window: DisplayWindow?

    /// Maps planes of stored words (`samplesPerPixel` planes of `rows × columns`, as the
    /// compressed-pixel decoders produce them) to Radiograph samples: in place for grayscale,
    /// through `ColourLuminance` for colour.
    func apply(toPlanes planes: [UInt16], module m: PixelModule) -> [UInt16] {
        let count = m.rows * m.columns
        if m.samplesPerPixel == 1 {
            var out = planes
            out.withUnsafeMutableBufferPointer { p in
                for i in 0..<count { p[i] = ((p[i] &>> shift) & mask) ^ xor }
            }
            return out
        }
        return [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
            planes.withUnsafeBufferPointer {
                ColourLuminance.combine(planes: $0, count: count, photometric: m.photometric, mapping: self, into: out)
            }
            initialised = count
        }
    }

    init(_ m: PixelModule) {
        let maximum = (1 << m.bitsStored) - 1
        let offset = m.isSigned ? 1 << (m.bitsStored - 1) : 0
        shift = UInt16(m.highBit + 1 - m.bitsStored)
        mask = UInt16(maximum)
        let fileRescale = m.rescale ?? .identity
        isInverted = (m.photometric == .monochrome1) != (fileRescale.slope < 0)
        xor = UInt16(offset) ^ (isInverted ? mask : 0)

        // stored s = v − offset, v = inverted ? max − u : u; modality = slope·s + intercept.
        let sampleToModality = isInverted
            ? LinearRescale(slope: -fileRescale.slope,
                            intercept: fileRescale.intercept + fileRescale.slope * Double(maximum - offset))
            : LinearRescale(slope: fileRescale.slope,
                            intercept: fileRescale.intercept - fileRescale.slope * Double(offset))
        rescale = m.rescale == nil ? .identity : sampleToModality
        // Without a rescale, the window is in stored units, which `sampleToModality` (with the
        // identity file rescale) still maps correctly.
        window = m.window.map {
            DisplayWindow(center: ($0.center - sampleToModality.intercept) / sampleToModality.slope,
                          width: $0.width / abs(sampleToModality.slope))
        }
    }
}
