import Testing
@testable import ReconcileKit

/// Matches the Graph user `id`/`upn` against `targets` with the default mapping's matching attributes.
private func match(
    id: String, upn: String?, against targets: [TargetUser], links: [String: String] = [:], mapping: Mapping = .uiPath
) throws -> Matcher.Outcome {
    let matcher = Matcher(targets: targets, links: links, matchingPaths: mapping.matchingPaths)
    return matcher.match(try StageInputs.desired(StageInputs.graphUser(id: id, upn: upn), mapping: mapping))
}

/// A mapping that matches on userName only and maps externalId without matching on it.
private func userNameOnly() throws -> Mapping {
    try Mapping(entries: [
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: .externalId, source: .attribute("id")),
    ])
}

// MARK: - Matching order

@Test func matchesOnExternalIdBeforeUserName() throws {
    let byUserName = try StageInputs.targetUser(id: "t1", userName: "ada@contoso.example")
    let byExternalId = try StageInputs.targetUser(id: "t2", userName: "ada.old@contoso.example", externalId: "u1")
    let outcome = try match(id: "u1", upn: "ada@contoso.example", against: [byUserName, byExternalId])
    #expect(outcome == .matched(1, on: .externalId))
}

@Test func fallsBackToUserNameWhenExternalIdFindsNothing() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "ada@contoso.example")
    #expect(try match(id: "u1", upn: "ada@contoso.example", against: [target]) == .matched(0, on: .userName))
}

@Test func matchesUserNameIgnoringCase() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "Ada.Lovelace@Contoso.example")
    #expect(try match(id: "u1", upn: "ADA.LOVELACE@contoso.EXAMPLE", against: [target]) == .matched(0, on: .userName))
}

@Test func matchesUserNameAcrossUnicodeNormalization() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "Zo\u{EB}@contoso.example")
    #expect(try match(id: "u1", upn: "zoe\u{308}@contoso.example", against: [target]) == .matched(0, on: .userName))
}

@Test func matchesUserNameAcrossFullCaseFolding() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "STRASSE@contoso.example")
    #expect(try match(id: "u1", upn: "straße@contoso.example", against: [target]) == .matched(0, on: .userName))
}

@Test func comparesExternalIdCaseExactly() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "someone@contoso.example", externalId: "ABC-1")
    #expect(try match(id: "abc-1", upn: "ada@contoso.example", against: [target]) == .unmatched)
}

@Test func leavesUserWithoutAnyMatchUnmatched() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "grace@contoso.example", externalId: "u2")
    #expect(try match(id: "u1", upn: "ada@contoso.example", against: [target]) == .unmatched)
    #expect(try match(id: "u1", upn: "ada@contoso.example", against: []) == .unmatched)
}

@Test func managedUserFollowsItsLinkWhateverItsNameIsNow() throws {
    let linked = try StageInputs.targetUser(id: "t1", userName: "ada.old@contoso.example", externalId: "u1")
    let sameName = try StageInputs.targetUser(id: "t2", userName: "ada.new@contoso.example")
    let outcome = try match(id: "u1", upn: "ada.new@contoso.example", against: [sameName, linked], links: ["u1": "t1"])
    #expect(outcome == .linked(1))
}

@Test func linkToVanishedTargetFallsBackToMatching() throws {
    let target = try StageInputs.targetUser(id: "t2", userName: "ada@contoso.example")
    let outcome = try match(id: "u1", upn: "ada@contoso.example", against: [target], links: ["u1": "t-gone"])
    #expect(outcome == .matched(0, on: .userName))
}

// MARK: - Identity takeover guard

@Test func refusesUserNameMatchWhenTargetExternalIdBelongsToSomeoneElse() throws {
    let departed = try StageInputs.targetUser(id: "t1", userName: "alex@contoso.example", externalId: "u-departed")
    let outcome = try match(id: "u-new", upn: "Alex@contoso.example", against: [departed])
    #expect(outcome == .refused(.identityConflict,
        "userName \"Alex@contoso.example\" matches target user t1, whose externalId u-departed belongs to someone else"))
}

@Test func acceptsUserNameMatchWhenTargetExternalIdIsEqual() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "alex@contoso.example", externalId: "u1")
    #expect(try match(id: "u1", upn: "alex@contoso.example", against: [target], mapping: userNameOnly())
        == .matched(0, on: .userName))
}

@Test func acceptsUserNameMatchWhenTargetExternalIdIsEmpty() throws {
    let target = try StageInputs.target(#"{"id": "t1", "userName": "alex@contoso.example", "externalId": ""}"#)
    #expect(target.externalId == nil)
    #expect(try match(id: "u1", upn: "alex@contoso.example", against: [target]) == .matched(0, on: .userName))
}

@Test func refusesMatchOnTargetManagedForAnotherSourceUser() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "alex@contoso.example")
    let outcome = try match(id: "u-new", upn: "alex@contoso.example", against: [target], links: ["u-old": "t1"])
    #expect(outcome == .refused(.identityConflict,
        "userName \"alex@contoso.example\" matches target user t1, which is managed for source user u-old"))
}

// MARK: - Collisions and missing values

@Test func refusesUserNameThatMatchesTwoTargetsDifferingInCase() throws {
    let lower = try StageInputs.targetUser(id: "t2", userName: "ada@contoso.example")
    let upper = try StageInputs.targetUser(id: "t1", userName: "ADA@contoso.example")
    let outcome = try match(id: "u1", upn: "Ada@contoso.example", against: [lower, upper])
    #expect(outcome == .refused(.duplicateTargetEntries, "userName \"Ada@contoso.example\" matches 2 target users: t1, t2"))
}

