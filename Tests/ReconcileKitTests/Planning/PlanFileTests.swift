import Testing
@testable import ReconcileKit

/// A directory and store that give one action of every kind, plus a user unchanged and one not provisioned.
private struct Scenario {
    var users: [DirectoryUser]
    var targets: [TargetUser]
    var links: [(source: String, target: String)]

    init() throws {
        users = try [
            StageInputs.graphUser(id: "u-grace", upn: "grace@contoso.example", displayName: "Grace Hopper", record: 1),
            StageInputs.graphUser(id: "u-ada", upn: "ada.lovelace@contoso.example", displayName: "Ada Lovelace", record: 2),
            StageInputs.graphUser(id: "u-bob", upn: "bob@contoso.example", record: 3),
            StageInputs.graphUser(id: "u-dave", upn: "dave@contoso.example", enabled: false, record: 4),
            StageInputs.graphUser(id: "u-alex", upn: "alex@contoso.example", record: 5),
            StageInputs.graphUser(id: "u-erin", upn: "erin@contoso.example", record: 6),
            StageInputs.graphUser(id: "u-fay", upn: "fay@contoso.example", enabled: false, record: 7),
        ]
        targets = try [
            StageInputs.targetUser(
                id: "t-ada", userName: "ada.byron@contoso.example", externalId: "u-ada", displayName: "Ada Lovelace"),
            StageInputs.targetUser(id: "t-bob", userName: "bob@contoso.example", externalId: "u-bob"),
            StageInputs.targetUser(id: "t-carol", userName: "carol@contoso.example", externalId: "u-carol"),
            StageInputs.targetUser(id: "t-dave", userName: "dave@contoso.example", externalId: "u-dave"),
            StageInputs.targetUser(id: "t-alex", userName: "alex@contoso.example", externalId: "u-departed"),
            StageInputs.targetUser(id: "t-erin", userName: "erin@contoso.example", externalId: "u-erin"),
        ]
        links = [("u-ada", "t-ada"), ("u-carol", "t-carol"), ("u-dave", "t-dave"), ("u-erin", "t-erin")]
    }

    func plan(createdAt: String = StageInputs.createdAt, reversed: Bool = false) -> Plan {
        let orderedLinks = reversed ? links.reversed() : links
        var linkTable: [String: String] = [:]
        for link in orderedLinks { linkTable[link.source] = link.target }
        let state = StageInputs.state(reversed ? targets.reversed() : targets, links: linkTable)
        return Planner(mapping: .uiPath, options: .init(deleteMissing: true))
            .plan(snapshot: StageInputs.snapshot(users), target: state, createdAt: createdAt)
    }
}

/// A plan file around `actions` (JSON text of the array's elements).
private func planFile(actions: String, formatVersion: String = "1") -> String {
    """
    {"formatVersion": \(formatVersion), "createdAt": "2026-03-02T07:00:00.000Z",
     "snapshot": {"sha256": "ab", "users": 1, "inScope": 1},
     "target": {"kind": "sqlite", "location": "store.db", "fingerprint": "fp-1"},
     "summary": {"create": 0, "update": 0, "link": 0, "disable": 0, "delete": 0, "skip": 0, "noChange": 0},
     "actions": [\(actions)]}
    """
}

/// Reads a plan file that must fail, and returns the error's message.
private func planError(_ text: String) throws -> String? {
    let json = try JSONReader.parse(text)
    do {
        let plan = try Plan(json: json, file: "plan.json")
        Issue.record("expected an error, read \(plan.actions.count) actions")
        return nil
    } catch {
        return error.description
    }
}

/// Object keys of pretty JSON text that are out of order within their object, as `previous > key` lines.
private func unsortedKeys(_ text: String) -> [String] {
    var lastKeyAtIndent: [Int: String] = [:]
    var problems: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let indent = line.prefix { $0 == " " }.count
        lastKeyAtIndent = lastKeyAtIndent.filter { $0.key <= indent }
        let rest = line.dropFirst(indent)
        guard rest.first == "\"", let end = rest.dropFirst().firstIndex(of: "\""),
              rest[rest.index(after: end)...].hasPrefix(": ") else { continue }
        let key = String(rest[rest.index(after: rest.startIndex)..<end])
        if let previous = lastKeyAtIndent[indent], !JSONWriter.keyPrecedes(previous, key) {
            problems.append("\(previous) > \(key)")
        }
        lastKeyAtIndent = lastKeyAtIndent.filter { $0.key < indent }
        lastKeyAtIndent[indent] = key
    }
    return problems
}

