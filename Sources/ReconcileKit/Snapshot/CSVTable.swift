/// What one snapshot file gave: its users, and what the loader checks across files.
struct SnapshotPage {
    var users: [DirectoryUser] = []
    /// The page's `@odata.nextLink`: set on every page of a Graph export but the last.
    var nextLink: String?
    /// Whether the export carries the account state at all (a Graph `$select`, a CSV column).
    var hasAccountEnabled = false
    var warnings: [String] = []
}

/// The rows of a CSV export checked against its header: the part both CSV formats share.
///
/// Columns are found by name, never by position. Every row must have exactly one field per
/// header column: a row with more or fewer fields means a value with an unquoted comma or line
/// break, and reading it would put values under the wrong columns.
struct CSVTable {
    let file: String
    /// The header's cells as the file spells them (trimmed), for error messages.
    let header: [String]
    /// The line the header is on (2 in a bulk-create template, after its version line).
    let headerLine: Int
    private var parser: CSVParser
    /// 1-based number of the data row last read.
    private(set) var rowNumber = 0

    /// Reads the header: the first record after `skippingRecords` records (a template's version line).
    /// - Throws: `SnapshotError` when the file has no header or the header cannot be read.
    init(bytes: [UInt8], file: String, skippingRecords: Int = 0) throws(SnapshotError) {
        self.file = file
        let delimiter = CSVParser.delimiter(ofLine: CSVParser.line(skippingRecords + 1, of: bytes))
        parser = CSVParser(bytes: bytes, delimiter: delimiter)
        for _ in 0..<skippingRecords {
            guard (try Self.read(&parser, file: file, header: [])) != nil else { break }
        }
        guard let record = try Self.read(&parser, file: file, header: []) else {
            throw .missingHeader(file: file)
        }
        header = record.fields.map { $0.trimmingASCIISpaces }
        headerLine = record.line
    }

    /// The next data row, with exactly one field per header column, or `nil` at the end.
    /// - Throws: `SnapshotError.malformedCSV` naming the line and column.
    mutating func next() throws(SnapshotError) -> CSVParser.Record? {
        guard let record = try Self.read(&parser, file: file, header: header) else { return nil }
        rowNumber += 1
        guard record.fields.count == header.count else {
            let hint = "a value with a comma or a line break must be in double quotes"
            if record.fields.count < header.count {
                throw .malformedCSV(file: file, line: record.line, column: nil, message:
                    "the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"), the header has "
                    + "\(header.count) columns: it ends after column \(columnName(record.fields.count - 1)); \(hint)")
            }
            throw .malformedCSV(file: file, line: record.line, column: nil, message:
                "the row has \(record.fields.count) fields, the header has \(header.count) columns; \(hint)")
        }
        return record
    }

    /// The header's name of column `index` (0-based), or `column N` past the header or for a blank cell.
    func columnName(_ index: Int) -> String {
        guard header.indices.contains(index), !header[index].isEmpty else { return "column \(index + 1)" }
        return header[index]
    }

    /// The origin of a row read by `next()`.
    func origin(_ record: CSVParser.Record) -> RecordOrigin {
        RecordOrigin(file: file, record: rowNumber, line: record.line)
    }

    /// Refuses two columns that give the same property (`keys[i]` is column i's property, `nil` when
    /// the column is ignored): each user would otherwise get whichever value came last.
    func checkUnique(_ keys: [String?]) throws(SnapshotError) {
        var seen: [String: Int] = [:]
        for (index, key) in keys.enumerated() {
            guard let key else { continue }
            if let first = seen.updateValue(index, forKey: key) {
                throw .malformedCSV(file: file, line: headerLine, column: nil, message:
                    "columns \(columnName(first)) and \(columnName(index)) (columns \(first + 1) and \(index + 1)) "
                    + "give the same property \(key); remove one of them")
            }
        }
    }

    private static func read(_ parser: inout CSVParser, file: String, header: [String]) throws(SnapshotError) -> CSVParser.Record? {
        do {
            return try parser.next()
        } catch {
            let column = header.indices.contains(error.field) && !header[error.field].isEmpty ? header[error.field] : nil
            throw .malformedCSV(file: file, line: error.line, column: column, message: error.message)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingASCIISpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
