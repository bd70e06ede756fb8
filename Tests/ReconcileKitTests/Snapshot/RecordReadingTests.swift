import Foundation
import Testing
@testable import ReconcileKit

/// The users of one JSON page given as text, read as the snapshot loader reads a file.
private func pageUsers(_ json: String) throws -> [DirectoryUser] {
    var reader = RecordProperties()
    return try SnapshotLoader.jsonPage(Array(json.utf8), file: "users.json", reader: &reader).0.users
}

/// What `parse` and `parseExport` make of `bytes`: the error, or nil when both read it.
private func errors(_ bytes: [UInt8]) -> (general: JSONError?, export: JSONError?) {
    var general: JSONError?
    var export: JSONError?
    do { _ = try JSONReader.parse(bytes) } catch { general = error }
    do { _ = try JSONReader.parseExport(bytes) } catch { export = error }
    return (general, export)
}

/// A page with every kind of member: nested objects and arrays, escapes, non-ASCII text, an
/// AdditionalProperties object and a PowerShell date.
private let samplePage = #"""
    {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
     "value": [
      {"id": "u1", "UserPrincipalName": "ada@contoso.example", "accountEnabled": true,
       "businessPhones": ["+1 555 0100"], "mail": null, "age": -12.5e3,
       "AdditionalProperties": {"extension_abc_costCenter": "CC-1\u00e9", "nested": {"deep": ["\/Date(0)\/"]}}},
      {"id": "u2", "displayName": "Zoë \"Z\" Ünal", "onPremisesExtensionAttributes": {"extensionAttribute1": "x"}},
      42, [], {}
     ],
     "@odata.nextLink": null}
    """#

// MARK: - The export reader

@Test func exportReaderFailsLikeTheGeneralReaderOnEveryTruncation() {
    let bytes = Array(samplePage.utf8)
    for length in 0...bytes.count {
        let (general, export) = errors(Array(bytes[..<length]))
        #expect(general == export, "the first \(length) bytes")
    }
}

@Test func exportReaderFailsLikeTheGeneralReaderOnEveryStrayByte() {
    let bytes = Array(samplePage.utf8)
    for position in bytes.indices {
        for stray in Array("}],:\"x\\ {".utf8) + [0x01, 0xFF] {
            var changed = bytes
            changed[position] = stray
            let (general, export) = errors(changed)
            #expect(general == export, "byte \(position) set to \(stray)")
        }
    }
}

@Test func exportReaderRefusesTheSameNestingDepth() {
    let deep = #"{"value": [{"id": "u1", "x": "# + String(repeating: "[", count: JSONReader.maximumDepth) + "]}]}"
    let (general, export) = errors(Array(deep.utf8))
    #expect(general != nil)
    #expect(general == export)
}

@Test func exportReaderKeepsRecordMembersInDocumentOrder() throws {
    let document = try JSONReader.parseExport(Array(samplePage.utf8))
    let graph = try GraphDocument(document)
    #expect(graph.layout == .page)
    #expect(graph.records.count == 5)
    guard case .object(let first)? = graph.records.first else { Issue.record("record 1 is not an object"); return }
    #expect(document.members[first].map(\.key) == [
        "id", "UserPrincipalName", "accountEnabled", "businessPhones", "mail", "age", "AdditionalProperties",
    ])
    #expect(graph.members(of: graph.records[graph.records.startIndex + 2]) == nil)
    #expect(graph.members(of: graph.records[graph.records.startIndex + 4]) == [:])
}

@Test func lastValueArrayOfARepeatedNameIsThePage() throws {
    let graph = try GraphDocument(parsing: Array(#"{"value": [{"id": "a"}], "value": [{"id": "b"}, {"id": "c"}]}"#.utf8), file: "p.json")
    #expect(graph.layout == .page)
    #expect(graph.records.map { graph.members(of: $0)?["id"] } == [.string("b"), .string("c")])
}

@Test func valueArrayReplacedByALaterValueLeavesASingleUser() throws {
    let graph = try GraphDocument(parsing: Array(#"{"id": "u1", "value": [{"id": "a"}], "value": "text"}"#.utf8), file: "p.json")
    #expect(graph.layout == .single)
    #expect(graph.records.map(graph.members(of:)) == [["id": .string("u1"), "value": .string("text")]])
}

// MARK: - Names equal after lowercasing

@Test func laterMemberWinsWhenNamesDifferOnlyInCase() throws {
    let users = try pageUsers(#"""
        {"value": [{"id": "u1", "Mail": "first@x.example", "mail": "second@x.example"},
                   {"id": "u2", "mail": "first@x.example", "MAIL": "second@x.example"}]}
        """#)
    #expect(users.map { $0.text("mail") } == ["second@x.example", "second@x.example"])
    #expect(users.map(\.properties.keys) == [["id", "mail"], ["id", "mail"]])
}

@Test func laterLiftedMemberWinsAndTheRecordKeepsItsOwn() throws {
    let users = try pageUsers(#"""
        {"value": [{"id": "u1", "City": "Oslo",
                    "AdditionalProperties": {"city": "Bergen", "Country": "NO", "country": "Norway"}}]}
        """#)
    #expect(users.first?.properties.dictionary == ["id": .string("u1"), "city": .string("Oslo"), "country": .string("Norway")])
}

@Test func laterAdditionalPropertiesMemberThatIsNotAnObjectIsKept() throws {
    let users = try pageUsers(#"""
        {"value": [{"id": "u1", "AdditionalProperties": {"city": "Bergen"}, "additionalProperties": "none"}]}
        """#)
    #expect(users.first?.properties.dictionary == ["id": .string("u1"), "additionalproperties": .string("none")])
}

@Test func lowercasesKeysAsStringLowercasedDoes() {
    for key in ["mail", "UserPrincipalName", "MAIL_2", "Über", "İd", "ΣΑΣ", "\u{212A}elvin", "", "a-b.c@d"] {
        #expect(ExportDocument.lowercased(key) == key.lowercased(), "\(key)")
        #expect(Array(ExportDocument.lowercased(key).utf8) == Array(key.lowercased().utf8), "\(key)")
    }
    #expect(ExportDocument.isAdditionalProperties("ADDITIONALproperties"))
    #expect(!ExportDocument.isAdditionalProperties("additionalpropertie5"))
    #expect(!ExportDocument.isAdditionalProperties("additionalProperties2"))
}

// MARK: - The shape fast path

@Test func recordsOfChangingShapesReadAsTheGeneralPathReadsThem() throws {
    // NFC and NFD spellings of one long value are equal as Swift strings but must keep their bytes.
    let composed = "Caf\u{E9} R\u{E9}sum\u{E9} Department"
    let decomposed = "Cafe\u{301} Re\u{301}sume\u{301} Department"
    let longTitle = "Principal Research Scientist"
    let json = """
        {"value": [
          {"id": "u1", "jobTitle": "\(longTitle)", "Mail": "ada.lovelace@contoso.example", "userPrincipalName": "ada.lovelace@contoso.example"},
          {"id": "u2", "jobTitle": "\(longTitle)", "Mail": "alan.turing@contoso.example", "userPrincipalName": "alan@contoso.example"},
          {"id": "u3", "jobTitle": "\(composed)", "mail": "x@contoso.example", "userPrincipalName": "x@contoso.example"},
          {"id": "u4", "jobTitle": "\(decomposed)", "mail": "y@contoso.example", "userPrincipalName": "y@contoso.example"},
          {"userPrincipalName": "z@contoso.example", "id": "u5", "jobTitle": "\(composed)"},
          {"id": "u6", "JOBTITLE": "\(decomposed)", "jobtitle": "\(composed)"},
          {"id": "u7", "jobTitle": "\(decomposed)", "AdditionalProperties": {"jobTitle": "lifted", "Dept": "/Date(1629379531000)/"}},
          {"id": "u8", "jobTitle": "\(decomposed)", "history": [{"at": "/Date(0)/"}], "Über": "\(composed)"},
          {"id": "u9", "jobTitle": "\(decomposed)", "history": [{"at": "/Date(0)/"}], "Über": "\(composed)"},
          {"id": "w1", "a": -1.5e3, "b": true, "c": null, "d": "\(longTitle)", "zz": ["/Date(0)/"], "zzz": false},
          {"id": "w2", "a": 7, "b": false, "c": "/Date(1629379531000)/", "d": "\(composed)", "zz": {"k": 1}, "zzz": "\(longTitle)"},
          {"id": "u10", "jobTitle": "\(longTitle)", "Mail": "grace.hopper@contoso.example", "userPrincipalName": "grace@contoso.example"},
          \((0..<10).map { #"{"id": "v\#($0)", "p\#($0)": "\#(longTitle)"}"# }.joined(separator: ",")),
          {"id": "u11", "jobTitle": "\(longTitle)", "Mail": "ada.lovelace@contoso.example", "userPrincipalName": "ada.lovelace@contoso.example"}
        ]}
        """
    let document = try JSONReader.parseExport(Array(json.utf8))
    var reader = RecordProperties()
    for record in try GraphDocument(document).records {
        guard case .object(let members) = record else { Issue.record("not an object"); continue }
        let fast = reader.properties(of: document.members[members], in: document)
        let general = document.properties(of: document.members[members])
        #expect(fast.dictionary == general)
        #expect(fast.keys == general.keys.sorted())
        for (key, value) in fast {
            #expect(JSONWriter.write(value) == JSONWriter.write(general[key] ?? .null), "\(key)")
            if case .string(let text) = value, case .string(let expected)? = general[key] {
                #expect(Array(text.utf8) == Array(expected.utf8), "the bytes of \(key)")
            }
        }
    }
}

@Test func recordsWithMoreKeysThanSharedTablesReadAsTheGeneralPathReadsThem() throws {
    // More keys than RecordProperties keeps tables for, and more long values than it compares in a record.
    func record(_ id: String) -> String {
        let members = (0..<300).map { #""key\#($0)": "a long value number \#($0 % 7)""# }
        return #"{"id": "\#(id)", \#(members.joined(separator: ", "))}"#
    }
    let document = try JSONReader.parseExport(Array(#"{"value": [\#(record("u1")), \#(record("u2"))]}"#.utf8))
    var reader = RecordProperties()
    for record in try GraphDocument(document).records {
        guard case .object(let members) = record else { Issue.record("not an object"); continue }
        let fast = reader.properties(of: document.members[members], in: document)
        #expect(fast.count == 301)
        #expect(fast.dictionary == document.properties(of: document.members[members]))
        #expect(fast["key299"] == .string("a long value number 5"))
    }
}

@Test func sharedValuesKeepEachUsersSpelling() throws {
    let composed = "Caf\u{E9} R\u{E9}sum\u{E9} Department"
    let decomposed = "Cafe\u{301} Re\u{301}sume\u{301} Department"
    let records = (1...6).map { #"{"id": "u\#($0)", "department": "\#($0 % 2 == 0 ? composed : decomposed)"}"# }
    let users = try pageUsers(#"{"value": [\#(records.joined(separator: ","))]}"#)
    #expect(users.map { Array(($0.text("department") ?? "").utf8) }
        == (1...6).map { Array(($0 % 2 == 0 ? composed : decomposed).utf8) })
}

// MARK: - Repeated ids

@Test func userIDIndexFindsTheFirstUserOfARepeatedID() throws {
    var index = UserIDIndex()
    var users: [DirectoryUser] = []
    for number in 0..<5_000 {
        let user = try StageInputs.user(#"{"id": "id-\#(number)"}"#)
        #expect(index.insert(user.id, at: users.count, of: users) == nil)
        users.append(user)
    }
    #expect(index.insert("id-1234", at: users.count, of: users) == 1234)
    #expect(index.insert("id-5000", at: users.count, of: users) == nil)
}

@Test func userIDIndexComparesNonASCIIIDsAsSwiftStrings() throws {
    // As a [String: Int] would: canonically equivalent spellings are one id.
    let spellings = ["K-1", "caf\u{E9}", "cafe\u{301}", "\u{212A}-1", "other"]
    var index = UserIDIndex()
    var users: [DirectoryUser] = []
    var found: [Int?] = []
    for id in spellings {
        let user = DirectoryUser(id: id, properties: ["id": .string(id)], origin: RecordOrigin(file: "u.json", record: users.count + 1))
        let earlier = index.insert(id, at: users.count, of: users)
        found.append(earlier)
        if earlier == nil { users.append(user) }
    }
    #expect(found == [nil, nil, 1, 0, nil])
    #expect(index.insert("K-1", at: users.count, of: users) == 0)
}

// MARK: - Members a run does not read

/// A page whose records carry members the default mapping does not read, strings among them with
/// escapes and non-ASCII text.
private let pageWithUnreadMembers = #"""
    {"value": [
      {"id": "u1", "userPrincipalName": "ada@contoso.example", "officeLocation": "B\u00e2t \"4\"\/2",
       "employeeId": 1234, "preferredLanguage": "fr-CH", "businessPhones": ["+41 61 555 01 00"], "mail": "ada@contoso.example"},
      {"id": "u2", "userPrincipalName": "zoe@contoso.example", "officeLocation": "Zoë's", "employeeType": null,
       "onPremisesImmutableId": true, "onPremisesExtensionAttributes": {"extensionAttribute1": "x\u00e9", "a": [[], {}, [1, -2.5e3]]},
       "otherMails": []}
     ]}
    """#

/// The selection of the default mapping, which keeps none of the members above but the ids, UPNs and mail.
private let defaultSelection = PropertySelection(mapping: .uiPath, scope: .everyone)

@Test func membersNotKeptAreCheckedAsEveryOtherOnEveryTruncationAndStrayByte() {
    let bytes = Array(pageWithUnreadMembers.utf8)
    func same(_ bytes: [UInt8]) -> Bool {
        var general: JSONError?
        var selective: JSONError?
        do { _ = try JSONReader.parse(bytes) } catch { general = error }
        do { _ = try JSONReader.parseExport(bytes, keeping: defaultSelection) } catch { selective = error }
        return general == selective
    }
    for length in 0...bytes.count {
        #expect(same(Array(bytes[..<length])), "the first \(length) bytes")
    }
    for position in bytes.indices {
        for stray in Array("}],:\"x\\ {".utf8) + [0x01, 0xFF] {
            var changed = bytes
            changed[position] = stray
            #expect(same(changed), "byte \(position) set to \(stray)")
        }
    }
    for depth in [JSONReader.maximumDepth - 3, JSONReader.maximumDepth] {
        let deep = #"{"value": [{"id": "u1", "x": "# + String(repeating: "[{\"k\": ", count: depth / 2) + "1" + String(repeating: "}]", count: depth / 2) + "}]}"
        #expect(same(Array(deep.utf8)), "nested \(depth) deep")
    }
}

@Test func membersNotKeptAreNotMadeAndTheKeptReadAsBefore() throws {
    let everything = try JSONReader.parseExport(Array(pageWithUnreadMembers.utf8))
    let kept = try JSONReader.parseExport(Array(pageWithUnreadMembers.utf8), keeping: defaultSelection)
    #expect(kept.members.map(\.key) == everything.members.map(\.key))
    for (all, some) in zip(everything.members, kept.members) {
        let keeps = defaultSelection.keeps(ExportDocument.lowercased(all.key))
        #expect(some.value == (keeps ? all.value : .null), "member \(all.key)")
    }
    #expect(kept.members.first { $0.key == "officeLocation" }?.value == .null)
    #expect(kept.members.first { $0.key == "mail" }?.value == .string("ada@contoso.example"))
    // The snapshot's users are the same either way.
    var reader = RecordProperties(selection: defaultSelection)
    let users = try SnapshotLoader.jsonPage(Array(pageWithUnreadMembers.utf8), file: "users.json", reader: &reader).0.users
    #expect(users.map { $0.properties.dictionary } == [
        ["id": .string("u1"), "userprincipalname": .string("ada@contoso.example"), "mail": .string("ada@contoso.example")],
        ["id": .string("u2"), "userprincipalname": .string("zoe@contoso.example")],
    ])
}
