import Foundation
import Testing
@testable import ReconcileKit

/// The enterprise `manager`: resolved through the links when the manager has an account, carried as a
/// reference and filled in at apply time when the manager is created in the same run, and left
/// unset with a warning when it cannot be resolved. Each test has its own store.
final class ManagerReferenceTests {
    let folder: String
    let store: SQLiteStore

    /// The default mapping plus the manager.
    static let mapping = try! Mapping(entries: Mapping.uiPath.entries + [.init(target: SCIMUserSchema.manager, source: .attribute("manager"))])
    static let managerPath = SCIMUserSchema.manager.description

    init() throws {
        folder = TestSupport.temporaryFolder()
        store = try SQLiteStore(path: folder + "/store.db", create: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A Graph user with `$expand=manager`: `manager` is the manager's directory id, or none.
    static func user(_ id: String, manager: String? = nil, enabled: Bool = true, record: Int = 1) throws -> DirectoryUser {
        var members: [String: JSONValue] = [
            "id": .string(id), "userPrincipalName": .string("\(id)@contoso.example"), "accountEnabled": .bool(enabled),
            "displayName": .string(id.capitalized),
        ]
        members["manager"] = manager.map { .object(["@odata.type": .string("#microsoft.graph.user"), "id": .string($0), "displayName": .string($0)]) }
        return try StageInputs.user(JSONWriter.write(.object(members)), record: record)
    }

    func plan(_ users: [DirectoryUser], deleteMissing: Bool = false) throws -> Plan {
        Planner(mapping: Self.mapping, options: .init(deleteMissing: deleteMissing))
            .plan(snapshot: StageInputs.snapshot(users), target: try store.targetState(), createdAt: StageInputs.createdAt)
    }

    @discardableResult
    func apply(_ plan: Plan) throws -> ApplyResult {
        try store.apply(plan, mode: "apply", checkFingerprint: true, now: StoreFixtures.firstClock)
    }

    func targetID(_ source: String) throws -> String {
        try #require(try store.links()[source])
    }

    /// The manager's target id as the store holds it for `source`, or `nil`.
    func managerOf(_ source: String) throws -> String? {
        let user = try #require(try store.users().first { $0.id == (try targetID(source)) })
        return user.value(at: SCIMUserSchema.manager).flatMap { if case .string(let id) = $0 { return id } else { return nil } }
    }

    // MARK: - Within one run

    @Test func createsManagersFirstAndFillsInTheirIdsInOneRun() throws {
        // Reports come first in the export; managers are created first anyway, top-down.
        let users = [try Self.user("mei", manager: "tomas"), try Self.user("tomas", manager: "ingrid"), try Self.user("ingrid")]
        let plan = try plan(users)
        #expect(plan.count(.create) == 3)
        #expect(plan.warnings.isEmpty)
        let mei = try #require(plan.actions.first { $0.sourceId == "mei" })
        #expect(mei.references == [PlanReference(path: SCIMUserSchema.manager, sourceId: "tomas", userName: "tomas@contoso.example")])
        #expect(mei.resource?.value(at: SCIMUserSchema.manager) == nil)
        #expect(plan.actions.first { $0.sourceId == "ingrid" }?.references == [])
        #expect(plan.text.contains("      enterprise:manager: tomas@contoso.example (created in this run)\n"))

        let batches = Applier.batches(plan.actions, size: 2_000).map { $0.map { $0.sourceId ?? "" } }
        #expect(batches == [["ingrid"], ["tomas"], ["mei"]])

        let result = try apply(plan)
        #expect(result.failures.isEmpty && result.warnings.isEmpty)
        #expect(try managerOf("mei") == (try targetID("tomas")))
        #expect(try managerOf("tomas") == (try targetID("ingrid")))
        #expect(try managerOf("ingrid") == nil)
        let resource = try #require(try store.users().first { $0.id == (try targetID("mei")) }).resource
        #expect(resource[SCIMPath.enterpriseSchema]?["manager"] == .object(["value": .string(try targetID("tomas"))]))
        #expect(!(try self.plan(users)).hasChanges)
    }

    @Test func anExistingUserGetsAManagerCreatedInTheSameRunAfterTheCreate() throws {
        try apply(try plan([try Self.user("mei")]))
        let plan = try plan([try Self.user("mei", manager: "tomas"), try Self.user("tomas")])
        let update = try #require(plan.actions.first { $0.sourceId == "mei" })
        #expect(update.kind == .update)
        #expect(update.operations.isEmpty)
        #expect(update.references == [PlanReference(path: SCIMUserSchema.manager, sourceId: "tomas", userName: "tomas@contoso.example")])
        #expect(update.detailRows.last.map { "\($0.0): \($0.1)" } == "enterprise:manager: (none) -> tomas@contoso.example (created in this run)")
        // The update waits for the create it refers to.
        #expect(Applier.batches(plan.actions, size: 2_000).map { $0.map(\.kind) } == [[.create], [.update]])

        try apply(plan)
        #expect(try managerOf("mei") == (try targetID("tomas")))
        let logged = try store.database.scalarText(
            "SELECT changes FROM provisioning_log WHERE action = 'update' AND source_id = 'mei'")
        #expect(logged == #"[{"attribute":"\#(Self.managerPath)","new":"\#(try targetID("tomas"))","old":null}]"#)
    }

    @Test func cycleAmongNewUsersIsBrokenWithAWarningAndClosedByTheNextRun() throws {
        let users = [try Self.user("ann", manager: "bob"), try Self.user("bob", manager: "ann")]
        let plan = try plan(users)
        #expect(plan.warnings == [
            "ann@contoso.example: enterprise:manager left unset: manager bob@contoso.example is created in this run in a "
                + "management cycle (ann@contoso.example -> bob@contoso.example -> ann@contoso.example); the next run sets it",
        ])
        #expect(plan.actions.first { $0.sourceId == "ann" }?.references == [])
        #expect(plan.actions.first { $0.sourceId == "bob" }?.references.map(\.sourceId) == ["ann"])
        try apply(plan)
        #expect(try managerOf("bob") == (try targetID("ann")))
        #expect(try managerOf("ann") == nil)

        let next = try self.plan(users)
        #expect(next.warnings.isEmpty)
        #expect(next.actions.map(\.kind) == [.update])
        #expect(next.actions[0].operations == [PatchOperation(op: .add, path: SCIMUserSchema.manager, value: .object(["value": .string(try targetID("bob"))]))])
    }

