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

    /// Calls `body` with the UTF-8 of `normalize(name)`. An ASCII name's key is lowered into a
    /// buffer on the stack, not into a string of its own: the digests of a million userNames'
    /// keys are made twice a night (`Matcher.keyDigest`), and each string was an allocation.
    static func withKeyBytes<Result>(of name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var result: Result?
        name.withUTF8Bytes { bytes in
            switch shape(bytes) {
            case .notASCII: break
            case .lowercase: result = body(bytes)
            case .withCapitals:
                result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { key in
                    lower(bytes, into: key)
                    return body(UnsafeBufferPointer(key))
                }
            }
        }
        if let result { return result }
        return normalize(name).withUTF8Bytes(body)
    }

    private enum ASCIIShape {
        case lowercase, withCapitals, notASCII
    }

    private static func shape(_ bytes: UnsafeBufferPointer<UInt8>) -> ASCIIShape {
        var hasCapital = false
        for byte in bytes {
            if byte >= 0x80 { return .notASCII }
            if byte &- 0x41 < 26 { hasCapital = true }
        }
        return hasCapital ? .withCapitals : .lowercase
    }

    /// ASCII `bytes` with capitals lowered, into `key` (as many bytes).
    private static func lower(_ bytes: UnsafeBufferPointer<UInt8>, into key: UnsafeMutableBufferPointer<UInt8>) {
        for (index, byte) in bytes.enumerated() { key[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte }
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
        switch shape(bytes) {
        case .notASCII: return .notASCII
        case .lowercase: return .same
        case .withCapitals:
            return .lowered(String(unsafeUninitializedCapacity: bytes.count) { key in
                lower(bytes, into: key)
                return bytes.count
            })
        }
    }
}
