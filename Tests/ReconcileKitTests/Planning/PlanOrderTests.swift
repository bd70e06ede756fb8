import Testing
@testable import ReconcileKit

/// Sorting a plan's actions by position, in place (`PlanAction.sortInPlanOrder`), gives the order a stable
/// sort by `PlanAction.planOrder` gives, equal keys included.
@Test func sortingActionsByPositionEqualsAStableSortByPlanOrder() {
    let kinds: [PlanAction.Kind] = [.skip, .create, .update, .delete, .link, .disable]
    let names = ["b@contoso.example", "A@contoso.example", "a@contoso.example", "Zoë@contoso.example", "zoe\u{308}@contoso.example"]
    // Actions differing only in what the order ignores (reason, detail) have equal keys.
    let actions = (0..<600).map { index in
        PlanAction(
            kind: kinds[index % kinds.count], sourceId: index % 4 == 0 ? nil : "s\(index % 7)", targetId: index % 3 == 0 ? "t\(index % 5)" : nil,
            userName: names[index % names.count], detail: "action \(index)")
    }
    var sorted = actions
    PlanAction.sortInPlanOrder(&sorted)
    #expect(sorted.map(\.detail) == actions.sorted(by: PlanAction.planOrder).map(\.detail))
    #expect(sorted.map(\.detail) != actions.map(\.detail))
}