    @Test func aSelfManagedNewUserIsCreatedAndGetsItselfAsManagerNextRun() throws {
        let plan = try plan([try Self.user("solo", manager: "solo")])
        #expect(plan.warnings.count == 1)
        try apply(plan)
        try apply(try self.plan([try Self.user("solo", manager: "solo")]))
        #expect(try managerOf("solo") == (try targetID("solo")))
    }

    @Test func batchesTakeKindsInApplyOrderAndEachKindInPlanOrder() {
        // Kinds interleaved, several of each: the batches hold what a stable sort by kind gives.
        let kinds: [PlanAction.Kind] = [.skip, .create, .update, .delete, .create, .link, .disable, .update, .skip, .delete,
                                        .create, .disable, .link, .update]
        let actions = kinds.enumerated().map { index, kind in
            PlanAction(kind: kind, sourceId: "s\(index)", targetId: "t\(index)", userName: "u\(index)@contoso.example")
        }
        let expected = actions.enumerated().sorted {
            (Applier.order.firstIndex(of: $0.element.kind)!, $0.offset) < (Applier.order.firstIndex(of: $1.element.kind)!, $1.offset)
        }.map(\.element.sourceId)
        #expect(expected == ["s3", "s9", "s6", "s11", "s2", "s7", "s13", "s5", "s12", "s1", "s4", "s10", "s0", "s8"])
        #expect(Applier.batches(actions, size: 4).map { $0.map(\.sourceId) }
            == [["s3", "s9", "s6", "s11"], ["s2", "s7", "s13", "s5"], ["s12", "s1", "s4", "s10"], ["s0", "s8"]])
        #expect(Applier.batches(actions, size: 2_000).flatMap { $0.map(\.sourceId) } == expected)
    }

    @Test func theLastBatchIsTaperedInHalvesKeepingTheOrder() {
        let batches = [ArraySlice(0..<2_000), ArraySlice(2_000..<4_000)]
        let tapered = Applier.tapered(batches, downTo: 100)
        #expect(tapered.map(\.count) == [2_000, 1_000, 500, 250, 125, 125])
        #expect(Array(tapered.joined()) == Array(0..<4_000))
        // A last batch under twice the floor, and no batches, stay as they are.
        #expect(Applier.tapered([ArraySlice(0..<199)], downTo: 100).map(\.count) == [199])
        #expect(Applier.tapered([ArraySlice(0..<200)], downTo: 100).map(\.count) == [100, 100])
        #expect(Applier.tapered([], downTo: 100).isEmpty)
    }

    @Test func aLongManagementChainIsOrderedTopDownWithoutRecursion() {
        // 50,000 new users, each managed by the next: one level per user, the top one first.
        let count = 50_000
        let actions = (0..<count).map { index in
            var action = PlanAction(kind: .create, sourceId: "u\(index)", userName: "u\(index)@contoso.example", resource: .object([:]))
            if index + 1 < count {
                action.references = [PlanReference(path: SCIMUserSchema.manager, sourceId: "u\(index + 1)", userName: "u\(index + 1)@contoso.example")]
            }
            return action
        }
        let batches = Applier.batches(actions, size: 2_000)
        #expect(batches.count == count)
        #expect(batches.first?.first?.sourceId == "u\(count - 1)")
        #expect(batches.last?.first?.sourceId == "u0")
    }

    @Test func aLongChainOfNewManagersIsPlannedWithOneReferenceEach() throws {
        let count = 20_000
        let users = try (0..<count).map { try Self.user("u\(String(format: "%05d", $0))", manager: $0 + 1 < count ? "u\(String(format: "%05d", $0 + 1))" : nil) }
        let plan = try plan(users)
        #expect(plan.warnings.isEmpty)
        #expect(plan.actions.filter { !$0.references.isEmpty }.count == count - 1)
    }

    // MARK: - Across runs

    @Test func aManagerWithAnAccountResolvesInThePlanItself() throws {
        try apply(try plan([try Self.user("tomas")]))
        let plan = try plan([try Self.user("tomas"), try Self.user("mei", manager: "tomas")])
        let create = try #require(plan.actions.first { $0.sourceId == "mei" })
        #expect(create.references.isEmpty)
        #expect(create.resource?.value(at: SCIMUserSchema.manager) == .object(["value": .string(try targetID("tomas"))]))
        let tomasID = try targetID("tomas")
        #expect(plan.text.contains("\n      enterprise:manager: \"\(tomasID)\"\n"))
    }

    @Test func aManagerMatchedInThisRunResolvesInThePlanItself() throws {
        // An account for Tomas exists (unmanaged), and he is matched on externalId in this run.
        let existing = PlanAction(kind: .create, sourceId: nil, userName: "tomas@contoso.example", resource: .object([
            "schemas": .array([.string(SCIMPath.coreSchema)]), "userName": .string("tomas@contoso.example"), "externalId": .string("tomas"),
        ]))
        let tomasID = try store.apply(existing, at: StoreFixtures.planTime)
        let plan = try plan([try Self.user("tomas"), try Self.user("mei", manager: "tomas")])
        let create = try #require(plan.actions.first { $0.sourceId == "mei" })
        #expect(create.resource?.value(at: SCIMUserSchema.manager) == .object(["value": .string(tomasID)]))
    }

    @Test func aChangedManagerIsReplacedAndARemovedOneRemoved() throws {
        try apply(try plan([try Self.user("ingrid"), try Self.user("tomas"), try Self.user("mei", manager: "tomas")]))
        let moved = try plan([try Self.user("ingrid"), try Self.user("tomas"), try Self.user("mei", manager: "ingrid")])
        #expect(moved.actions.map(\.operations) == [[PatchOperation(
            op: .replace, path: SCIMUserSchema.manager, value: .object(["value": .string(try targetID("ingrid"))]))]])
        #expect(moved.actions[0].changes == [AttributeChange(
            path: SCIMUserSchema.manager, old: .string(try targetID("tomas")), new: .string(try targetID("ingrid")))])
        try apply(moved)
        #expect(try managerOf("mei") == (try targetID("ingrid")))

        let removed = try plan([try Self.user("ingrid"), try Self.user("tomas"), try Self.user("mei")])
        #expect(removed.actions.map(\.operations) == [[PatchOperation(op: .remove, path: SCIMUserSchema.manager, value: nil)]])
        try apply(removed)
        #expect(try managerOf("mei") == nil)
    }

    // MARK: - Unresolvable

    @Test func aManagerOutsideTheExportIsLeftUnsetWithAWarning() throws {
        let plan = try plan([try Self.user("grace", manager: "contact-1")])
        #expect(plan.warnings == [
            "grace@contoso.example: enterprise:manager left unset: manager contact-1 is not in the snapshot and not managed by this job",
        ])
        #expect(plan.text.hasSuffix("""

            Warnings (1):
              ! grace@contoso.example: enterprise:manager left unset: manager contact-1 is not in the snapshot and not managed by this job

            """))
        #expect(plan.count(.create) == 1)
        try apply(plan)
        #expect(try managerOf("grace") == nil)
    }

    @Test func aDisabledManagerLeavesAnExistingValueAsItIs() throws {
        try apply(try plan([try Self.user("piet"), try Self.user("sven", manager: "piet")]))
        let before = try managerOf("sven")
        let plan = try plan([try Self.user("piet", enabled: false), try Self.user("sven", manager: "piet"), try Self.user("kim", manager: "gone")])
        // Piet is disabled but keeps his (disabled) account, so Sven's manager still resolves.
        #expect(plan.actions.map(\.kind) == [.create, .disable])
        #expect(plan.warnings == ["kim@contoso.example: enterprise:manager left unset: manager gone is not in the snapshot and not managed by this job"])
        try apply(plan)
        #expect(try managerOf("sven") == before)

        let newcomer = try self.plan([try Self.user("piet", enabled: false), try Self.user("sven", manager: "piet"),
                                      try Self.user("kim", manager: "gone"), try Self.user("lee", enabled: false), try Self.user("max", manager: "lee")])
        #expect(newcomer.warnings.contains(
            "max@contoso.example: enterprise:manager left unset: manager lee@contoso.example (lee) is disabled in the directory and has no account"))
    }

    @Test func aManagerDeletedInThisRunIsUnresolvable() throws {
        try apply(try plan([try Self.user("boss"), try Self.user("ann")]))
        let plan = try plan([try Self.user("ann", manager: "boss")], deleteMissing: true)
        #expect(plan.warnings == ["ann@contoso.example: enterprise:manager left as it is: manager boss is deleted in this run"])
        #expect(plan.actions.map(\.kind) == [.delete])
    }

    @Test func anUnresolvedReferenceAtApplyTimeIsAWarningNotAFailure() throws {
        var plan = try plan([try Self.user("mei", manager: "tomas"), try Self.user("tomas")])
        // The manager's create is gone from the (hand-edited) plan: nothing to fill the reference from.
        plan.actions.removeAll { $0.sourceId == "tomas" }
        let result = try apply(plan)
        #expect(result.failures.isEmpty)
        #expect(result.warnings == [
            "mei@contoso.example: enterprise:manager left unset: manager tomas@contoso.example was not created (see its own result); the next run sets it",
        ])
        #expect(try managerOf("mei") == nil)
        let reason = try store.database.scalarText("SELECT reason FROM provisioning_log WHERE source_id = 'mei'")
        #expect(reason == result.warnings[0])
    }

    // MARK: - Plan file

    @Test func planFileKeepsReferencesAndWarnings() throws {
        let plan = try plan([try Self.user("mei", manager: "tomas"), try Self.user("tomas"), try Self.user("grace", manager: "nobody")])
        let json = try JSONReader.parse(plan.fileText)
        let mei = try #require(json["actions"]?.arrayValue?.first { $0["sourceId"] == .string("mei") })
        #expect(mei["references"] == .array([.object([
            "attribute": .string(Self.managerPath), "sourceId": .string("tomas"), "userName": .string("tomas@contoso.example"),
        ])]))
        #expect(json["warnings"]?.arrayValue?.count == 1)
        let read = try Plan(json: json, file: "plan.json")
        #expect(read == plan)
    }

    @Test func aReferenceWithoutASourceIdIsRefusedInAPlanFile() throws {
        let plan = try plan([try Self.user("mei", manager: "tomas"), try Self.user("tomas")])
        let text = plan.fileText.replacingOccurrences(of: #""sourceId": "tomas","#, with: "")
        #expect(throws: PlanFileError.invalid(file: "plan.json", at: "action 1, reference 1", expected: #"an "attribute" path and a "sourceId""#)) {
            try Plan(json: JSONReader.parse(text), file: "plan.json")
        }
    }
}
