/// Why the scope cannot be worked out: an assignments export that cannot be read or is incomplete,
/// or a scoping clause that cannot be evaluated. Nothing runs.
public enum ScopingError: Error, CustomStringConvertible, Equatable {
    /// A scoping clause that is wrong in itself (the configuration reader adds where it is).
    case invalidClause(String)
    case unreadable(path: String, reason: String)
    case noFiles(folder: String)
    case malformedJSON(JSONError)
    case unexpectedDocument(file: String, found: String)
    case graphErrorResponse(file: String, code: String, message: String)
    case incomplete(file: String, nextLink: String)
    case invalidRecord(origin: RecordOrigin, message: String)
    case transitiveMembers(file: String)
    case memberPageWithoutGroup(file: String)
    case conflictingGroup(file: String, named: String, linked: String)
    case severalApps(first: String, firstOrigin: RecordOrigin, other: String, otherOrigin: RecordOrigin)
    case missingMembers(groups: [Assignments.Principal])
    case nothingAssigned(path: String)

    public var description: String {
        switch self {
        case .invalidClause(let message):
            return message
        case let .unreadable(path, reason):
            return "cannot read assignments \(path): \(reason)"
        case let .noFiles(folder):
            return "assignments folder \(folder) holds no .json files"
        case let .malformedJSON(error):
            return "\(error) (the assignments export is not valid JSON; nothing was applied)"
        case let .unexpectedDocument(file, found):
            return "\(file): expected a Graph page ({\"value\": [...]}) of appRoleAssignedTo or group members, or a JSON array, found \(found)"
        case let .graphErrorResponse(file, code, message):
            return "\(file): this is a Graph error response, not a page of assignments or members (\(code): \(message)); fix the request and export again"
        case let .incomplete(file, nextLink):
            return "\(file): the export is incomplete: its last page still has @odata.nextLink (\(nextLink)); "
                + "download the remaining pages (follow @odata.nextLink until it is absent) and pass them all"
        case let .invalidRecord(origin, message):
            return "\(origin): \(message)"
        case let .transitiveMembers(file):
            return "\(file): this is a transitiveMembers export, but Entra provisions only direct members of an assigned group; "
                + "export GET /groups/{id}/members instead"
        case let .memberPageWithoutGroup(file):
            return "\(file): a page of group members does not say which group it belongs to; put the group's id in the "
                + "file name (members-<group id>.json) or in its folder's name"
        case let .conflictingGroup(file, named, linked):
            return "\(file): the file name names group \(named) but its @odata.nextLink is for group \(linked); rename the file"
        case let .severalApps(first, firstOrigin, other, otherOrigin):
            return "\(otherOrigin): assignment to app \(other), but \(firstOrigin) is an assignment to app \(first); "
                + "pass the appRoleAssignedTo pages of one app"
        case let .missingMembers(groups):
            let list = groups.map(\.label).joined(separator: ", ")
            return "assigned group\(groups.count == 1 ? "" : "s") \(list) \(groups.count == 1 ? "has" : "have") no member pages: "
                + "export GET /groups/{id}/members of each to members-<group id>.json; without them every member would be out of scope"
        case let .nothingAssigned(path):
            return "\(path): no user or group is assigned to the app (export GET /servicePrincipals/{id}/appRoleAssignedTo, "
                + "every page); with nothing assigned every managed user would be disabled"
        }
    }
}
