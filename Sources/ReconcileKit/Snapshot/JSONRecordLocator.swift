/// Finds where a record of a JSON export starts, so an error about a record can name its line and
/// column. Used only when reporting: the reader does not track positions for every record, so the
/// bytes are scanned again, skipping whole values, until the record's first byte.
enum JSONRecordLocator {
    /// The line and column (1-based, columns in Unicode scalars) of record `record` (1-based) of a
    /// well-formed document laid out as `layout`, or `nil` if the scan does not find it.
    static func position(ofRecord record: Int, layout: GraphDocument.Layout, in bytes: [UInt8]) -> (line: Int, column: Int)? {
        var scanner = Scanner(bytes: bytes)
        guard let offset = scanner.offset(ofRecord: record, layout: layout) else { return nil }
        let error = bytes.withUnsafeBytes { JSONError.at(offset, in: $0, "") }
        return (error.line, error.column)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            index = bytes.starts(with: UTF8Text.byteOrderMark) ? 3 : 0
        }

        mutating func offset(ofRecord record: Int, layout: GraphDocument.Layout) -> Int? {
            skipWhitespace()
            switch layout {
            case .single:
                return index < bytes.count ? index : nil
            case .array:
                return element(record)
            case .page:
                guard consume(UInt8(ascii: "{")) else { return nil }
                while true {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                    let keyStart = index + 1
                    guard skipString() else { return nil }
                    let key = bytes[keyStart..<index - 1]
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    if key.elementsEqual("value".utf8), index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                        return element(record)
                    }
                    guard skipValue() else { return nil }
                    skipWhitespace()
                    guard consume(UInt8(ascii: ",")) else { return nil }
                }
            }
        }

        /// The offset of element `record` (1-based) of the array at `index`.
        private mutating func element(_ record: Int) -> Int? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            for _ in 1..<max(record, 1) {
                skipWhitespace()
                guard skipValue() else { return nil }
                skipWhitespace()
                guard consume(UInt8(ascii: ",")) else { return nil }
            }
            skipWhitespace()
            return index < bytes.count ? index : nil
        }

        private mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, UTF8Text.isWhitespace(bytes[index]) { index += 1 }
        }

        /// Skips the string starting at `index` (on its opening quote).
        private mutating func skipString() -> Bool {
            guard consume(UInt8(ascii: "\"")) else { return false }
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return true
                default: index += 1
                }
            }
            return false
        }

        /// Skips one whole value: nested arrays and objects by counting brackets outside strings.
        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                while index < bytes.count, !UTF8Text.isWhitespace(bytes[index]),
                      bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "]"), bytes[index] != UInt8(ascii: "}") {
                    index += 1
                }
                return true
            }
        }
    }
}
