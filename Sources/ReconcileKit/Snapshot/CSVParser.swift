/// An RFC 4180 reader over UTF-8 bytes that yields one record (row) at a time with its line number.
///
/// What it accepts, beyond RFC 4180's letter, because real exports and spreadsheet saves do it:
/// - a leading UTF-8 byte order mark, skipped;
/// - records ending in CRLF, LF or a lone CR; blank lines between records are skipped;
/// - a `"` inside an unquoted field, kept as data (`5" screen`); inside a quoted field a quote is
///   written `""` (RFC 4180 §2.7), and anything but a delimiter or line end after the closing quote
///   is an error, because it means the quoting is broken and the columns cannot be trusted;
/// - a delimiter other than `,` (`;` or a tab, see `delimiter(ofLine:)`).
///
/// A record's `line` is the line its first field starts on; fields may span lines inside quotes,
/// so later records' lines count every line break read, inside quotes or not.
struct CSVParser {
    /// One row: its fields and the 1-based line it starts on.
    struct Record {
        var fields: [String]
        var line: Int
    }

    /// A row that cannot be read: the line, the 0-based index of the field at fault, and what is wrong.
    struct Failure: Error, Equatable {
        let line: Int
        let field: Int
        let message: String
    }

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var index: Int
    private var line = 1
    /// Bytes of a quoted field with `""` escapes, reused from field to field.
    private var buffer: [UInt8] = []

    private static let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// A parser over `bytes`, starting after a byte order mark if there is one.
    init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.index = bytes.starts(with: UTF8Text.byteOrderMark) ? 3 : 0
    }

    /// The delimiter a header line uses: `,` unless the line has none and has `;` or a tab instead
    /// (a file saved again by a spreadsheet set to a locale whose list separator is `;`).
    static func delimiter(ofLine line: ArraySlice<UInt8>) -> UInt8 {
        let comma = UInt8(ascii: ","), semicolon = UInt8(ascii: ";"), tab = UInt8(ascii: "\t")
        if line.contains(comma) { return comma }
        if line.contains(semicolon) { return semicolon }
        if line.contains(tab) { return tab }
        return comma
    }

    /// The bytes of line `number` (1-based, by LF), without its line break, for delimiter detection.
    static func line(_ number: Int, of bytes: [UInt8]) -> ArraySlice<UInt8> {
        var start = bytes.starts(with: UTF8Text.byteOrderMark) ? 3 : 0
        for _ in 1..<max(number, 1) {
            guard let end = bytes[start...].firstIndex(of: lf) else { return [] }
            start = end + 1
        }
        let end = bytes[start...].firstIndex(of: lf) ?? bytes.count
        return bytes[start..<end]
    }

    /// The next record, or `nil` at the end of the input.
    /// - Throws: `Failure` for an unterminated quoted field, text after a closing quote, or bytes
    ///   that are not UTF-8.
    mutating func next() throws(Failure) -> Record? {
        while index < bytes.count, bytes[index] == Self.lf || bytes[index] == Self.cr { skipLineBreak() }
        guard index < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        while true {
            fields.append(try field(number: fields.count, recordLine: startLine))
            if index < bytes.count, bytes[index] == delimiter {
                index += 1
                continue
            }
            if index < bytes.count { skipLineBreak() }
            return Record(fields: fields, line: startLine)
        }
    }

    /// Reads one field and leaves `index` on the delimiter, line break or end that follows it.
    private mutating func field(number: Int, recordLine: Int) throws(Failure) -> String {
        guard index < bytes.count, bytes[index] == Self.quote else {
            let start = index
            while index < bytes.count, bytes[index] != delimiter, bytes[index] != Self.lf, bytes[index] != Self.cr {
                index += 1
            }
            return try text(bytes[start..<index], line: recordLine, field: number)
        }
        let openingLine = line
        index += 1
        buffer.removeAll(keepingCapacity: true)
        var segment = index
        while true {
            guard index < bytes.count else {
                throw Failure(line: openingLine, field: number, message:
                    "unterminated quoted field: the '\"' that opens it has no closing '\"' before the end of the file")
            }
            switch bytes[index] {
            case Self.quote:
                buffer.append(contentsOf: bytes[segment..<index])
                if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                    buffer.append(Self.quote)
                    index += 2
                    segment = index
                    continue
                }
                index += 1
                if index < bytes.count, bytes[index] != delimiter, bytes[index] != Self.lf, bytes[index] != Self.cr {
                    throw Failure(line: line, field: number, message:
                        "unexpected text after the closing '\"' of a quoted field (a '\"' inside a quoted value is written '\"\"')")
                }
                return try text(buffer[...], line: openingLine, field: number)
            case Self.lf:
                line += 1
                index += 1
            case Self.cr:
                if index + 1 >= bytes.count || bytes[index + 1] != Self.lf { line += 1 }
                index += 1
            default:
                index += 1
            }
        }
    }

    /// Steps over one CRLF, LF or CR.
    private mutating func skipLineBreak() {
        if bytes[index] == Self.cr, index + 1 < bytes.count, bytes[index + 1] == Self.lf { index += 1 }
        index += 1
        line += 1
    }

    private func text(_ slice: ArraySlice<UInt8>, line: Int, field: Int) throws(Failure) -> String {
        guard !slice.isEmpty else { return "" }
        // Through the contiguous buffer: several times faster than validating a generic sequence.
        guard let text = slice.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw Failure(line: line, field: field, message:
                "the text is not UTF-8 (save the file as UTF-8; in Excel choose \"CSV UTF-8\")")
        }
        return text
    }
}
