/// Why a snapshot could not be read. Every case names the file, and the line:column or record.
public enum SnapshotError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case noPages(folder: String)
    case malformedJSON(JSONError)
    case unexpectedDocument(file: String, found: String)
    case incomplete(file: String, nextLink: String)
    case notAnObject(origin: RecordOrigin, found: String)
    case missingID(origin: RecordOrigin)
    case wrongType(origin: RecordOrigin, property: String, expected: String, found: String)
    case duplicateID(id: String, first: RecordOrigin, second: RecordOrigin)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read snapshot \(path): \(reason)"
        case let .noPages(folder):
            return "snapshot folder \(folder) holds no .json page files"
        case let .malformedJSON(error):
            return "\(error) (the snapshot is not valid JSON; nothing was applied)"
        case let .unexpectedDocument(file, found):
            return "\(file): expected a Graph page ({\"value\": [...]}) or a JSON array of users, found \(found)"
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
        }
    }
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
