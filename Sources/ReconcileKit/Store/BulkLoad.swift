/// A first full load into an (almost) empty store: the apply runs as one transaction that drops the
/// secondary indexes of the tables it fills, inserts every row, and creates the same indexes again
/// before it commits.
///
/// Rows arrive in the order of the plan, so each secondary index (externalId, the log's userName
/// and source id) would otherwise take one insert at a random page per row, and every batch commit
/// would write those pages again; `CREATE INDEX` sorts its keys once instead. Because the indexes
/// are dropped and made again inside the same transaction, no other connection, and no run after a
/// crash or kill, ever sees the store without them: either the whole load is there with every
/// index, or none of it is. The indexes behind `UNIQUE` and `PRIMARY KEY` cannot be dropped, and
/// keep enforcing their constraints row by row.
enum BulkLoad {
    /// The tables a first load fills: one users row, one links row and one log record per create.
    static let tables = ["users", "links", "provisioning_log"]

    /// Whether adding `creates` users is a bulk load: at least `minimum` of them, and no more rows
    /// in any of `tables` than the load adds to it, so rebuilding an index costs at most about what
    /// the inserts into it cost (and usually far less).
    static func isWorthwhile(creates: Int, minimum: Int, in database: Database) throws(StoreError) -> Bool {
        guard creates >= minimum else { return false }
        for table in tables {
            // max(rowid) is a bound on the row count that SQLite reads from the end of the table
            // without scanning it (a million users' count(*) would read the whole table).
            if try database.scalarInt("SELECT max(rowid) FROM \(table)") ?? 0 > creates { return false }
        }
        return true
    }

    /// One index to make again: its name and the `CREATE INDEX` statement the schema holds for it.
    struct Index: Equatable {
        let name: String
        let sql: String
    }

    /// Drops the secondary indexes of `tables` and returns them, to give to `recreate(_:in:)` in the
    /// same transaction. Every index with SQL of its own is dropped, also one added outside reconcile;
    /// the automatic ones of `UNIQUE` and `PRIMARY KEY` (which have none) stay.
    static func dropIndexes(in database: Database) throws(StoreError) -> [Index] {
        precondition(!database.isAutocommit, "indexes are dropped only inside the transaction that creates them again")
        var indexes: [Index] = []
        let statement = try database.prepare("""
            SELECT name, sql FROM sqlite_master
            WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(tables.map { "'\($0)'" }.joined(separator: ", ")))
            ORDER BY rowid
            """)
        try statement.bind([])
        while try statement.step() {
            indexes.append(Index(name: statement.text(0), sql: statement.text(1)))
        }
        statement.reset()
        for index in indexes {
            try database.execute("DROP INDEX \(quoted(index.name))")
        }
        return indexes
    }

    /// Creates `indexes` again from the statements the schema held for them, in their old order.
    static func recreate(_ indexes: [Index], in database: Database) throws(StoreError) {
        // SQLite sorts an index's keys in memory up to the page cache's size, on top of the cache:
        // with the load's cache (`Applier`) that raised a first load's peak memory by about 100 MB.
        // Making an index writes it in order and needs no large cache.
        try database.execute("PRAGMA cache_size = -32768")
        for index in indexes {
            try database.execute(index.sql)
        }
    }

    /// Runs `body` (the load's one transaction) with a rollback journal instead of the write-ahead
    /// log, and puts the store back in WAL mode afterwards, whether `body` threw or not.
    ///
    /// In WAL mode every page of the load is written twice, once to the log and once more when the
    /// log is checkpointed into the file (two gigabytes each at a million users). A rollback journal
    /// holds only the pages the store had before, which for a first load are few: the new pages go
    /// straight into the file. A kill leaves the journal behind, and the next connection rolls the
    /// load back from it before reading anything; `StoreFile.open` then turns WAL on again.
    /// `synchronous` is FULL meanwhile, the level at which a rollback journal survives a power loss
    /// as WAL does at NORMAL. When the mode cannot be changed (another connection has the store
    /// open), the load runs in WAL mode as it would otherwise.
    static func withRollbackJournal<T>(in database: Database, _ body: () throws -> T) throws -> T {
        precondition(database.isAutocommit, "the journal mode changes only outside a transaction")
        let switched = (try? database.scalarText("PRAGMA journal_mode = DELETE")) == "delete"
        if switched { try database.execute("PRAGMA synchronous = FULL") }
        defer {
            // Left in rollback mode (and at FULL) if this fails: the next open turns WAL on again.
            if switched, (try? database.scalarText("PRAGMA journal_mode = WAL")) == "wal" {
                try? database.execute("PRAGMA synchronous = NORMAL")
            }
        }
        return try body()
    }

    /// An identifier as SQL text: a name read from the schema, never data from outside.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
