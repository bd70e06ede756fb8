import Foundation

/// When a failed action is tried again: Entra's escrow schedule (entra-provisioning.md §7): 6 hours
/// after the first failure, 12 after the second, 24 after the third and daily from then on, until
/// 28 days after the first failure, when escrow gives up.
public struct RetrySchedule: Sendable, Equatable {
    /// The wait after the 1st, 2nd, ... failure; the last one repeats.
    public var delays: [TimeInterval] = [6 * 3600, 12 * 3600, 24 * 3600]
    /// How long after the first failure escrow stops retrying.
    public var giveUpAfter: TimeInterval = 28 * 86400

    /// Entra's schedule.
    public init() {}

    /// The wait after the `failures`-th failure (1-based).
    public func delay(afterFailures failures: Int) -> TimeInterval {
        delays[min(max(failures, 1), delays.count) - 1]
    }
}

/// A failed action waiting for its retry.
public struct EscrowEntry: Sendable, Equatable {
    /// The user's source id, or `target:ID` for an action without one.
    public var key: String
    public var sourceID: String?
    public var targetID: String?
    public var userName: String
    /// The action that failed (`create`, `update`, ...).
    public var action: String
    public var errorCode: String?
    public var error: String
    /// Failed attempts so far.
    public var attempts: Int
    public var firstFailed: String
    public var lastFailed: String
    public var nextRetry: String
    /// When escrow gave up (28 days after the first failure), or `nil` while it still retries.
    public var givenUp: String?
    /// The run of the last failure.
    public var runID: Int64?

    /// What the plan does with this user's action at `now`: `nil` when it is due (tried again).
    func hold(at now: String) -> PlanAction.Hold? {
        let lastError = errorCode.map { "\($0): \(error)" } ?? error
        if let givenUp { return .givenUp(at: givenUp, attempts: attempts, lastError: lastError) }
        if nextRetry > now { return .deferred(nextRetry: nextRetry, attempts: attempts, lastError: lastError) }
        return nil
    }
}

/// Failed actions kept for retry on the back-off schedule, one entry per user.
///
/// A failure is recorded (or its entry's attempts counted up) from the provisioning log of the run;
/// later runs re-plan the user as usual, and escrow decides whether the action is tried in this run
/// or deferred. A success, or the user no longer needing the action, clears the entry.
final class Escrow {
    private let database: Database
    let schedule: RetrySchedule

    init(database: Database, schedule: RetrySchedule = RetrySchedule()) {
        self.database = database
        self.schedule = schedule
    }

    /// The escrow key of an action's user.
    static func key(sourceID: String?, targetID: String?, userName: String) -> String {
        sourceID ?? targetID.map { "target:\($0)" } ?? "userName:\(userName)"
    }

    static func key(for action: PlanAction) -> String {
        key(sourceID: action.sourceId, targetID: action.targetId, userName: action.userName)
    }

    /// Every entry, soonest retry first.
    func entries() throws -> [EscrowEntry] {
        let statement = try database.prepare("""
            SELECT key, source_id, target_id, user_name, action, error_code, error, attempts, first_failed, last_failed,
                next_retry, given_up, run_id
            FROM escrow ORDER BY given_up IS NOT NULL, next_retry, key
            """)
        var entries: [EscrowEntry] = []
        try statement.forEachRow { row in
            entries.append(EscrowEntry(
                key: row.text(0), sourceID: row.optionalText(1), targetID: row.optionalText(2), userName: row.text(3),
                action: row.text(4), errorCode: row.optionalText(5), error: row.text(6), attempts: row.int(7),
                firstFailed: row.text(8), lastFailed: row.text(9), nextRetry: row.text(10), givenUp: row.optionalText(11),
                runID: row.isNull(12) ? nil : row.int64(12)))
        }
        return entries
    }

    /// Records one more failure of the user's action at `time` and schedules its next retry.
    func recordFailure(
        key: String, sourceID: String?, targetID: String?, userName: String, action: String,
        errorCode: String?, error: String, runID: Int64, at time: Date
    ) throws(StoreError) {
        let now = Timestamp.format(time)
        let previous = try database.scalarInt("SELECT attempts FROM escrow WHERE key = ?", .text(key)) ?? 0
        let attempts = previous + 1
        let next = Timestamp.format(time.addingTimeInterval(schedule.delay(afterFailures: attempts)))
        try database.prepare("""
            INSERT INTO escrow (key, source_id, target_id, user_name, action, error_code, error, attempts, first_failed,
                last_failed, next_retry, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET source_id = excluded.source_id, target_id = excluded.target_id,
                user_name = excluded.user_name, action = excluded.action, error_code = excluded.error_code,
                error = excluded.error, attempts = excluded.attempts, last_failed = excluded.last_failed,
                next_retry = excluded.next_retry, run_id = excluded.run_id
            """).run(
                .text(key), SQLValue(sourceID), SQLValue(targetID), .text(userName), .text(action), SQLValue(errorCode),
                .text(error), .integer(Int64(attempts)), .text(now), .text(now), .text(next), .integer(runID))
    }

    /// Clears the entries of `keys` (their actions succeeded, or are no longer needed).
    func resolve(_ keys: some Sequence<String>) throws(StoreError) {
        let statement = try database.prepare("DELETE FROM escrow WHERE key = ?")
        for key in keys { try statement.run(.text(key)) }
    }

    /// Marks entries whose first failure is `giveUpAfter` old or older as given up, and returns them.
    func giveUpExpired(now: Date) throws -> [EscrowEntry] {
        let cutoff = Timestamp.format(now.addingTimeInterval(-schedule.giveUpAfter))
        let expired = try entries().filter { $0.givenUp == nil && $0.firstFailed <= cutoff }
        let stamp = Timestamp.format(now)
        let statement = try database.prepare("UPDATE escrow SET given_up = ? WHERE key = ?")
        for entry in expired { try statement.run(.text(stamp), .text(entry.key)) }
        return expired.map { var entry = $0; entry.givenUp = stamp; return entry }
    }

    /// Deletes every entry (`--recover`); returns how many there were.
    func clear() throws(StoreError) -> Int {
        try database.execute("DELETE FROM escrow")
        return database.changes
    }
}
