/// What the links are to one snapshot, found while reading them (`RunState.linksBySource`): for
/// each snapshot user, the target user its id is linked to; and the links whose source is not in
/// the snapshot. The planner then finds a million users' links by position instead of by id.
struct SnapshotLinks: Sendable {
    /// The snapshot described: its digest and its number of users.
    let sha256: String
    let userCount: Int
    /// Per snapshot position, the index among the target users of the user linked to the id there,
    /// or -1: not linked, linked to a user that is gone, or a later user with an id already seen
    /// (the links by id answer for those).
    let linkedTarget: [Int32]
    /// The links whose source is not in the snapshot, in target id order.
    let missing: [(source: String, target: String)]
    /// Whether no two snapshot users share an id (an export's never do: the loader refuses one):
    /// then -1 in `linkedTarget` says the user's id is linked to no target user there is.
    let idsAreUnique: Bool

    /// Whether these are the links to `snapshot`.
    func describe(_ snapshot: Snapshot) -> Bool {
        sha256 == snapshot.sha256 && userCount == snapshot.users.count
    }

    /// The index of the target user linked to the snapshot user at `position`, when found here.
    func linkedTarget(at position: Int) -> Int? {
        let index = linkedTarget[position]
        return index < 0 ? nil : Int(index)
    }

    /// What `Matcher.linkedTarget(of:)` gives for the snapshot user at `position`, when these
    /// links can tell (`.some(nil)`: linked to no target user); `nil` when the links by id must.
    func link(at position: Int) -> Int?? {
        let index = linkedTarget[position]
        if index >= 0 { return .some(Int(index)) }
        return idsAreUnique ? .some(nil) : nil
    }
}
