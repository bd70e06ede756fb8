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
        var isASCII = true
        var hasUpper = false
        for byte in name.utf8 {
            if byte >= 0x80 { isASCII = false; break }
            if byte >= 0x41 && byte <= 0x5A { hasUpper = true }
        }
        if isASCII {
            guard hasUpper else { return name }
            return String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        return name.precomposedStringWithCanonicalMapping.lowercased().uppercased().lowercased().precomposedStringWithCanonicalMapping
    }
}
