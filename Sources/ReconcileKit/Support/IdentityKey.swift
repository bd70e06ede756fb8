import Foundation

/// The comparison key for `userName`: SCIM says caseExact=false (RFC 7643 §4.1.1), for all of Unicode.
///
/// NFC first, so `Zoe\u{308}` and `Zoë` are one name; then full case folding, approximated as
/// lower, upper, lower case (which folds `ß` and `ẞ` to `ss` as Unicode's CaseFolding.txt does; the
/// first lowering turns `ẞ` into `ß` so that upper-casing can expand it); then NFC again because
/// case mapping can decompose. Plain ASCII, the common case, takes a fast path.
public enum IdentityKey {
    /// The normalized, case-folded key of `name`.
    public static func normalize(_ name: String) -> String {
        switch name.withUTF8Bytes(asciiKey) {
        case .same: return name
        case .lowered(let key): return key
        case .notASCII:
            return name.precomposedStringWithCanonicalMapping.lowercased().uppercased().lowercased().precomposedStringWithCanonicalMapping
        }
    }

    private enum ASCIIKey {
        /// ASCII without capitals: the name is its own key.
        case same
        /// ASCII with capitals: the key, lowercased.
        case lowered(String)
        case notASCII
    }

    /// The key of an ASCII name from its bytes in one pass (a million userNames are keyed twice a
    /// night: as the snapshot's users are matched and as the store's are indexed).
    private static func asciiKey(_ bytes: UnsafeBufferPointer<UInt8>) -> ASCIIKey {
        var hasCapital = false
        for byte in bytes {
            if byte >= 0x80 { return .notASCII }
            if byte &- 0x41 < 26 { hasCapital = true }
        }
        guard hasCapital else { return .same }
        return .lowered(String(unsafeUninitializedCapacity: bytes.count) { key in
            for (index, byte) in bytes.enumerated() { key[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte }
            return bytes.count
        })
    }
}
