import Testing
@testable import ReconcileKit

/// Managed users whose applied digest says they are in line are decided while the snapshot is
/// mapped, keeping only their position; the verdicts that need the whole snapshot (source users
/// sharing a key, several users claiming one account) must still reach them.
struct PlannerEarlyDecisionTests {
    private let paths = Mapping.uiPath.targetPaths.map { ($0, Digest64($0.description).value) }

    /// The account of `user`, linked to it, with the digest of what the default mapping gives it.
    private func appliedAccount(_ user: DirectoryUser, id: String) throws -> TargetUser {
        let desired = try StageInputs.desired(user)
        return TargetUser(
            id: id, externalId: user.id, userName: desired.userName ?? "", active: desired.active, version: "W/\"1\"",
            resource: .object(["id": .string(id)]), appliedDigest: desired.updateDigest(paths))
    }

    @Test func unchangedUsersAreCountedWithoutAnAction() throws {
        let ada = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example")
        let grace = try StageInputs.graphUser(id: "u2", upn: "grace@contoso.example", record: 2)
        let state = StageInputs.state(
            [try appliedAccount(ada, id: "t1"), try appliedAccount(grace, id: "t2")], links: ["u1": "t1", "u2": "t2"])
        let plan = StageInputs.plan([ada, grace], state)
        #expect(plan.actions.isEmpty)
        #expect(plan.noChange == 2)
    }

    @Test func unchangedUsersSharingAUserNameAreSkippedWithTheirMappedNames() throws {
        let lower = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example")
        let upper = try StageInputs.graphUser(id: "u2", upn: "ADA@contoso.example", record: 2)
        let grace = try StageInputs.graphUser(id: "u3", upn: "grace@contoso.example", record: 3)
        let state = StageInputs.state(
            [try appliedAccount(lower, id: "t1"), try appliedAccount(upper, id: "t2"), try appliedAccount(grace, id: "t3")],
            links: ["u1": "t1", "u2": "t2", "u3": "t3"])
        let plan = StageInputs.plan([lower, upper, grace], state)
        let detail = "source users u1, u2 share userName \"ada@contoso.example\""
        #expect(plan.actions == [
            PlanAction(kind: .skip, sourceId: "u2", userName: "ADA@contoso.example", reason: .duplicateSourceEntries, detail: detail),
            PlanAction(kind: .skip, sourceId: "u1", userName: "ada@contoso.example", reason: .duplicateSourceEntries, detail: detail),
        ].sorted(by: PlanAction.planOrder))
        #expect(plan.noChange == 1)
    }

    @Test func anUnchangedUserAndAChangedOneSharingAUserNameAreBothSkipped() throws {
        let unchanged = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example")
        let renamed = try StageInputs.graphUser(id: "u2", upn: "Ada@Contoso.example", record: 2)
        let before = try StageInputs.graphUser(id: "u2", upn: "augusta@contoso.example", record: 2)
        let state = StageInputs.state(
            [try appliedAccount(unchanged, id: "t1"), try appliedAccount(before, id: "t2")], links: ["u1": "t1", "u2": "t2"])
        let plan = StageInputs.plan([unchanged, renamed], state)
        #expect(plan.actions.map(\.sourceId) == ["u1", "u2"])
        #expect(plan.actions.allSatisfy {
            $0.kind == .skip && $0.reason == .duplicateSourceEntries
                && $0.detail == "source users u1, u2 share userName \"ada@contoso.example\""
        })
        #expect(plan.noChange == 0)
    }

    @Test func unchangedUsersLinkedToOneAccountAreSkippedAsClaimingIt() throws {
        let ada = try StageInputs.graphUser(id: "u1", upn: "ada@contoso.example")
        let grace = try StageInputs.graphUser(id: "u2", upn: "grace@contoso.example", record: 2)
        // Both links point at t1 (a store edited by hand); t1 holds what either maps to, by digest.
        let account = try appliedAccount(ada, id: "t1")
        let state = StageInputs.state([account], links: ["u1": "t1", "u2": "t1"])
        let graceDigest = try StageInputs.desired(grace).updateDigest(paths)
        let shared = TargetUser(id: "t1", externalId: nil, userName: "ada@contoso.example", active: true, version: "W/\"1\"",
                                resource: .object(["id": .string("t1")]), appliedDigest: graceDigest)
        for target in [state, StageInputs.state([shared], links: ["u1": "t1", "u2": "t1"])] {
            let plan = StageInputs.plan([ada, grace], target)
            #expect(plan.actions.map(\.sourceId) == ["u1", "u2"])
            #expect(plan.actions.allSatisfy {
                $0.kind == .skip && $0.reason == .duplicateSourceEntries && $0.detail == "source users u1, u2 all match target user t1"
            })
        }
    }

    @Test func keysWithOneDigestAreKeptApartInPositionOrder() {
        let one: UInt64 = 0xA5A5_0000_1000_0000, two: UInt64 = 0xA5A5_0000_2000_0000
        var index = KeyIndex(capacity: 4)
        index.insert(7, digest: one)
        index.insert(3, digest: two)
        index.insert(9, digest: one)
        index.insert(5, digest: one)
        index.seal()
        #expect(index.positions(digest: one) == [5, 7, 9])
        #expect(index.positions(digest: two) == [3])
        #expect(index.positions(digest: 0xA5A5_0000_3000_0000) == [])
        #expect(index.positions(digest: 0) == [])
        #expect(index.sharedDigests == [one: [5, 7, 9]])
        // Digests that differ only in the bits the position takes share an entry's digest: the
        // callers tell such keys apart by comparing them.
        var near = KeyIndex(capacity: 2)
        near.insert(1, digest: one)
        near.insert(2, digest: one | 0x0FFF_FFFF)
        near.seal()
        #expect(near.positions(digest: one) == [1, 2])
        // The largest position kept, and its digest's other bits intact.
        var last = KeyIndex(capacity: 1)
        last.insert(KeyIndex.capacityLimit - 1, digest: UInt64.max)
        last.seal()
        #expect(last.positions(digest: UInt64.max) == [KeyIndex.capacityLimit - 1])
        #expect(KeyIndex.digest("ada@contoso.example") == KeyIndex.digest("ada@contoso.example"))
        #expect(KeyIndex.digest("ada@contoso.example") != KeyIndex.digest("ada@contoso.exampl"))
    }

    @Test func largeIndexesAreSortedAsTheStandardSortSortsThem() {
        // Above and below the size the radix sort takes over at, with repeated words, words that
        // differ in one 16-bit digit only, and both ends of the range.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for count in [0, 1, 4_096, 4_097, 70_000] {
            var words = (0..<count).map { position -> UInt64 in
                switch position % 7 {
                case 0: return 42
                case 1: return UInt64(position) << 48
                case 2: return UInt64.max - UInt64(position % 3)
                default: return next()
                }
            }
            let expected = words.sorted()
            KeyIndex.radixSort(&words)
            #expect(words == expected, "\(count) words")
        }
        // One digest at many positions, inserted out of order: found in position order.
        let digest: UInt64 = 0x1234_5678_9000_0000
        var index = KeyIndex(capacity: 10_000)
        for position in (0..<10_000).reversed() { index.insert(position, digest: position % 4 == 0 ? digest : next()) }
        index.seal()
        #expect(index.positions(digest: digest) == Array(stride(from: 0, to: 10_000, by: 4)))
    }
}