// MARK: - Writing

@Test func scenarioPlansEveryKindOfAction() throws {
    let plan = try Scenario().plan()
    #expect(plan.actions.map(\.kind) == [.create, .update, .link, .disable, .delete, .skip])
    #expect(plan.actions.map(\.userName) == [
        "grace@contoso.example", "ada.lovelace@contoso.example", "bob@contoso.example",
        "dave@contoso.example", "carol@contoso.example", "alex@contoso.example",
    ])
    #expect(plan.noChange == 1)
    #expect(plan.notProvisioned == 1)
}

@Test func roundTripsThroughPlanFileText() throws {
    let plan = try Scenario().plan()
    let read = try Plan(json: JSONReader.parse(plan.fileText), file: "plan.json")
    #expect(read == plan)
}

@Test func writesByteIdenticalTextForTheSameInputs() throws {
    let scenario = try Scenario()
    let first = scenario.plan().fileText
    #expect(scenario.plan().fileText == first)
    #expect(scenario.plan(reversed: true).fileText == first)
}

@Test func differsOnlyInCreatedAtWhenPlannedAgainLater() throws {
    let scenario = try Scenario()
    let earlier = scenario.plan(createdAt: "2026-03-02T07:00:00.000Z").fileText
    let later = scenario.plan(createdAt: "2026-03-03T07:00:00.000Z").fileText
    #expect(earlier != later)
    #expect(later.replacingOccurrences(of: "2026-03-03T07:00:00.000Z", with: "2026-03-02T07:00:00.000Z") == earlier)
}

@Test func writesKeysSortedAtEveryLevel() throws {
    let text = try Scenario().plan().fileText
    #expect(unsortedKeys(text).isEmpty)
    #expect(text.hasPrefix("{\n  \"actions\": [\n"))
    #expect(text.hasSuffix("\n}\n"))
    // The checker itself notices keys out of order.
    #expect(unsortedKeys("{\n  \"b\": 1,\n  \"a\": 2\n}") == ["b > a"])
}

@Test func writesSummaryCountsAndHeader() throws {
    let json = try JSONReader.parse(try Scenario().plan().fileText)
    #expect(json["formatVersion"] == .number(1))
    #expect(json["createdAt"] == .string(StageInputs.createdAt))
    #expect(json["summary"] == .object([
        "create": .number(1), "update": .number(1), "link": .number(1), "disable": .number(1), "delete": .number(1),
        "skip": .number(1), "noChange": .number(1), "notProvisioned": .number(1), "outOfScope": .number(0),
    ]))
    #expect(json["snapshot"] == .object([
        "sha256": .string(String(repeating: "ab", count: 32)), "users": .number(7), "inScope": .number(7),
    ]))
    #expect(json["target"] == .object(["kind": .string("sqlite"), "location": .string("store.db"), "fingerprint": .string("fp-1")]))
}

@Test func writesEachActionWithTheFieldsScriptsRelyOn() throws {
    let json = try JSONReader.parse(try Scenario().plan().fileText)
    let actions = try #require(json["actions"]?.arrayValue)
    let keys = actions.map { Set($0.objectValue?.keys.map { $0 } ?? []) }
    #expect(keys == [
        ["action", "sourceId", "userName", "externalId", "resource"],
        ["action", "sourceId", "targetId", "userName", "externalId", "version", "operations", "changes"],
        ["action", "sourceId", "targetId", "userName", "externalId", "version", "matchedOn"],
        ["action", "sourceId", "targetId", "userName", "reason", "version", "operations", "changes"],
        ["action", "sourceId", "targetId", "userName", "reason", "version"],
        ["action", "sourceId", "userName", "reason", "detail"],
    ])
    #expect(actions[1]["operations"] == .array([.object([
        "op": .string("replace"), "path": .string("userName"), "value": .string("ada.lovelace@contoso.example"),
    ])]))
    #expect(actions[1]["changes"] == .array([.object([
        "attribute": .string("userName"), "old": .string("ada.byron@contoso.example"), "new": .string("ada.lovelace@contoso.example"),
    ])]))
    #expect(actions[3]["reason"] == .string("disabledInSource"))
    #expect(actions[4]["reason"] == .string("missingFromSnapshot"))
    #expect(actions[5]["reason"] == .string("identityConflict"))
}

