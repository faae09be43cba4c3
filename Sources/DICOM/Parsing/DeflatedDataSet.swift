import _CCodecs
import Radiography

/// Deflated Explicit VR Little Endian (PS3.5 A.5): everything after the File Meta Information
/// is one raw deflate stream (no zlib header) of an explicit VR little endian data set.
///
/// Inflated with libdeflate through `_CCodecs`, which returns errors as values. The output is capped
/// at `limits.maxFileBytes`, the same ceiling as an uncompressed file, so a few kilobytes of
/// crafted deflate cannot expand into gigabytes (deflate reaches about 1000:1).
enum DeflatedDataSet {
    /// The file with its deflated part replaced by the inflated data set: the meta group keeps
    /// its offsets and the data set starts at `offset`, as in an uncompressed file.
    static func inflate(_ bytes: [UInt8], dataSetOffset offset: Int, limits: DecodeLimits) throws -> [UInt8] {
        guard offset < bytes.count else {
            throw FilmError(.truncated, "DICOM: file ends after the File Meta Information group: there is no deflated data set")
        }
        var out = ccodecs_buffer()
        var message = ccodecs_message()
        let cap = max(limits.maxFileBytes - offset, 0)
        let status = bytes.withUnsafeBufferPointer { buffer in
            ccodecs_inflate_raw(buffer.baseAddress! + offset, buffer.count - offset, cap, &out, &message)
        }
        guard status == 0 else {
            let error = status == 2 ? FilmError.overLimit(.fileBytes, message.text()) : FilmError.codecFailure(message.text())
            throw error.prefixed("DICOM: ")
        }
        defer { ccodecs_buffer_free(&out) }
        var result = [UInt8]()
        result.reserveCapacity(offset + out.count)
        result += bytes[0..<offset]
        if let inflated = out.bytes {
            result += UnsafeBufferPointer(start: inflated, count: out.count)
        }
        return result
    }
}

extension ccodecs_message {
    /// The NUL-terminated text the C side wrote, or a fallback when it wrote none.
    func text() -> String {
        let string = withUnsafeBytes(of: self.text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return string.isEmpty ? "unknown error" : string
    }
}
