import Foundation
import Testing
@testable import ReconcileKit

/// A created user's stored JSON written straight from its mapped values (`CreateJSON`) is byte for
/// byte what building the resource and writing it with `JSONWriter` gives, and so are the columns.
struct CreateJSONTests {
    /// Strings a mapping may produce: escapes, control characters, non-ASCII, empty.
    private static let strings = [
        "Aiko Novák", "東京", "quote \" and backslash \\", "line\nbreak\ttab\r\u{08}\u{0C}", "\u{01}\u{1F}", "", "e\u{301}",
        "🎉 emoji", "/slash/", "plain",
    ]

    /// The resource the general path stores: `userResource` with `id` and `meta`, written by `JSONWriter`.
    private static func general(_ values: PathValues<SCIMValue>, id: String) -> String {
        let meta: JSONValue = .object([
            "resourceType": .string("User"), "created": .string("then"), "lastModified": .string("now"),
            "version": .string("W/\"1\""), "location": .string("Users/\(id)"),
        ])
        let resource = JSONValue.userResource(values)
            .setting(SCIMPath(attribute: "id"), to: .string(id)).setting(SCIMPath(attribute: "meta"), to: meta)
        return JSONWriter.write(resource)
    }

    private static func direct(_ values: PathValues<SCIMValue>, shape: CreateJSON, id: String) -> String {
        var buffer: [UInt8] = []
        shape.write(values, id: id, created: "then", lastModified: "now", version: "W/\"1\"", into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Values over every path a mapping can set, each present or not, by a fixed pseudo-random sequence.
    private static func valueSets(_ count: Int) -> [PathValues<SCIMValue>] {
        let layout = PathLayout(SCIMUserSchema.targetPaths)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            var values = PathValues<SCIMValue>(layout: layout)
            for slot in layout.paths.indices where next(3) > 0 {
                values.set(next(8) == 0 ? .bool(next(2) == 0) : .string(strings[next(strings.count)]), inSlot: slot)
            }
            return values
        }
    }

    @Test func everyTargetPathOfTheSchemaHasADirectShape() {
        #expect(CreateJSON(layout: PathLayout(SCIMUserSchema.targetPaths)) != nil)
    }

    @Test func directJSONEqualsTheGeneralPathForValuesOverEveryTargetPath() throws {
        let sets = Self.valueSets(2_000)
        let shape = try #require(CreateJSON(layout: sets[0].layout))
        for values in sets {
            #expect(Self.direct(values, shape: shape, id: "id-\"1\"") == Self.general(values, id: "id-\"1\""))
        }
    }

    @Test func directJSONEqualsTheGeneralPathForOneValueAtATime() throws {
        let layout = PathLayout(SCIMUserSchema.targetPaths)
        let shape = try #require(CreateJSON(layout: layout))
        let empty = PathValues<SCIMValue>(layout: layout)
        #expect(Self.direct(empty, shape: shape, id: "x") == Self.general(empty, id: "x"))
        for slot in layout.paths.indices {
            for value in [SCIMValue.string("Zoë \"q\"\n"), .string(""), .bool(false)] {
                var values = empty
                values.set(value, inSlot: slot)
                #expect(Self.direct(values, shape: shape, id: "x") == Self.general(values, id: "x"), "\(layout.paths[slot])")
            }
        }
    }

    @Test func typedElementsAreWrittenInTheOrderTheyAreSetWithTheFirstPrimary() throws {
        let work = SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")
        let home = SCIMPath(attribute: "emails", typeFilter: "home", subAttribute: "value")
        let department = SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department")
        let values: PathValues<SCIMValue> = [home: .string("h@example.com"), work: .string("w@example.com"), department: .string("R&D")]
        let shape = try #require(CreateJSON(layout: values.layout))
        #expect(Self.direct(values, shape: shape, id: "1") == #"{"emails":[{"primary":true,"type":"home","value":"h@example.com"},"#
            + #"{"type":"work","value":"w@example.com"}],"id":"1","meta":{"created":"then","lastModified":"now","location":"Users/1","#
            + #""resourceType":"User","version":"W/\"1\""},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","#
            + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"#
            + #""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}}"#)
        #expect(Self.direct(values, shape: shape, id: "1") == Self.general(values, id: "1"))
    }

    @Test func columnsAndIdentityEqualWhatTheGeneralPathReadsFromTheResource() throws {
        let columns = SCIMUserSchema.targetPaths + [
            SCIMPath(attribute: "EMAILS", typeFilter: "Work", subAttribute: "VALUE"), SCIMPath(attribute: "name"),
            SCIMPath(attribute: "title", subAttribute: "x"), SCIMPath(attribute: "emails", subAttribute: "value"),
        ]
        for values in Self.valueSets(300) {
            let shape = try #require(CreateJSON(layout: values.layout))
            let resource = JSONValue.userResource(values)
            for path in columns {
                #expect(shape.value(values, at: path) == resource.value(at: path).flatMap(SCIMValue.init(json:)), "\(path)")
            }
            let identity = shape.identity(values)
            #expect(identity.userName == resource.member("userName")?.stringValue)
            #expect(identity.externalId == resource.member("externalId")?.stringValue)
            #expect(identity.active == resource.member("active")?.boolValue ?? true)
        }
    }

    @Test func layoutsThatSetWouldMergeOrOverwriteTakeTheGeneralPath() {
        let layouts: [[SCIMPath]] = [
            [SCIMPath(attribute: "name", subAttribute: "givenName"), SCIMPath(attribute: "Name", subAttribute: "familyName")],
            [SCIMPath(attribute: "name", subAttribute: "givenName"), SCIMPath(attribute: "name", subAttribute: "GivenName")],
            [SCIMPath(attribute: "name"), SCIMPath(attribute: "name", subAttribute: "givenName")],
            [SCIMPath(attribute: "emails", subAttribute: "value"), SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")],
            [SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value"),
             SCIMPath(attribute: "emails", typeFilter: "Work", subAttribute: "display")],
            [SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "type")],
            [SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "Primary")],
            [SCIMPath(attribute: "emails", typeFilter: "work")],
            [SCIMPath(attribute: "id")], [SCIMPath(attribute: "Meta")], [SCIMPath(attribute: "schemas")],
            [SCIMPath(schema: SCIMPath.coreSchema, attribute: "title")],
            [SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department"),
             SCIMPath(schema: SCIMPath.enterpriseSchema.uppercased(), attribute: "division")],
        ]
        for paths in layouts {
            #expect(CreateJSON(layout: PathLayout(paths)) == nil, "\(paths)")
        }
    }