@Test func refusesUserNameThatMatchesTwoTargetsDifferingInUnicodeForm() throws {
    let composed = try StageInputs.targetUser(id: "t1", userName: "zo\u{EB}@contoso.example")
    let decomposed = try StageInputs.targetUser(id: "t2", userName: "ZOE\u{308}@contoso.example")
    let sharp = try StageInputs.targetUser(id: "t3", userName: "straße@contoso.example")
    let doubled = try StageInputs.targetUser(id: "t4", userName: "STRASSE@contoso.example")
    let targets = [composed, decomposed, sharp, doubled]
    #expect(try match(id: "u1", upn: "Zo\u{EB}@contoso.example", against: targets)
        == .refused(.duplicateTargetEntries, "userName \"Zo\u{EB}@contoso.example\" matches 2 target users: t1, t2"))
    #expect(try match(id: "u2", upn: "Strasse@contoso.example", against: targets)
        == .refused(.duplicateTargetEntries, "userName \"Strasse@contoso.example\" matches 2 target users: t3, t4"))
}

@Test func refusesExternalIdThatMatchesTwoTargets() throws {
    let first = try StageInputs.targetUser(id: "t1", userName: "a@contoso.example", externalId: "u1")
    let second = try StageInputs.targetUser(id: "t2", userName: "b@contoso.example", externalId: "u1")
    #expect(try match(id: "u1", upn: "a@contoso.example", against: [first, second])
        == .refused(.duplicateTargetEntries, "externalId \"u1\" matches 2 target users: t1, t2"))
}

@Test func refusesUserWithoutAnyMatchingValue() throws {
    let target = try StageInputs.targetUser(id: "t1", userName: "a@contoso.example")
    let mapping = try Mapping(entries: [
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: MappedPath.workEmail, source: .attribute("mail"), matchingPrecedence: 2),
    ])
    #expect(try match(id: "u1", upn: nil, against: [target], mapping: mapping)
        == .refused(.missingMatchingAttribute, "no value for any matching attribute (userName, emails[type eq \"work\"].value)"))
}

@Test func matchesOnLaterAttributeWhenEarlierHasNoValue() throws {
    let target = try StageInputs.target("""
        {"id": "t1", "userName": "ada@contoso.example", "emails": [{"type": "work", "value": "Ada@Contoso.example"}]}
        """)
    let mapping = try Mapping(entries: [
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 1),
        .init(target: MappedPath.workEmail, source: .attribute("mail"), matchingPrecedence: 2),
    ])
    let matcher = Matcher(targets: [target], links: [:], matchingPaths: mapping.matchingPaths)
    let user = try StageInputs.graphUser(id: "u1", upn: nil, mail: "ada@contoso.example")
    #expect(matcher.match(try StageInputs.desired(user, mapping: mapping)) == .matched(0, on: MappedPath.workEmail))
}

@Test func findsTargetsByID() throws {
    let targets = [try StageInputs.targetUser(id: "t1", userName: "a@x"), try StageInputs.targetUser(id: "t2", userName: "b@x")]
    let matcher = Matcher(targets: targets, links: [:], matchingPaths: [.externalId, .userName])
    #expect(matcher.target(id: "t2") == 1)
    #expect(matcher.target(id: "t3") == nil)
}

@Test func findsTargetsByIDAsSwiftComparesStrings() throws {
    // Ids are strings as Swift compares them: the Kelvin sign is K, a decomposed é is é.
    let ids = ["t-K", "t-\u{E9}", "t-plain", "T-PLAIN"]
    let targets = try ids.map { try StageInputs.targetUser(id: $0, userName: "\($0)@x") }
    let matcher = Matcher(targets: targets, links: ["s1": "t-\u{212A}", "s2": "t-e\u{301}"], matchingPaths: [.userName])
    #expect(matcher.target(id: "t-\u{212A}") == 0)
    #expect(matcher.target(id: "t-e\u{301}") == 1)
    #expect(matcher.target(id: "T-PLAIN") == 3)
    #expect(matcher.target(id: "t-plai") == nil)
    let linked = try StageInputs.desired(try StageInputs.graphUser(id: "s2", upn: "someone@x"))
    #expect(matcher.match(linked) == .linked(1))
}

@Test func aServerThatGivesTwoUsersOneIDIsFollowedToTheLastOfThem() throws {
    let targets = try ["t1", "t2", "t1"].enumerated().map { try StageInputs.targetUser(id: $0.element, userName: "u\($0.offset)@x") }
    let matcher = Matcher(targets: targets, links: [:], matchingPaths: [.userName])
    #expect(matcher.target(id: "t1") == 2)
    #expect(matcher.target(id: "t2") == 1)
}

@Test func aKeysDigestIsTheDigestOfTheKeyWhateverTheName() throws {
    // Indexes and source keys digest keys from their bytes; lookups digest the key string.
    let names = [
        "alice@contoso.example", "Alice.Smith@Contoso.EXAMPLE", "ZOE@X", "", "a", "Zoe\u{308}@contoso.example",
        "STRASSE@x", "Stra\u{DF}e@x", "\u{212A}elvin@x", String(repeating: "Long.Name", count: 40),
    ]
    for name in names {
        for path in [SCIMPath.userName, .externalId, SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")] {
            let key = try #require(Matcher.key(.string(name), for: path))
            #expect(Matcher.keyDigest(.string(name), for: path) == KeyIndex.digest(key), "\(path) \(name)")
        }
    }
    #expect(Matcher.keyDigest(.bool(true), for: .userName) == nil)
}
