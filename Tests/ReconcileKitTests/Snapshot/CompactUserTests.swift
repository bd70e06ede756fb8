import Testing
@testable import ReconcileKit

/// The compact forms a million users are held in: what they hold must read back exactly as given,
/// whichever form a record takes, and the forms must stay as small as they were made.
struct CompactUserTests {
    @Test func aRecordOfScalarsReadsBackAsItWasGiven() {
        let given: [String: JSONValue] = [
            "id": .string("u1"), "accountenabled": .bool(true), "showinaddresslist": .bool(false),
            "employeeid": .number("1234"), "mail": .null, "displayname": .string(""),
            "jobtitle": .string("Research Scientist in Molecular Biology"),
        ]
        let properties = PropertyValues(given)
        #expect(properties.dictionary == given)
        #expect(properties.count == 7)
        #expect(properties["accountenabled"] == .bool(true))
        #expect(properties["showinaddresslist"] == .bool(false))
        #expect(properties["employeeid"] == .number("1234"))
        #expect(properties["mail"] == .null)
        #expect(properties["displayname"] == .string(""))
        #expect(properties["missing"] == nil)
        #expect(Dictionary(uniqueKeysWithValues: properties.map { ($0, $1) }) == given)
    }

    @Test func everyPropertyIsFoundByItsNameAndOnlyByANameEqualToIt() {
        // Enough names that some share a place in the layout's table.
        var given: [String: JSONValue] = [:]
        for index in 0..<200 { given["property\(index)"] = .string("value \(index)") }
        let properties = PropertyValues(given)
        for (name, value) in given { #expect(properties[name] == value, "\(name)") }
        for name in ["property200", "property", "", "Property1", "property1 ", "@removed"] {
            #expect(properties[name] == nil, "\(name)")
        }
        // Names compare as Swift strings do: another spelling of the same text finds the property,
        // by its bytes or not.
        let unicode = PropertyValues(["zo\u{EB}": .string("composed"), "\u{212A}elvin": .string("kelvin sign")])
        #expect(unicode["zoe\u{308}"] == .string("composed"))
        #expect(unicode["zo\u{EB}"] == .string("composed"))
        #expect(unicode["Kelvin"] == .string("kelvin sign"))
        #expect(unicode["kelvin"] == nil)
    }

    @Test func aRecordWithStructuredValuesOrManyPropertiesKeepsThemAsGiven() {
        let structured: [String: JSONValue] = [
            "id": .string("u1"), "businessphones": .array([.string("+1 617 555 0189")]),
            "onpremisesextensionattributes": .object(["extensionattribute1": .string("a"), "extensionattribute2": .null]),
            "accountenabled": .bool(false),
        ]
        #expect(PropertyValues(structured).dictionary == structured)
        #expect(PropertyValues(structured)["businessphones"] == .array([.string("+1 617 555 0189")]))
        // More properties than the kinds' word describes: every kind still reads back.
        var many: [String: JSONValue] = [:]
        for index in 0..<40 {
            many["p\(index)"] = [.string("text \(index)"), .bool(index % 2 == 0), .number("\(index)"), .null][index % 4]
        }
        #expect(PropertyValues(many).dictionary == many)
        #expect(PropertyValues(many)["p39"] == .null)
        #expect(PropertyValues(many)["p38"] == .number("38"))
    }

    @Test func recordsCompareAndDigestByWhatTheyHold() {
        let alice: [String: JSONValue] = ["id": .string("a"), "accountenabled": .bool(true), "mail": .string("a@contoso.example")]
        #expect(PropertyValues(alice) == PropertyValues(alice))
        var changed = alice
        changed["accountenabled"] = .bool(false)
        #expect(PropertyValues(alice) != PropertyValues(changed))
        var first = Digest64(), second = Digest64()
        PropertyValues(alice).combine(into: &first)
        PropertyValues(changed).combine(into: &second)
        #expect(first.value != second.value)
        // A string "True" is not the boolean true.
        var text = alice
        text["accountenabled"] = .string("True")
        var third = Digest64()
        PropertyValues(text).combine(into: &third)
        #expect(third.value != first.value)
    }

    @Test func aCompactRecordDigestsAsEachOfItsValuesWould() {
        // Held as texts and kinds, a record's digest is still its keys' and then each value's.
        let record: [String: JSONValue] = [
            "id": .string("a"), "accountenabled": .bool(true), "showinaddresslist": .bool(false), "faxnumber": .null,
            "mail": .string("a@contoso.example"), "employeeid": .number("42"), "jobtitle": .string("42"),
        ]
        let values = PropertyValues(record)
        var digest = Digest64()
        values.combine(into: &digest)
        var expected = Digest64()
        expected.combine(PropertyLayout.shared(record.keys).keysDigest)
        for key in values.keys { expected.combine(values[key]!) }
        #expect(digest.value == expected.value)
    }

    @Test func theHeldFormsStaySmall() {
        // A million of each are held through planning (README "Benchmarks").
        #expect(MemoryLayout<TargetUser>.stride <= 80)
        #expect(MemoryLayout<RecordOrigin>.stride == 16)
        #expect(MemoryLayout<DirectoryUser>.stride <= 64)
    }

    @Test func aTargetUsersVersionReadsBackWhereverItIsKept() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        _ = try store.apply(try StoreFixtures.plan([StoreFixtures.alice(), StoreFixtures.bob()], against: store), mode: "apply",
                            checkFingerprint: false, now: StoreFixtures.firstClock)
        // Bob past four billion writes: too large a number to keep beside the user.
        try store.database.execute("UPDATE users SET version = 5000000000 WHERE user_name = 'Bob@Contoso.example'")
        let users = try store.targetState().users.sorted { $0.userName < $1.userName }
        #expect(users.map(\.version) == ["W/\"5000000000\"", "W/\"1\""])
        #expect(users.map { $0.resource.member("userName")?.stringValue } == ["Bob@Contoso.example", "alice@contoso.example"])
        #expect(users[1].withResourceRead().version == "W/\"1\"")
        let served = TargetUser(id: "t1", externalId: nil, userName: "carol", active: true, version: "W/\"a1b2\"", resource: .object([:]))
        #expect(served.version == "W/\"a1b2\"")
        #expect(served != TargetUser(id: "t1", externalId: nil, userName: "carol", active: true, version: "W/\"a1b3\"", resource: .object([:])))
    }

    @Test func originsNameTheirFileAndPositionWhicheverWayTheyWereMade() {
        let first = RecordOrigin(file: "users-page-7.json", record: 1)
        let later = RecordOrigin(record: 412, inFileOf: first)
        #expect(later.file == "users-page-7.json")
        #expect(later.description == "users-page-7.json: record 412")
        #expect(later == RecordOrigin(file: "users-page-7.json", record: 412))
        #expect(RecordOrigin(file: "users.csv", record: 3, line: 4).description == "users.csv:4")
        #expect(RecordOrigin(file: "users.csv", record: 3) != RecordOrigin(file: "users-page-7.json", record: 3))
    }
}
