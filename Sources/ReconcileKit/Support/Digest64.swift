/// A fast 64-bit digest of a sequence of strings and flags, for telling "unchanged" apart from
/// "maybe changed" cheaply (`DesiredUser.updateDigest`).
///
/// Not cryptographic: equal digests are trusted only for values this job wrote itself, where a
/// collision would need one user's old and new values to collide (about 1 in 2^64 per change).
/// Word-at-a-time multiply-xorshift mixing; stable across runs, machines and Swift versions (no
/// per-process seed, unlike `Hasher`), because digests are stored.
struct Digest64 {
    private(set) var value: UInt64 = 0x6A09_E667_F3BC_C908

    init() {}

    /// The digest of one string, for seeding per-attribute tags once.
    init(_ text: String) {
        combine(text)
    }

    mutating func combine(_ word: UInt64) {
        var x = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        value = x ^ (x >> 32)
    }

    mutating func combine(_ text: String) {
        text.withUTF8Bytes { bytes in combine(bytes: UnsafeRawBufferPointer(bytes)) }
    }

    mutating func combine(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            combine(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        // The length closes the string, so ("ab", "c") and ("a", "bc") differ.
        combine(tail ^ (UInt64(count) << 56))
    }
}
