/// A value bound to, or read from, an SQLite statement: one case per SQLite storage class.
///
/// Related SQLite documentation: <https://www.sqlite.org/datatype3.html>
enum SQLValue: Equatable, Sendable {
    /// SQL `NULL`.
    case null
    /// A signed 64-bit integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text; may contain U+0000, which is bound with an explicit length.
    case text(String)
    /// Raw bytes; an empty array is an empty blob, not `NULL`.
    case blob([UInt8])

    /// Text, or `NULL` when `string` is `nil`.
    init(_ string: String?) {
        self = string.map { .text($0) } ?? .null
    }

    /// An integer.
    init(_ int: Int) {
        self = .integer(Int64(int))
    }

    /// A boolean stored the SQLite way, as the integer 1 or 0.
    init(_ bool: Bool) {
        self = .integer(bool ? 1 : 0)
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// Text from a literal, so call sites read `statement.run("alice", 3)`.
    init(stringLiteral value: String) {
        self = .text(value)
    }

    /// An integer from a literal.
    init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}
