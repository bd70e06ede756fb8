import Testing
@testable import ReconcileKit

@Test func addsWhereTargetHasNoValue() {
    #expect(PatchOperation.between(nil, .string("Analyst"), at: MappedPath.title)
        == PatchOperation(op: .add, path: MappedPath.title, value: .string("Analyst")))
}

@Test func replacesWhereValueDiffers() {
    #expect(PatchOperation.between(.string("Analyst"), .string("Lead"), at: MappedPath.title)
        == PatchOperation(op: .replace, path: MappedPath.title, value: .string("Lead")))
    #expect(PatchOperation.between(.bool(false), .bool(true), at: .active)
        == PatchOperation(op: .replace, path: .active, value: .bool(true)))
}

@Test func removesWhereSourceLostTheValue() {
    #expect(PatchOperation.between(.string("Analyst"), nil, at: MappedPath.title)
        == PatchOperation(op: .remove, path: MappedPath.title, value: nil))
}

@Test func sendsNothingWhereValuesAreEqual() {
    #expect(PatchOperation.between(nil, nil, at: MappedPath.title) == nil)
    #expect(PatchOperation.between(.string("Analyst"), .string("Analyst"), at: MappedPath.title) == nil)
    #expect(PatchOperation.between(.bool(true), .bool(true), at: .active) == nil)
}

@Test func treatsDifferentCaseAsAChange() {
    // Only matching is case-insensitive; the value written is the source's spelling.
    #expect(PatchOperation.between(.string("ada@x"), .string("Ada@x"), at: .userName)
        == PatchOperation(op: .replace, path: .userName, value: .string("Ada@x")))
}

@Test func writesOperationsAsPatchOpElements() {
    #expect(PatchOperation(op: .add, path: MappedPath.workEmail, value: .string("ada@x")).json == .object([
        "op": .string("add"), "path": .string(#"emails[type eq "work"].value"#), "value": .string("ada@x"),
    ]))
    #expect(PatchOperation(op: .replace, path: .active, value: .bool(false)).json == .object([
        "op": .string("replace"), "path": .string("active"), "value": .bool(false),
    ]))
    #expect(PatchOperation(op: .remove, path: MappedPath.department, value: nil).json == .object([
        "op": .string("remove"), "path": .string("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
    ]))
}

@Test func writesAttributeChangesWithNullForNoValue() {
    #expect(AttributeChange(path: MappedPath.title, old: nil, new: .string("Lead")).json == .object([
        "attribute": .string("title"), "old": .null, "new": .string("Lead"),
    ]))
    #expect(AttributeChange(path: .active, old: .bool(true), new: .bool(false)).json == .object([
        "attribute": .string("active"), "old": .bool(true), "new": .bool(false),
    ]))
}