// MARK: - Reading

@Test func readsCapitalizedOpNames() throws {
    let text = planFile(actions: """
        {"action": "update", "sourceId": "u1", "targetId": "t1", "userName": "a@x", "version": "W/\\"1\\"",
         "operations": [{"op": "Replace", "path": "active", "value": true}]}
        """)
    let plan = try Plan(json: JSONReader.parse(text), file: "plan.json")
    #expect(plan.actions.first?.operations == [PatchOperation(op: .replace, path: .active, value: .bool(true))])
}

@Test func refusesUnsupportedFormatVersion() throws {
    #expect(try planError(planFile(actions: "", formatVersion: "2"))
        == "plan.json: formatVersion 2 is not supported (this reconcile reads formatVersion 1)")
    #expect(try planError(planFile(actions: "", formatVersion: "\"1\""))
        == "plan.json: formatVersion \"1\" is not supported (this reconcile reads formatVersion 1)")
    #expect(try planError(#"{"actions": []}"#)
        == "plan.json: formatVersion none is not supported (this reconcile reads formatVersion 1)")
}

@Test func refusesDocumentThatIsNotAPlan() throws {
    #expect(try planError("[]") == "plan.json: the document: expected an object")
    #expect(try planError(#"{"formatVersion": 1, "snapshot": {}, "target": {}}"#)
        == "plan.json: the document: expected an \"actions\" array")
    #expect(try planError(#"{"formatVersion": 1, "snapshot": {}, "actions": []}"#)
        == "plan.json: the document: expected an object \"target\"")
}

@Test func refusesUnknownAction() throws {
    #expect(try planError(planFile(actions: #"{"action": "rename", "userName": "a@x"}"#))
        == "plan.json: action 1: expected \"action\" to be one of create, update, link, disable, delete, skip, not \"rename\"")
}

@Test func refusesUpdateWithoutTargetId() throws {
    let actions = """
        {"action": "skip", "userName": "b@x", "reason": "identityConflict"},
        {"action": "update", "sourceId": "u1", "userName": "a@x", "operations": []}
        """
    #expect(try planError(planFile(actions: actions)) == "plan.json: action 2: expected a string \"targetId\"")
}

@Test func refusesCreateWithoutResource() throws {
    #expect(try planError(planFile(actions: #"{"action": "create", "sourceId": "u1", "userName": "a@x"}"#))
        == "plan.json: action 1: expected a \"resource\" object for a create")
}

@Test func refusesUnknownReason() throws {
    #expect(try planError(planFile(actions: #"{"action": "delete", "targetId": "t1", "userName": "a@x", "reason": "tidyUp"}"#))
        == "plan.json: action 1: expected a known \"reason\", not \"tidyUp\"")
}

@Test func refusesBadPatchOperations() throws {
    func update(_ operations: String) -> String {
        planFile(actions: #"{"action": "update", "targetId": "t1", "userName": "a@x", "operations": [\#(operations)]}"#)
    }
    #expect(try planError(update(#"{"op": "add", "path": "title", "value": "x"}, {"op": "move", "path": "title"}"#))
        == "plan.json: action 1, operation 2: expected \"op\" add, replace or remove, not \"move\"")
    #expect(try planError(update(#"{"op": "remove", "path": "name.given.name"}"#))
        == "plan.json: action 1, operation 1: expected a supported attribute path, not \"name.given.name\"")
    #expect(try planError(update(#"{"op": "add", "path": "title"}"#))
        == "plan.json: action 1, operation 1: expected a \"value\" for add")
    #expect(try planError(update(#"{"path": "title", "value": "x"}"#))
        == "plan.json: action 1, operation 1: expected a string \"op\"")
}

@Test func refusesNonStringIdentifiers() throws {
    #expect(try planError(planFile(actions: #"{"action": "skip", "sourceId": 7, "userName": "a@x"}"#))
        == "plan.json: action 1: expected a string \"sourceId\"")
    #expect(try planError(planFile(actions: #"{"action": "skip"}"#))
        == "plan.json: action 1: expected a string \"userName\"")
}
