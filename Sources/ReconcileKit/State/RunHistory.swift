import Foundation

/// One run as the runs table records it.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var startedAt: String
    public var finishedAt: String?
    /// `apply`, `apply-plan`, `recover` or `explain` (one user, `reconcile explain USER --apply`).
    public var mode: String
    /// `success`, `partial`, `failed`, `interrupted`, `held` (deletion threshold), `quarantined`,
    /// `refused` (partial export), `stale`; `nil` while the run is in progress.
    public var outcome: String?
    public var created = 0, updated = 0, linked = 0, disabled = 0, deleted = 0, skipped = 0, failed = 0
    public var staged = 0, deferred = 0, noChange = 0
    public var snapshotUsers: Int?
    /// Why the run ended as it did, when that needs saying (a refusal, a quarantine entered or left).
    public var message: String?

    /// Seconds from start to finish, when both are known.
    public var duration: TimeInterval? {
        guard let finishedAt, let end = Timestamp.parse(finishedAt), let start = Timestamp.parse(startedAt) else { return nil }
        return end.timeIntervalSince(start)
    }
}

/// Reading and annotating the runs table, beyond what `RunState` records while applying.
enum RunHistory {
    private static let columns = """
        id, started_at, finished_at, mode, outcome, created, updated, linked, disabled, deleted, skipped, failed,
        staged, deferred, no_change, snapshot_users, message
        """

    /// The latest `limit` runs, newest first.
    static func recent(_ database: Database, limit: Int) throws -> [RunRecord] {
        var runs: [RunRecord] = []
        try database.prepare("SELECT \(columns) FROM runs ORDER BY id DESC LIMIT ?").forEachRow(.integer(Int64(limit))) { row in
            runs.append(record(row))
        }
        return runs
    }

    /// The run `id`, if recorded.
    static func run(_ database: Database, id: Int64) throws -> RunRecord? {
        var found: RunRecord?
        try database.prepare("SELECT \(columns) FROM runs WHERE id = ?").forEachRow(.integer(id)) { found = record($0) }
        return found
    }

    /// The last run that applied a snapshot (fully or partly) and recorded its size: the partial-export
    /// guard's reference.
    static func lastSuccessful(_ database: Database) throws -> PartialExportGuard.LastRun? {
        let statement = try database.prepare("""
            SELECT id, snapshot_users, finished_at FROM runs
            WHERE outcome IN ('success', 'partial') AND snapshot_users IS NOT NULL AND finished_at IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """)
        guard try statement.step() else { return nil }
        return PartialExportGuard.LastRun(runID: statement.int64(0), snapshotUsers: statement.int(1), finishedAt: statement.text(2))
    }

    /// Sets the columns the Applier does not know about.
    static func annotate(
        _ database: Database, runID: Int64, staged: Int, deferred: Int, noChange: Int, message: String?
    ) throws(StoreError) {
        try database.prepare("UPDATE runs SET staged = ?, deferred = ?, no_change = ?, message = ? WHERE id = ?").run(
            .integer(Int64(staged)), .integer(Int64(deferred)), .integer(Int64(noChange)), SQLValue(message), .integer(runID))
    }

    /// Ends a run that applied nothing (refused, held, quarantined) with `outcome` and why.
    static func end(_ database: Database, runID: Int64, outcome: String, message: String, staged: Int = 0, at time: String) throws(StoreError) {
        try database.prepare("UPDATE runs SET finished_at = ?, outcome = ?, message = ?, staged = ? WHERE id = ?").run(
            .text(time), .text(outcome), .text(message), .integer(Int64(staged)), .integer(runID))
    }

    private static func record(_ row: Statement) -> RunRecord {
        var run = RunRecord(id: row.int64(0), startedAt: row.text(1), finishedAt: row.optionalText(2), mode: row.text(3), outcome: row.optionalText(4))
        (run.created, run.updated, run.linked, run.disabled, run.deleted, run.skipped, run.failed) =
            (row.int(5), row.int(6), row.int(7), row.int(8), row.int(9), row.int(10), row.int(11))
        (run.staged, run.deferred, run.noChange) = (row.int(12), row.int(13), row.int(14))
        run.snapshotUsers = row.isNull(15) ? nil : row.int(15)
        run.message = row.optionalText(16)
        return run
    }
}
