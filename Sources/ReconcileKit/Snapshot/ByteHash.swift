import Foundation

/// A cheap seeded hash of UTF-8 bytes, for the loader's own tables (`UserIDIndex`,
/// `RecordProperties`' shared strings) where `Hasher` would cost more than the lookup saves.
/// Those tables compare bytes after a hash match, so a collision costs time, never a wrong answer;
/// the per-process seed keeps crafted input from piling up in one run of slots.
enum ByteHash {
    static let seed = UInt64.random(in: .min ... .max)

    /// The hash of `text`'s UTF-8 bytes (multiply-xorshift, eight bytes at a time).
    static func hash(_ text: String) -> UInt64 {
        text.withUTF8Bytes { hash($0) }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = seed ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            index += 8
        }
        var tail: UInt64 = 0
        while index < bytes.count {
            tail = tail << 8 | UInt64(bytes[index])
            index += 1
        }
        hash = (hash ^ tail) &* multiplier
        hash ^= hash >> 32
        return (hash &* multiplier) ^ (hash >> 29)
    }

    /// Whether `a` and `b` have the same UTF-8 bytes. `==` on strings tests canonical equivalence,
    /// which would let one spelling stand in for another.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        b.withUTF8Bytes { sameBytes(a, UnsafeRawBufferPointer($0)) }
    }

    /// Whether `text`'s UTF-8 is `bytes`.
    static func sameBytes(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        compare(text, bytes) == 0
    }

    /// `text`'s UTF-8 against `bytes` as SQLite's BINARY collation orders them: -1, 0 or 1.
    static func compare(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        text.withUTF8Bytes { utf8 in
            let common = min(utf8.count, bytes.count)
            let order = common == 0 ? 0 : memcmp(utf8.baseAddress!, bytes.baseAddress!, common)
            if order != 0 { return order < 0 ? -1 : 1 }
            return utf8.count == bytes.count ? 0 : (utf8.count < bytes.count ? -1 : 1)
        }
    }
}
