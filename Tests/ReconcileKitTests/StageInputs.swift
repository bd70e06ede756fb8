import Testing
@testable import ReconcileKit

/// In-memory inputs for the pure pipeline stages (mapping, matching, planning): directory users,
/// target users and snapshots built from JSON text, with no file I/O.
enum StageInputs {
    /// The `createdAt` every test plan uses, so plan texts can be compared.
    static let createdAt = "2026-03-02T07:00:00.000Z"

    /// A directory user read from one Graph user object, as the snapshot loader reads it.
    static func user(_ json: String, record: Int = 1) throws -> DirectoryUser {
        try user(json, origin: RecordOrigin(file: "test.json", record: record))
    }

    /// The user in `json`, the text of one record object, read the way the snapshot loader reads a
    /// page's record.
    static func user(_ json: String, origin: RecordOrigin) throws -> DirectoryUser {
        let document = try JSONReader.parseExport(Array(json.utf8))
        var reader = RecordProperties()
        return try SnapshotLoader.user(reader.properties(of: document.topMembers[...], in: document), origin: origin)
    }

    /// A Graph user with the usual default-mapping properties; pass `nil` to leave one out.
    static func graphUser(
        id: String, upn: String?, enabled: Bool? = true, displayName: String? = nil, mail: String? = nil,
        jobTitle: String? = nil, department: String? = nil, record: Int = 1
    ) throws -> DirectoryUser {
        var members: [String: JSONValue] = ["id": .string(id)]
        members["userPrincipalName"] = upn.map(JSONValue.string)
        members["accountEnabled"] = enabled.map(JSONValue.bool)
        members["displayName"] = displayName.map(JSONValue.string)
        members["mail"] = mail.map(JSONValue.string)
        members["jobTitle"] = jobTitle.map(JSONValue.string)
        members["department"] = department.map(JSONValue.string)
        return try user(JSONWriter.write(.object(members)), record: record)
    }

    /// A target user read from a SCIM User resource in JSON text.
    static func target(_ json: String) throws -> TargetUser {
        try #require(TargetUser(resource: JSONReader.parse(json)))
    }

    /// A target user with the core attributes set; `meta.version` is `W/"1"`.
    static func targetUser(
        id: String, userName: String, externalId: String? = nil, active: Bool = true, displayName: String? = nil
    ) throws -> TargetUser {
        var members: [String: JSONValue] = [
            "schemas": .array([.string(SCIMPath.coreSchema)]),
            "id": .string(id), "userName": .string(userName), "active": .bool(active),
            "meta": .object(["version": .string("W/\"1\"")]),
        ]
        members["externalId"] = externalId.map(JSONValue.string)
        members["displayName"] = displayName.map(JSONValue.string)
        return try #require(TargetUser(resource: .object(members)))
    }

    /// A snapshot of `users`, with a fixed hash.
    static func snapshot(_ users: [DirectoryUser]) -> Snapshot {
        Snapshot(users: users, files: ["test.json"], sha256: String(repeating: "ab", count: 32))
    }

    /// A target state of an embedded store.
    static func state(_ users: [TargetUser], links: [String: String] = [:]) -> Planner.TargetState {
        Planner.TargetState(users: users, links: links, kind: "sqlite", location: "store.db", fingerprint: "fp-1")
    }

    /// Plans `users` against `target` with `mapping`.
    static func plan(
        _ users: [DirectoryUser], _ target: Planner.TargetState, mapping: Mapping = .uiPath, deleteMissing: Bool = false
    ) -> Plan {
        Planner(mapping: mapping, options: .init(deleteMissing: deleteMissing))
            .plan(snapshot: snapshot(users), target: target, createdAt: createdAt)
    }

    /// The directory user mapped with `mapping`.
    static func desired(_ user: DirectoryUser, mapping: Mapping = .uiPath) throws -> DesiredUser {
        try Mapper(mapping: mapping).map(user)
    }
}

/// The default mapping's target paths, by name.
enum MappedPath {
    static let externalId = SCIMPath.externalId
    static let userName = SCIMPath.userName
    static let active = SCIMPath.active
    static let displayName = SCIMPath(attribute: "displayName")
    static let title = SCIMPath(attribute: "title")
    static let workEmail = SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")
    static let givenName = SCIMPath(attribute: "name", subAttribute: "givenName")
    static let familyName = SCIMPath(attribute: "name", subAttribute: "familyName")
    static let workLocality = SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "locality")
    static let organization = SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "organization")
    static let department = SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department")
}
