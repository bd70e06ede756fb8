import Foundation

/// Reads an app's assignments export (`--assignments FILE|FOLDER`) into `Assignments` (formats.md §4).
///
/// The export is JSON files, each judged from its content:
/// - **appRoleAssignedTo pages**: `GET /servicePrincipals/{id}/appRoleAssignedTo` (records with
///   `principalId` and `principalType` `User`, `Group` or `ServicePrincipal`; the last is ignored);
/// - **group member pages**: `GET /groups/{id}/members`, one set of pages per assigned group. Graph's
///   member pages do not name their group, so the group id must be in the file name
///   (`members-<group id>.json`, `members-<group id>-page-2.json`) or the folder's name; a
///   `@odata.nextLink`, when there is one, must agree. Members typed `#microsoft.graph.group` are
///   nested groups and are not expanded; contacts, devices and service principals are ignored.
///
/// PowerShell output (`Get-MgServicePrincipalAppRoleAssignedTo`, `Get-MgGroupMember`, PascalCase,
/// `AdditionalProperties`) is read too. A folder is read recursively, in natural name order.
/// Refused, because each would put users out of scope who are not: a set of pages whose last page
/// still has `@odata.nextLink`, an assigned group without member pages, `transitiveMembers` pages,
/// assignments of two different apps, and an export that assigns nobody.
public struct AssignmentsLoader: Sendable {
    /// A loader; it keeps no state between loads.
    public init() {}

    /// Loads the assignments at `path`.
    /// - Throws: `ScopingError` naming the file and line:column or record at fault.
    public func load(path: String) throws(ScopingError) -> Assignments {
        var reading = Reading()
        for file in try Self.files(at: path) {
            try reading.read(file)
        }
        return try reading.finish(path: path)
    }

    /// The `.json` files at `path`: the file itself, or the folder's, recursively, in natural order.
    static func files(at path: String) throws(ScopingError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        guard let names = FileManager.default.subpaths(atPath: path) else {
            throw .unreadable(path: path, reason: "the folder cannot be listed")
        }
        let files = names
            .filter { $0.lowercased().hasSuffix(".json") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !files.isEmpty else { throw .noFiles(folder: path) }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        return files.map { "\(folder)/\($0)" }
    }
}

/// The state of reading an assignments export, file by file.
private struct Reading {
    var users: [String: Assignments.Principal] = [:]
    var groups: [String: Assignments.Principal] = [:]
    var members: [String: Set<String>] = [:]
    var groupNames: [String: String] = [:]
    /// The app the assignments are to, and where it was first seen.
    var app: (id: String, origin: RecordOrigin)?
    /// The last page's nextLink of each set of pages: the assignments, and each group's members.
    var lastNextLinks: [String: (file: String, link: String)] = [:]
    var memberFiles: [String: String] = [:]
    /// Members typed as groups (nested groups, never expanded).
    var memberGroups: Set<String> = []

    mutating func read(_ file: String) throws(ScopingError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(path: file, reason: "the file cannot be opened")
        }
        guard let bytes = UTF8Text.utf8([UInt8](data)) else {
            throw .unreadable(path: file, reason: "it starts with a UTF-16 byte order mark but is not valid UTF-16")
        }
        let graph: GraphDocument
        do {
            graph = try GraphDocument(parsing: bytes, file: file)
        } catch {
            switch error {
            case .malformed(let located): throw .malformedJSON(located)
            case let .graphError(code, message): throw .graphErrorResponse(file: file, code: code, message: message)
            case let .unexpected(found): throw .unexpectedDocument(file: file, found: found)
            }
        }
        let links = [graph.context, graph.nextLink].compactMap { $0?.lowercased() }
        if links.contains(where: { $0.contains("transitivemembers") }) { throw .transitiveMembers(file: file) }
        let records = graph.records.map(graph.members(of:))
        let isAssignments = links.contains { $0.contains("/approleassignedto") }
            || records.contains { $0?["principalid"] != nil }
        do {
            if isAssignments {
                try readAssignments(records, file: file)
                lastNextLinks["appRoleAssignedTo"] = graph.nextLink.map { (file, $0) }
            } else {
                let group = try Self.group(of: file, nextLink: graph.nextLink)
                try readMembers(records, of: group, file: file)
                lastNextLinks["group " + group] = graph.nextLink.map { (file, $0) }
            }
        } catch {
            guard case let .invalidRecord(origin, message) = error,
                  let position = JSONRecordLocator.position(ofRecord: origin.record, layout: graph.layout, in: bytes) else { throw error }
            throw .invalidRecord(origin: RecordOrigin(file: file, record: origin.record, line: position.line, column: position.column), message: message)
        }
    }

