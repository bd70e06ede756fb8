import Testing
@testable import ReconcileKit

/// A plan action keeps the fields most actions leave unset behind one shared reference: a first
/// load plans a million creates at once.
struct PlanActionLayoutTests {
    @Test func anActionTakesAtMost136Bytes() {
        #expect(MemoryLayout<PlanAction>.stride <= 136)
    }

    @Test func fieldsSetApartReadBackAndCompare() {
        let operations = [PatchOperation(op: .replace, path: .active, value: .bool(false))]
        var action = PlanAction(kind: .disable, sourceId: "s1", targetId: "t1", userName: "ada@contoso.example",
                                reason: .missingFromSnapshot, version: "W/\"3\"", operations: operations)
        #expect(action.reason == .missingFromSnapshot)
        #expect(action.version == "W/\"3\"")
        #expect(action.operations == operations)
        #expect(action.detail == nil && action.matchedOn == nil && action.hold == nil && action.references.isEmpty)

        // A copy is changed alone.
        var copy = action
        copy.hold = .staged
        copy.detail = "held"
        #expect(copy.hold == .staged && copy.detail == "held")
        #expect(action.hold == nil && action.detail == nil)
        #expect(copy != action)

        // Set back, the copy equals the original again; cleared, the action equals a plain one.
        copy.hold = nil
        copy.detail = nil
        #expect(copy == action)
        action.reason = nil
        action.version = nil
        action.operations = []
        #expect(action == PlanAction(kind: .disable, sourceId: "s1", targetId: "t1", userName: "ada@contoso.example"))
    }
}
