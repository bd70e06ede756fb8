/// Why a snapshot could not be read. Every case names the file, and the line:column (JSON),
/// line and column name (CSV) or record at fault.
public enum SnapshotError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case noPages(folder: String)
    case empty(file: String)
    case mixedFormats(first: String, firstFormat: SnapshotFormat, other: String, otherFormat: SnapshotFormat)
    case malformedJSON(JSONError)
    case unexpectedDocument(file: String, found: String)
    case graphErrorResponse(file: String, code: String, message: String)
    case deltaPage(file: String, evidence: String)
    case incomplete(file: String, nextLink: String)
    case notAnObject(origin: RecordOrigin, found: String)
    case missingID(origin: RecordOrigin)
    case wrongType(origin: RecordOrigin, property: String, expected: String, found: String)
    case duplicateID(id: String, first: RecordOrigin, second: RecordOrigin)
    case malformedCSV(file: String, line: Int, column: String?, message: String)
    case missingHeader(file: String)
    case missingColumn(file: String, line: Int, column: String, found: [String])
    case invalidField(origin: RecordOrigin, column: String, expected: String, found: String)
    case emptyIdentity(origin: RecordOrigin, column: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read snapshot \(path): \(reason)"
        case let .noPages(folder):
            return "snapshot folder \(folder) holds no .json or .csv files"
        case let .empty(file):
            return "\(file): the file is empty (expected Graph /users pages, a JSON array of users, or an admin-center CSV export)"
        case let .mixedFormats(first, firstFormat, other, otherFormat):
            return "\(other) is \(otherFormat.article) \(otherFormat) but \(first) is \(firstFormat.article) \(firstFormat): "
                + "a snapshot folder holds the files of one export; pass one kind of export"
        case let .malformedJSON(error):
            return "\(error) (the snapshot is not valid JSON; nothing was applied)"
        case let .unexpectedDocument(file, found):
            return "\(file): expected a Graph page ({\"value\": [...]}), a JSON array of users or one user object, found \(found)"
        case let .graphErrorResponse(file, code, message):
            return "\(file): this is a Graph error response, not a page of users (\(code): \(message)); fix the request and export again"
        case let .deltaPage(file, evidence):
            return "\(file): this is a Graph delta page (\(evidence)); a delta holds only the changes since the last "
                + "round, not the whole directory, and planning from it would disable everyone not in it: export "
                + "full GET /users pages instead"
        case let .incomplete(file, nextLink):
            return "\(file): the export is incomplete: its last page still has @odata.nextLink (\(nextLink)); "
                + "download the remaining pages (follow @odata.nextLink until it is absent) and pass them all"
        case let .notAnObject(origin, found):
            return "\(origin): expected a user object, found \(found)"
        case let .missingID(origin):
            return "\(origin): user has no id (select the id property in the export)"
        case let .wrongType(origin, property, expected, found):
            return "\(origin): property \(property) must be \(expected), found \(found)"
        case let .duplicateID(id, first, second):
            return "\(second): duplicate user id \(id), first seen at \(first)"
        case let .malformedCSV(file, line, column, message):
            return "\(file):\(line): \(column.map { "column \($0): " } ?? "")\(message) (the snapshot is not valid CSV; nothing was applied)"
        case let .missingHeader(file):
            return "\(file): the file has no header row"
        case let .missingColumn(file, line, column, found):
            let shown = found.prefix(12).joined(separator: ", ") + (found.count > 12 ? ", …" : "")
            return "\(file):\(line): the header has no \(column) column, which identifies each user (found: \(shown))"
        case let .invalidField(origin, column, expected, found):
            return "\(origin): column \(column): expected \(expected), found \"\(found.count > 40 ? String(found.prefix(40)) + "…" : found)\""
        case let .emptyIdentity(origin, column):
            return "\(origin): column \(column) is empty, and it identifies the user"
        }
    }

    /// The error with its record origins given line and column by `locate` (JSON errors are made
    /// without positions; the loader finds them only when reporting).
    func locating(_ locate: (RecordOrigin) -> RecordOrigin) -> SnapshotError {
        switch self {
        case let .notAnObject(origin, found): return .notAnObject(origin: locate(origin), found: found)
        case let .missingID(origin): return .missingID(origin: locate(origin))
        case let .wrongType(origin, property, expected, found):
            return .wrongType(origin: locate(origin), property: property, expected: expected, found: found)
        case let .duplicateID(id, first, second): return .duplicateID(id: id, first: locate(first), second: locate(second))
        default: return self
        }
    }
}

extension SnapshotFormat {
    fileprivate var article: String { self == .csv ? "an" : "a" }
}

extension JSONValue {
    /// A short name of the value's kind for error messages (`a string "yes"`, `an array`).
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return "the number \(n)"
        case .string(let s): return "a string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
