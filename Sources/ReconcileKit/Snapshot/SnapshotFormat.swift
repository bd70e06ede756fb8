/// The kinds of directory export `SnapshotLoader` reads (formats.md §1-§3).
public enum SnapshotFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// JSON: Microsoft Graph `/users` pages, a bare array (`az ad user list`), or
    /// `Get-MgUser | ConvertTo-Json` output (PascalCase keys, a single object, `\/Date(...)\/` dates).
    case json
    /// The Entra admin center's "Download users" CSV, with either the documented or the observed header.
    case csv
    /// The Entra admin center's bulk-create template (`version:v1.0`, then `Name [displayName] Required` headers).
    case bulkCSV = "bulk-csv"

    public var description: String {
        switch self {
        case .json: return "JSON export"
        case .csv: return "admin-center CSV export"
        case .bulkCSV: return "bulk-create template"
        }
    }

    /// The format of a file's text, judged from its first bytes: `{` or `[` (after a byte order mark and
    /// whitespace) is JSON, a first line starting `version:` is the bulk-create template, anything else CSV
    /// unless the whole text is one JSON value (`null`: a broken export, reported as JSON).
    /// Returns `nil` for a file with no content.
    static func detect(_ bytes: [UInt8]) -> SnapshotFormat? {
        var index = bytes.starts(with: UTF8Text.byteOrderMark) ? 3 : 0
        while index < bytes.count, UTF8Text.isWhitespace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") { return .json }
        let prefix = Array("version:".utf8)
        if bytes.count - index >= prefix.count,
           zip(bytes[index..<index + prefix.count], prefix).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
            return .bulkCSV
        }
        return (try? JSONReader.parse(bytes)) == nil ? .csv : .json
    }
}

/// Byte-level helpers for export text.
enum UTF8Text {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The file's bytes as UTF-8: UTF-16 with a byte order mark (what Windows PowerShell 5.1's `>`
    /// and Excel's "Unicode Text" write) is converted; anything else is returned as it is.
    /// Returns `nil` when a UTF-16 file holds an unpaired surrogate or an odd number of bytes.
    static func utf8(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2 else { return bytes }
        let littleEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0xFF, 0xFE): littleEndian = true
        case (0xFE, 0xFF): littleEndian = false
        default: return bytes
        }
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let (low, high) = littleEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(high) << 8 | UInt16(low))
            index += 2
        }
        var output: [UInt8] = []
        output.reserveCapacity(units.count + units.count / 4)
        let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) {
            output.append($0)
        }
        return failed ? nil : output
    }
}