    @Test func createsFromMappedValuesStoreTheRowsOfCreatesFromTheirJSON() throws {
        let folder = TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let direct = try SQLiteStore(path: folder + "/direct.db", create: true)
        let general = try SQLiteStore(path: folder + "/general.db", create: true)
        let users = (1...50).map { index in
            StoreFixtures.user(
                "source-\(index)", upn: "user\(index)@contoso.example", displayName: index % 2 == 0 ? "Zoë \"\(index)\"" : "東京 \(index)",
                givenName: index % 3 == 0 ? nil : "Given\\\(index)", surname: "Family\n\(index)", jobTitle: index % 4 == 0 ? nil : "Title",
                mail: "user\(index)@contoso.example", department: index % 5 == 0 ? nil : "Dept", companyName: "Contoso",
                city: index % 2 == 0 ? "Basel" : nil, record: index)
        }
        let plan = try StoreFixtures.plan(users, against: direct)
        #expect(plan.actions.allSatisfy { $0.kind != .create || $0.createResource?.values != nil })
        var fromJSON = try StoreFixtures.plan(users, against: general)
        // A resource read back as JSON, as from a plan file: the general path.
        for index in fromJSON.actions.indices { fromJSON.actions[index].resource = fromJSON.actions[index].resource }
        #expect(fromJSON.actions.allSatisfy { $0.createResource?.values == nil })
        _ = try direct.apply(plan, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        _ = try general.apply(fromJSON, mode: "apply", checkFingerprint: false, now: StoreFixtures.firstClock)
        let query = """
            SELECT user_name_key, external_id, user_name, active, display_name, title, email, given_name, family_name,
                locality, organization, department, replace(resource, id, 'ID'), created, last_modified, version,
                applied_digest, digest_version
            FROM users ORDER BY user_name_key
            """
        let rows = try StoreFixtures.rows(direct.database, query)
        #expect(rows.count == 50)
        #expect(rows == (try StoreFixtures.rows(general.database, query)))
    }
}
