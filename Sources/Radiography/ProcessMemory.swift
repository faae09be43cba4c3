#if canImport(Glibc)
import Glibc
#endif

/// How a process that analyses films asks the C allocator to treat large blocks.
///
/// glibc raises its mmap threshold each time a large block is freed (up to 32 MB); after that,
/// the detector's temporary buffers (clutter samples, band rings, candidate lists) come from the
/// heap and stay resident once freed: measured +4 MB on the peak of a 3000² film, and memory
/// that creeps up over a batch. Fixing the threshold at glibc's own default keeps every block
/// over 128 KiB mapped and unmapped with its use. Called once, first thing, by the `detect`
/// executable; a library user may call it too. No-op where the C library has no `mallopt`.
public enum ProcessMemory {
    public static func keepLargeBlocksMapped() {
        #if canImport(Glibc)
        // mallopt is in <malloc.h>, which the Glibc module does not import; M_MMAP_THRESHOLD is -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 128 * 1024)
        #endif
    }
}