/// Snapshots larger than a slice are passed on several threads; what needs the whole snapshot
/// (duplicates, contested accounts) must see across the slices, and the plan must not depend on them.
struct PlannerSliceTests {
    private let paths = Mapping.uiPath.targetPaths.map { ($0, Digest64($0.description).value) }

    @Test func duplicatesAcrossSlicesAreFoundAndCountsAddUp() throws {
        let count = Planner.sliceSize * 2 + 100
        var users: [DirectoryUser] = []
        users.reserveCapacity(count)
        for position in 0..<count {
            // The last user shares the first one's userName (another slice); user 2 is disabled.
            let upn = position == count - 1 ? "USER0@contoso.example" : "user\(position)@contoso.example"
            users.append(try StageInputs.graphUser(id: "u\(position)", upn: upn, enabled: position != 2, record: position + 1))
        }
        // Every tenth user is managed and in line, by digest; user 10 also shares a userName with the
        // user in the middle of the second slice.
        var accounts: [TargetUser] = []
        var links: [String: String] = [:]
        for position in stride(from: 10, to: count - 1, by: 10) {
            let desired = try StageInputs.desired(users[position])
            accounts.append(TargetUser(
                id: "t\(position)", externalId: "u\(position)", userName: desired.userName!, active: true, version: "W/\"1\"",
                resource: .object(["id": .string("t\(position)")]), appliedDigest: desired.updateDigest(paths)))
            links["u\(position)"] = "t\(position)"
        }
        let middle = Planner.sliceSize + Planner.sliceSize / 2 + 1
        users[middle] = try StageInputs.graphUser(id: "u\(middle)", upn: "User10@contoso.example", record: middle + 1)
        let plan = StageInputs.plan(users, StageInputs.state(accounts, links: links))

        let skips = plan.actions.filter { $0.kind == .skip }
        #expect(skips.map(\.sourceId) == ["u0", "u\(count - 1)", "u10", "u\(middle)"])
        #expect(skips.map(\.detail) == [
            "source users u0, u\(count - 1) share userName \"user0@contoso.example\"",
            "source users u0, u\(count - 1) share userName \"user0@contoso.example\"",
            "source users u10, u\(middle) share userName \"user10@contoso.example\"",
            "source users u10, u\(middle) share userName \"user10@contoso.example\"",
        ])
        let managed = accounts.count
        #expect(plan.noChange == managed - 1)
        #expect(plan.notProvisioned == 1)
        #expect(plan.actions.filter { $0.kind == .create }.count == count - managed - 3 - 1)
        #expect(plan.snapshot.users == count)
    }
}

/// Links whose source is gone from the export are found on every core, in slices of the links.
struct MissingLinksTests {
    @Test func missingSourcesAreThoseNotInTheSnapshotInTheLinksOrderWhateverTheSlices() throws {
        let users = try (0..<300).map { try StageInputs.graphUser(id: "u\($0)", upn: "user\($0)@contoso.example", record: $0 + 1) }
        let present = StageInputs.snapshot(users).positions()
        var links: [String: String] = [:]
        // Every third link's source is in the snapshot; the others' sources are gone.
        for n in 0..<500 { links[n % 3 == 0 ? "u\(n / 3)" : "gone\(n)"] = "t\(n)" }
        // In the order the dictionary holds them (a dictionary's own filter would hash them again).
        let expected = links.map { [$0.key, $0.value] }.filter { present.position(of: $0[0]) == nil }
        #expect(expected.count == 500 - 167)
        for sliceSize in [1, 7, 64, 500, Planner.linkSliceSize] {
            let found = Planner.linksMissing(from: present, in: links, sliceSize: sliceSize)
            #expect(found.map { [$0.source, $0.target] } == expected, "slices of \(sliceSize)")
        }
        #expect(Planner.linksMissing(from: present, in: [:]).isEmpty)
    }
}
