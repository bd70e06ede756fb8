import Foundation
@testable import ReconcileKit

/// Helpers for the store, apply and end-to-end tests: small directory users, plans made with the
/// default mapping, fixed clocks, and reading rows back through `Database`.
enum StoreFixtures {
    /// The time of the first applied run in these tests.
    static let firstTime = "2026-02-03T04:05:06.789Z"
    /// The time of a later applied run.
    static let secondTime = "2026-02-04T10:00:00.000Z"
    /// When the plans of these tests were made.
    static let planTime = "2026-02-01T00:00:00.000Z"

    static func firstClock() -> String { firstTime }
    static func secondClock() -> String { secondTime }

    /// A directory user as a Graph `/users` page would carry it; `nil` leaves the property out.
    static func user(
        _ id: String, upn: String, enabled: Bool = true, displayName: String? = nil, givenName: String? = nil,
        surname: String? = nil, jobTitle: String? = nil, mail: String? = nil, department: String? = nil,
        companyName: String? = nil, city: String? = nil, record: Int = 1
    ) -> DirectoryUser {
        var properties: [String: JSONValue] = [
            "id": .string(id), "userprincipalname": .string(upn), "accountenabled": .bool(enabled),
        ]
        let optional: [(String, String?)] = [
            ("displayname", displayName), ("givenname", givenName), ("surname", surname), ("jobtitle", jobTitle),
            ("mail", mail), ("department", department), ("companyname", companyName), ("city", city),
        ]
        for case let (name, value?) in optional { properties[name] = .string(value) }
        return DirectoryUser(id: id, properties: properties, origin: RecordOrigin(file: "users.json", record: record))
    }

    /// Alice, with every attribute of the default mapping set.
    static func alice(jobTitle: String = "Medicinal Chemist", department: String = "Research", enabled: Bool = true) -> DirectoryUser {
        user(
            "alice-id", upn: "alice@contoso.example", enabled: enabled, displayName: "Alice Martin", givenName: "Alice",
            surname: "Martin", jobTitle: jobTitle, mail: "alice@contoso.example", department: department,
            companyName: "Contoso Pharma", city: "Basel", record: 1
        )
    }

    /// Bob, with a mixed-case UPN and nothing but the required properties.
    static func bob(jobTitle: String? = nil) -> DirectoryUser {
        user("bob-id", upn: "Bob@Contoso.example", jobTitle: jobTitle, record: 2)
    }

    /// Carol, with a display name only.
    static func carol() -> DirectoryUser {
        user("carol-id", upn: "carol@contoso.example", displayName: "Carol Diaz", record: 3)
    }

    /// A snapshot of `users`, identified by `sha256`.
    static func snapshot(_ users: [DirectoryUser], sha256: String = "0123456789abcdef") -> Snapshot {
        Snapshot(users: users, files: ["users.json"], sha256: sha256)
    }

    /// The plan that takes `store` to `users` with the default (UiPath) mapping.
    static func plan(_ users: [DirectoryUser], against store: SQLiteStore, deleteMissing: Bool = false) throws -> Plan {
        let planner = Planner(mapping: .uiPath, options: .init(deleteMissing: deleteMissing))
        return planner.plan(snapshot: snapshot(users), target: try store.targetState(), createdAt: planTime)
    }

    /// A plan of hand-made actions against `store` as it is now.
    static func plan(actions: [PlanAction], against store: SQLiteStore) throws -> Plan {
        Plan(
            createdAt: planTime, snapshot: .init(sha256: "0123456789abcdef", users: actions.count, inScope: actions.count),
            target: .init(kind: "sqlite", location: store.path, fingerprint: try store.fingerprint()),
            actions: actions, noChange: 0
        )
    }

    /// A create action for a minimal active user.
    static func create(sourceId: String, userName: String) -> PlanAction {
        PlanAction(
            kind: .create, sourceId: sourceId, userName: userName, externalId: sourceId,
            resource: .userResource([.externalId: .string(sourceId), .userName: .string(userName), .active: .bool(true)])
        )
    }

    /// Every row `sql` returns, each as its columns' values.
    static func rows(_ database: Database, _ sql: String) throws -> [[SQLValue]] {
        let statement = try database.prepare(sql)
        var rows: [[SQLValue]] = []
        try statement.forEachRow { row in
            rows.append((0..<row.columnCount).map { row.value($0) })
        }
        return rows
    }

    /// Every row of the users, links, runs and provisioning log tables, for before/after comparisons.
    static func contents(_ database: Database) throws -> [[SQLValue]] {
        var all: [[SQLValue]] = []
        for table in ["users", "links", "runs", "provisioning_log", "store_info"] {
            all += try rows(database, "SELECT * FROM \(table) ORDER BY 1")
        }
        return all
    }

    /// The names of the schema objects of one type (`table`, `index`, `trigger`), sorted, without SQLite's own.
    static func schemaNames(_ database: Database, type: String) throws -> [String] {
        let statement = try database.prepare(
            "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name")
        var names: [String] = []
        try statement.forEachRow(.text(type)) { names.append($0.text(0)) }
        return names
    }

    /// The file names in `folder`, sorted.
    static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
