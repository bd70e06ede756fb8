import Foundation
internal import CSQLite

/// Copies committed write-ahead log frames into the database file on another core while the
/// connection that wrote them goes on writing.
///
/// Every page a commit writes to the log is written again into the database file by a checkpoint:
/// for a nightly 10,000 changes, some 37,000 pages, read back from the log, written and synced. Left
/// to the writer, that is a checkpoint when the log outgrows `wal_autocheckpoint`, and the rest when
/// the store closes, each on the writer's core while the other waits. Here a connection of its own
/// checkpoints after each commit (`committed()`), passively: it copies what no reader still needs
/// and never blocks the writer. `finish()` checkpoints once more and closes it, so what was committed
/// is in the database file before the store closes.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/wal_checkpoint_v2.html>
final class WALCheckpointer: @unchecked Sendable {
    // `connection` is used on the checkpointing thread only; the other members under `condition`'s
    // lock, which is what makes sharing the object safe.
    private var connection: Database?
    private let condition = NSCondition()
    /// A commit since the last checkpoint began.
    private var pending = false
    private var finishing = false
    private var stopped = false

    /// A checkpointer for the database `database` is connected to, if it is a file in WAL mode.
    init?(for database: Database) {
        guard (try? database.scalarText("PRAGMA journal_mode")) == "wal",
              let connection = try? Database(path: database.path, create: false) else { return nil }
        // As the store's connections: the log is synced before it is copied, the file after.
        guard (try? connection.execute("PRAGMA synchronous = NORMAL")) != nil else { return nil }
        self.connection = connection
        let thread = Thread { [self] in run() }
        thread.name = "reconcile-checkpoint"
        thread.start()
    }

    /// A transaction committed: its frames are copied when the checkpoint in progress, if any, is done.
    func committed() {
        condition.withLock {
            pending = true
            condition.signal()
        }
    }

    /// Checkpoints what was committed since the last checkpoint, then stops; returns once done.
    func finish() {
        condition.withLock {
            finishing = true
            condition.signal()
            while !stopped { condition.wait() }
        }
    }

    private func run() {
        condition.lock()
        while true {
            while !pending && !finishing { condition.wait() }
            let last = finishing
            pending = false
            condition.unlock()
            // Passive: copies the frames no reader needs, without waiting for a lock or blocking
            // the writer. A failure leaves the frames to the next checkpoint, or the store's close.
            sqlite3_wal_checkpoint_v2(connection!.connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            condition.lock()
            if last { break }
        }
        // Closed before `finish()` returns, not whenever the thread lets go of this object: the
        // store's own connection is then the last, and its close removes the log.
        connection = nil
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
