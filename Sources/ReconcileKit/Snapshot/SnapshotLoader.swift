import Foundation

/// Reads a directory export from a file or a folder of page files into a `Snapshot`.
///
/// Accepted documents (formats.md §1-§2): a Microsoft Graph `/users` page
/// (`{"@odata.context", "value": [...], "@odata.nextLink"}`) and a bare JSON array of users (what
/// `az ad user list` prints). A folder is read as pages in natural name order (`page-2` before
/// `page-10`). If the last page still carries `@odata.nextLink`, the download stopped early and the
/// export is refused: planning against part of a directory would disable everyone not in it.
public struct SnapshotLoader: Sendable {
    public init() {}

    /// Loads the snapshot at `path` (a file or a folder of `.json` pages).
    /// - Throws: `SnapshotError` naming the file and line:column or record at fault.
    public func load(path: String) throws(SnapshotError) -> Snapshot {
        let files = try Self.pageFiles(at: path)
        var hasher = SHA256()
        var users: [DirectoryUser] = []
        var firstSeen: [String: RecordOrigin] = [:]
        var lastNextLink: (file: String, link: String)?
        var sawAccountEnabled = false

        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .unreadable(path: file, reason: "the file cannot be opened")
            }
            let document: JSONValue
            do {
                document = try data.withUnsafeBytes { buffer throws(JSONError) in
                    hasher.update(buffer)
                    return try JSONReader.parse(buffer)
                }
            } catch let error as JSONError {
                var located = error
                located.file = file
                throw .malformedJSON(located)
            } catch {
                throw .unreadable(path: file, reason: "\(error)")
            }
            let records: [JSONValue]
            switch document {
            case .array(let elements):
                records = elements
                lastNextLink = nil
            case .object(let members):
                guard let value = members["value"], case .array(let elements) = value else {
                    throw .unexpectedDocument(file: file, found: "an object without a \"value\" array")
                }
                records = elements
                lastNextLink = members["@odata.nextLink"]?.stringValue.map { (file, $0) }
            default:
                throw .unexpectedDocument(file: file, found: document.kindDescription)
            }
            users.reserveCapacity(users.count + records.count)
            for (index, record) in records.enumerated() {
                let origin = RecordOrigin(file: file, record: index + 1)
                let user = try Self.user(from: record, origin: origin)
                if let first = firstSeen.updateValue(origin, forKey: user.id) {
                    throw .duplicateID(id: user.id, first: first, second: origin)
                }
                if user.properties["accountenabled"] != nil { sawAccountEnabled = true }
                users.append(user)
            }
        }
        if let (file, link) = lastNextLink {
            throw .incomplete(file: file, nextLink: link)
        }
        var warnings: [String] = []
        if !users.isEmpty && !sawAccountEnabled {
            warnings.append("the export has no accountEnabled property (add it to $select); every user is taken as enabled")
        }
        return Snapshot(users: users, files: files, sha256: SHA256.hex(hasher.finalize()), warnings: warnings)
    }

    /// The page files to read for `path`: the file itself, or the folder's `.json` files in natural order.
    static func pageFiles(at path: String) throws(SnapshotError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: "the folder cannot be listed")
        }
        let pages = names
            .filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !pages.isEmpty else { throw .noPages(folder: path) }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        return pages.map { "\(folder)/\($0)" }
    }

    /// Checks one record and keys its properties by lowercased name.
    static func user(from record: JSONValue, origin: RecordOrigin) throws(SnapshotError) -> DirectoryUser {
        guard case .object(let members) = record else {
            throw .notAnObject(origin: origin, found: record.kindDescription)
        }
        var properties: [String: JSONValue] = [:]
        properties.reserveCapacity(members.count)
        for (name, value) in members {
            properties[name.lowercased()] = value
        }
        guard let idValue = properties["id"], !idValue.isAbsent else { throw .missingID(origin: origin) }
        guard case .string(let id) = idValue else {
            throw .wrongType(origin: origin, property: "id", expected: "a string", found: idValue.kindDescription)
        }
        try expect(properties, "accountEnabled", origin, "true, false or null") { $0.boolValue != nil }
        try expect(properties, "userPrincipalName", origin, "a string or null") { $0.stringValue != nil }
        return DirectoryUser(id: id, properties: properties, origin: origin)
    }

    private static func expect(
        _ properties: [String: JSONValue], _ name: String, _ origin: RecordOrigin, _ expected: String,
        _ isValid: (JSONValue) -> Bool
    ) throws(SnapshotError) {
        guard let value = properties[name.lowercased()], value != .null else { return }
        guard isValid(value) else {
            throw .wrongType(origin: origin, property: name, expected: expected, found: value.kindDescription)
        }
    }
}
