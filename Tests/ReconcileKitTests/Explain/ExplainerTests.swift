import Testing
@testable import ReconcileKit

/// `Explainer` in process, on in-memory stages: finding the user a name means, and the outcomes that
/// have no action of their own.
struct ExplainerTests {
    let alice = "11111111-aaaa-4aaa-8aaa-000000000001"

    func explainer(_ users: [DirectoryUser], scope: Scope = .everyone) -> Explainer {
        Explainer(snapshot: StageInputs.snapshot(users), snapshotPath: "test.json", scope: scope,
                  planner: Planner(mapping: .uiPath), settings: SafetySettings())
    }

    func explain(_ query: String, _ users: [DirectoryUser], _ target: Planner.TargetState) throws -> Explainer.Result {
        try explainer(users).explain(query, target: target, targetExists: true, state: nil)
    }

    @Test func oldUserNameFindsTheRenamedDirectoryUser() throws {
        let renamed = try StageInputs.graphUser(id: alice, upn: "alice.weber@contoso.example", displayName: "Alice Weber")
        let target = try StageInputs.targetUser(
            id: "t-1", userName: "alice.martin@contoso.example", externalId: alice, displayName: "Alice Martin")
        let result = try explain("ALICE.MARTIN@contoso.example", [renamed], StageInputs.state([target], links: [alice: "t-1"]))
        let explanation = result.explanation
        #expect(explanation.sourceID == alice)
        #expect(explanation.targetUser == .init(id: "t-1", userName: "alice.martin@contoso.example"))
        #expect(explanation.foundBy == ["target userName"])
        #expect(explanation.match.result == .linked(.init(id: "t-1", userName: "alice.martin@contoso.example")))
        #expect(explanation.action.outcome == "update")
        let changed = explanation.mapping.rows.filter { $0.change == .changes }
        #expect(changed.map(\.target) == [MappedPath.userName, MappedPath.displayName])
        #expect(changed.map(\.old) == [.string("alice.martin@contoso.example"), .string("Alice Martin")])
        #expect(changed.map(\.new) == [.string("alice.weber@contoso.example"), .string("Alice Weber")])
        #expect(result.plan.actions.map(\.kind) == [.update])
        #expect(result.target.users.map(\.id) == ["t-1"])
        #expect(result.target.links == [alice: "t-1"])
    }

    @Test func targetUserThisJobNeverManagedIsNeverChanged() throws {
        let target = try StageInputs.targetUser(id: "t-9", userName: "legacy@contoso.example")
        let explanation = try explain("legacy@contoso.example", [], StageInputs.state([target])).explanation
        #expect(explanation.sourceID == nil)
        #expect(explanation.imported == nil)
        #expect(explanation.match.result == .notMatched("not in the snapshot, and no run of this job created or matched this target user"))
        #expect(explanation.action.outcome == "notManaged")
        #expect(explanation.action.why == "this job never created or matched target user t-9 (legacy@contoso.example), so it never changes it")
        #expect(explanation.action.actions.isEmpty)
    }

    @Test func disabledUserWithoutAnAccountIsNotProvisioned() throws {
        let disabled = try StageInputs.graphUser(id: alice, upn: "alice@contoso.example", enabled: false)
        let result = try explain(alice, [disabled], StageInputs.state([]))
        #expect(result.explanation.action.outcome == "notProvisioned")
        #expect(result.explanation.match.result == .unmatched)
        #expect(result.explanation.mapping.rows.allSatisfy { $0.change == .none })
        #expect(result.plan.actions.isEmpty)
        #expect(result.plan.notProvisioned == 1)
        let imported = try #require(result.explanation.imported)
        #expect(imported.values.first { $0.name == "IsSoftDeleted" }?.value == .bool(true))
        #expect(imported.values.first { $0.name == "accountEnabled" }?.value == .bool(false))
    }

    @Test func sharedUserNameIsAmbiguousAndEachIsSkippedAsADuplicate() throws {
        let first = try StageInputs.graphUser(id: alice, upn: "pat@contoso.example", record: 1)
        let second = try StageInputs.graphUser(id: "22222222-bbbb-4bbb-8bbb-000000000002", upn: "Pat@Contoso.example", record: 2)
        #expect(throws: ExplainError.ambiguous("pat@contoso.example", candidates: [
            "directory user \(alice) (pat@contoso.example) from test.json: record 1; found by userPrincipalName",
            "directory user 22222222-bbbb-4bbb-8bbb-000000000002 (Pat@Contoso.example) from test.json: record 2; found by userPrincipalName",
        ])) {
            try explain("pat@contoso.example", [first, second], StageInputs.state([]))
        }
        let explanation = try explain(alice, [first, second], StageInputs.state([])).explanation
        let detail = "source users \(alice), 22222222-bbbb-4bbb-8bbb-000000000002 share userName \"pat@contoso.example\""
        #expect(explanation.match.result == .refused(.duplicateSourceEntries, detail: detail))
        #expect(explanation.action.outcome == "skip")
        #expect(explanation.action.why == "duplicateSourceEntries: \(detail)")
    }

    @Test func unknownNameSuggestsNamesContainingItThenTheClosest() throws {
        let users = try [
            StageInputs.graphUser(id: alice, upn: "alice.martin@contoso.example", record: 1),
            StageInputs.graphUser(id: "22222222-bbbb-4bbb-8bbb-000000000002", upn: "alicia@contoso.example", record: 2),
            StageInputs.graphUser(id: "33333333-cccc-4ccc-8ccc-000000000003", upn: "bob@contoso.example", record: 3),
        ]
        #expect(throws: ExplainError.unknownUser(
            "alice@contoso.example", snapshot: "test.json", target: "the store store.db", suggestions: ["alicia@contoso.example"])) {
            try explain("alice@contoso.example", users, StageInputs.state([]))
        }
        #expect(throws: ExplainError.unknownUser(
            "ALICE", snapshot: "test.json", target: "the store store.db", suggestions: ["alice.martin@contoso.example"])) {
            try explain("ALICE", users, StageInputs.state([]))
        }
    }

    @Test func editDistanceStopsPastItsLimit() {
        let bytes = { (text: String) in Array(text.utf8) }
        #expect(Explainer.distance(bytes("kitten"), bytes("sitting"), limit: 3) == 3)
        #expect(Explainer.distance(bytes("kitten"), bytes("sitting"), limit: 2) == nil)
        #expect(Explainer.distance(bytes("alice"), bytes("alice"), limit: 2) == 0)
        #expect(Explainer.distance(bytes("ab"), bytes("abcdef"), limit: 3) == nil)
        #expect(Explainer.distance(bytes(""), bytes("ab"), limit: 2) == 2)
    }
}
