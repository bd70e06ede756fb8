import Foundation
@testable import ReconcileKit

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    var now: Date

    init(_ time: String) {
        now = Timestamp.parse(time)!
    }

    var stamp: String { Timestamp.format(now) }

    func advance(hours: Double) {
        now = now.addingTimeInterval(hours * 3600)
    }
}

/// The embedded store behind a target whose connection check and single actions can be made to fail,
/// as a live endpoint's would.
final class FlakyTarget: ProvisioningTarget {
    let store: SQLiteStore
    /// What `probe()` throws, if anything.
    var probeFailure: (any Error)?
    /// userNames whose actions fail with an `ActionFailure`.
    var failing: Set<String> = []
    /// The userName whose action finds the target gone: the run stops there, and the probe fails from then on.
    var goesAwayAt: String?
    /// How many times `probe()` was called.
    private(set) var probes = 0

    init(_ store: SQLiteStore) {
        self.store = store
    }

    var kind: String { store.kind }
    var location: String { store.location }
    var batchSize: Int { store.batchSize }
    func users() throws -> [TargetUser] { try store.users() }
    func fingerprint() throws -> String { try store.fingerprint() }

    func probe() throws {
        probes += 1
        if let probeFailure { throw probeFailure }
        try store.probe()
    }

    func apply(_ action: PlanAction, at time: String) throws -> String {
        if action.userName == goesAwayAt {
            let gone = TargetUnavailable(.unreachable, "cannot connect to scim.example (connection reset)")
            probeFailure = gone
            throw gone
        }
        if failing.contains(action.userName) {
            throw ActionFailure(code: "http500", message: "POST /Users answered 500 for \(action.userName)")
        }
        return try store.apply(action, at: time)
    }
}

/// Builds guarded runs of small snapshots against one temporary store.
final class SafetyBench {
    let folder: String
    let store: SQLiteStore
    let target: FlakyTarget
    let clock = TestClock("2026-03-02T02:30:00.000Z")
    var settings = SafetySettings()
    private(set) var notices: [String] = []
    /// The plan each run showed.
    private(set) var shown: [Plan] = []

    init() throws {
        folder = TestSupport.temporaryFolder()
        store = try SQLiteStore(path: folder + "/store.db", create: true)
        target = FlakyTarget(store)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    var database: Database { store.database }

    /// `count` users `user0001@contoso.example` ... with ids `id-0001` ...; those numbered in
    /// `disabled` are disabled in the directory.
    static func users(_ count: Int, from first: Int = 1, disabled: Set<Int> = []) -> [DirectoryUser] {
        (first..<first + count).map { index in
            let number = String(format: "%04d", index)
            return StoreFixtures.user(
                "id-\(number)", upn: "user\(number)@contoso.example", enabled: !disabled.contains(index),
                displayName: "User \(number)", record: index)
        }
    }

    /// A guarded run of `users` at the bench's clock.
    @discardableResult
    func run(
        _ users: [DirectoryUser], mode: GuardedRun.Mode = .apply, allowDeletions: Bool = false, allowShrink: Bool = false
    ) throws -> GuardedRun.Outcome {
        notices = []
        let guarded = GuardedRun(
            target: target, state: store.runState, settings: settings,
            options: .init(mode: mode, allowDeletions: allowDeletions, allowShrink: allowShrink),
            clock: { [clock] in clock.now }, notice: { [weak self] in self?.notices.append($0) })
        let snapshot = StoreFixtures.snapshot(users)
        return try guarded.run(.snapshot(users: users.count, sha256: snapshot.sha256, plan: { [store, clock] in
            let state = try store.targetState()
            return (Planner(mapping: .uiPath).plan(snapshot: snapshot, target: state, createdAt: clock.stamp), state)
        }), show: { [weak self] in self?.shown.append($0) })
    }

    /// The rows of `sql`.
    func rows(_ sql: String) throws -> [[SQLValue]] {
        try StoreFixtures.rows(database, sql)
    }

    /// The current quarantine, if any.
    var quarantine: QuarantineState? {
        get throws { try Quarantine(database: database).current() }
    }

    var escrow: [EscrowEntry] {
        get throws { try Escrow(database: database).entries() }
    }

    /// The userNames of the store's active users, sorted.
    var activeUserNames: [String] {
        get throws { try store.users().filter(\.active).map(\.userName).sorted() }
    }

    /// The last run's record.
    var lastRun: RunRecord {
        get throws { try RunHistory.recent(database, limit: 1)[0] }
    }
}