    mutating func readAssignments(_ records: [[String: JSONValue]?], file: String) throws(ScopingError) {
        for (index, record) in records.enumerated() {
            let origin = RecordOrigin(file: file, record: index + 1)
            guard let record else { throw .invalidRecord(origin: origin, message: "expected an assignment object") }
            guard let principal = record["principalid"]?.stringValue?.lowercased(), !principal.isEmpty else {
                throw .invalidRecord(origin: origin, message: "the assignment has no principalId")
            }
            if let resource = record["resourceid"]?.stringValue?.lowercased(), !resource.isEmpty {
                if let app {
                    guard app.id == resource else {
                        throw .severalApps(first: app.id, firstOrigin: app.origin, other: resource, otherOrigin: origin)
                    }
                } else {
                    app = (resource, origin)
                }
            }
            let name = record["principaldisplayname"]?.stringValue
            switch record["principaltype"]?.stringValue?.lowercased() {
            case "user": users[principal] = .init(id: principal, displayName: name)
            case "group":
                groups[principal] = .init(id: principal, displayName: name)
                if let name { groupNames[principal] = name }
            case "serviceprincipal": break
            default:
                let found = record["principaltype"]?.kindDescription ?? "nothing"
                throw .invalidRecord(origin: origin, message: "principalType must be User, Group or ServicePrincipal, found \(found)")
            }
        }
    }

    mutating func readMembers(_ records: [[String: JSONValue]?], of group: String, file: String) throws(ScopingError) {
        memberFiles[group] = memberFiles[group] ?? file
        var ids = members[group] ?? []
        for (index, record) in records.enumerated() {
            let origin = RecordOrigin(file: file, record: index + 1)
            guard let record, let id = record["id"]?.stringValue?.lowercased(), !id.isEmpty else {
                throw .invalidRecord(origin: origin, message: "expected a member object with an id")
            }
            switch record["@odata.type"]?.stringValue?.lowercased() {
            case nil, "#microsoft.graph.user":
                ids.insert(id)
            case "#microsoft.graph.group":
                ids.insert(id)
                memberGroups.insert(id)
                if let name = record["displayname"]?.stringValue { groupNames[id] = groupNames[id] ?? name }
            default:
                continue  // contacts, devices and service principals are not users
            }
        }
        members[group] = ids
    }

    /// The group a member page belongs to: the GUID in its file or folder name, checked against its nextLink.
    static func group(of file: String, nextLink: String?) throws(ScopingError) -> String {
        // The file's own name first, then its folder's (groups/<id>/page-1.json); never further up.
        let named = file.split(separator: "/").suffix(2).reversed().lazy.compactMap { Self.guid(in: String($0)) }.first
        var linked: String?
        if let nextLink, let range = nextLink.range(of: "/groups/", options: .caseInsensitive) {
            let rest = nextLink[range.upperBound...]
            linked = rest.prefix { $0 != "/" && $0 != "?" }.lowercased()
        }
        if let named, let linked, named != linked { throw .conflictingGroup(file: file, named: named, linked: linked) }
        guard let group = named ?? linked else { throw .memberPageWithoutGroup(file: file) }
        return group
    }

    /// The first GUID (8-4-4-4-12 hex digits) in `text`, lowercased.
    static func guid(in text: String) -> String? {
        let bytes = Array(text.utf8)
        let groups = [8, 4, 4, 4, 12]
        let length = 36
        guard bytes.count >= length else { return nil }
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        outer: for start in 0...(bytes.count - length) {
            var index = start
            for (n, count) in groups.enumerated() {
                if n > 0 {
                    guard bytes[index] == UInt8(ascii: "-") else { continue outer }
                    index += 1
                }
                for _ in 0..<count {
                    guard isHex(bytes[index]) else { continue outer }
                    index += 1
                }
            }
            return String(decoding: bytes[start..<start + length], as: UTF8.self).lowercased()
        }
        return nil
    }

    func finish(path: String) throws(ScopingError) -> Assignments {
        if let last = lastNextLinks.values.min(by: { $0.file < $1.file }) {
            throw .incomplete(file: last.file, nextLink: last.link)
        }
        guard !users.isEmpty || !groups.isEmpty else { throw .nothingAssigned(path: path) }
        var assignments = Assignments(users: users, groups: groups, members: members, groupNames: groupNames)
        let missing = groups.values.filter { members[$0.id] == nil }.sorted { $0.id < $1.id }
        guard missing.isEmpty else { throw .missingMembers(groups: missing) }
        for group in groups.values.sorted(by: { $0.id < $1.id }) {
            for child in (members[group.id] ?? []).sorted() where memberGroups.contains(child) || members[child] != nil {
                let nested = Assignments.Principal(id: child, displayName: groupNames[child])
                assignments.warnings.append("assigned group \(group.label) has group \(nested.label) as a member; Entra does "
                    + "not expand nested groups, so that group's members are in scope only if assigned themselves")
            }
        }
        let nestedInAssigned = Set(groups.keys.flatMap { members[$0] ?? [] })
        for (group, file) in memberFiles.sorted(by: { $0.value < $1.value }) where groups[group] == nil && !nestedInAssigned.contains(group) {
            assignments.warnings.append("\(file): group \(group) is not assigned to the app; its members are not in scope through it")
        }
        return assignments
    }
}
