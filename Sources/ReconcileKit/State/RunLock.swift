/// Who holds a store's run lock: the run, its command and its process.
public struct LockHolder: Sendable, Equatable {
    public var runID: Int64
    /// `apply`, `apply-plan` or `recover`.
    public var command: String
    public var pid: Int32
    public var host: String
    public var since: String
    /// The process's start mark (`ProcessIdentity.start`), to tell a reused process id.
    var processStart: String?

    var process: ProcessIdentity { ProcessIdentity(pid: pid, start: processStart, host: host) }
}

/// One run at a time per store or state file: a lock row naming the run and its process, taken in a
/// transaction together with the run's record.
///
/// A run killed with `kill -9` cannot remove its row; the next run sees that the recorded process is
/// gone (`ProcessIdentity.isRunning`), marks the dead run `interrupted` and takes the lock over. A
/// holder on another host cannot be checked from here and is only overridden by `--break-lock`.
final class RunLock {
    private let state: RunState
    private var database: Database { state.database }

    init(state: RunState) {
        self.state = state
    }

    /// The current holder, read without a write transaction: in WAL mode this never waits for a
    /// writer, so a run can say who holds the lock even while that run is inside a long batch.
    func holder() throws(StoreError) -> LockHolder? {
        let statement = try database.prepare("SELECT run_id, command, pid, process_start, host, since FROM run_lock WHERE id = 1")
        guard try statement.step() else { return nil }
        return LockHolder(
            runID: statement.int64(0), command: statement.text(1), pid: Int32(truncatingIfNeeded: statement.int(2)),
            host: statement.text(4), since: statement.text(5), processStart: statement.optionalText(3))
    }

    /// What taking the lock found.
    struct Acquired {
        /// The run recorded for this process.
        var runID: Int64
        /// A holder whose process had died (or that `--break-lock` overrode).
        var tookOver: LockHolder?
        /// Runs left unfinished by dead processes, now marked `interrupted`.
        var interrupted: [Int64]
    }

    /// Takes the lock and records a new run in the same transaction.
    /// - Throws: `SafetyError.locked` when a live run holds the lock (or one this host cannot check).
    func acquire(
        store: String, mode: String, snapshotSHA256: String?, snapshotUsers: Int?, breakLock: Bool, at time: String
    ) throws -> Acquired {
        let me = ProcessIdentity.current()
        if let holder = try holder(), !Self.canTakeOver(holder, breakLock: breakLock) {
            throw SafetyError.locked(store: store, holder: holder, checkable: holder.process.isRunning() != nil)
        }
        do {
            return try database.inTransaction {
                var tookOver: LockHolder?
                if let holder = try holder() {
                    guard Self.canTakeOver(holder, breakLock: breakLock) else {
                        throw SafetyError.locked(store: store, holder: holder, checkable: holder.process.isRunning() != nil)
                    }
                    tookOver = holder
                }
                // Only the lock holder runs, so any unfinished run belongs to a process that died.
                var interrupted: [Int64] = []
                try database.prepare("SELECT id FROM runs WHERE outcome IS NULL ORDER BY id").forEachRow { interrupted.append($0.int64(0)) }
                try database.prepare("""
                    UPDATE runs SET outcome = 'interrupted', message = 'the process stopped before the run finished (killed or crashed)'
                    WHERE outcome IS NULL
                    """).run()
                let runID = try state.beginRun(mode: mode, snapshotSHA256: snapshotSHA256, at: time)
                try database.prepare("UPDATE runs SET snapshot_users = ? WHERE id = ?").run(snapshotUsers.map { SQLValue.integer(Int64($0)) } ?? .null, .integer(runID))
                try database.prepare("""
                    INSERT OR REPLACE INTO run_lock (id, run_id, command, pid, process_start, host, since) VALUES (1, ?, ?, ?, ?, ?, ?)
                    """).run(.integer(runID), .text(mode), .integer(Int64(me.pid)), SQLValue(me.start), .text(me.host), .text(time))
                return Acquired(runID: runID, tookOver: tookOver, interrupted: interrupted)
            }
        } catch {
            // Another run held the write lock for longer than the busy timeout: it is running.
            if case .sqlite(let code, _, _) = error as? StoreError, code & 0xFF == 5, let holder = try holder() {
                throw SafetyError.locked(store: store, holder: holder, checkable: holder.process.isRunning() != nil)
            }
            throw error
        }
    }

    /// Releases the lock if `runID` still holds it.
    func release(runID: Int64) throws {
        try database.inTransaction {
            try database.prepare("DELETE FROM run_lock WHERE id = 1 AND run_id = ?").run(.integer(runID))
        }
    }

    /// A dead holder's lock is taken over; `--break-lock` also takes one this host cannot check, but
    /// never one whose process is seen running here.
    private static func canTakeOver(_ holder: LockHolder, breakLock: Bool) -> Bool {
        switch holder.process.isRunning() {
        case false?: return true
        case nil: return breakLock
        case true?: return false
        }
    }
}
