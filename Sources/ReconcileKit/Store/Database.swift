import Foundation
internal import CSQLite

/// One SQLite connection, closed when the value is released.
///
/// The connection is opened with `SQLITE_OPEN_NOMUTEX`: use it from one thread at a time. On open
/// it turns on extended result codes, a 5-second busy timeout and foreign key enforcement.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/open.html>
final class Database {
    /// The `sqlite3 *` handle; `Statement` reads it to report errors.
    let connection: OpaquePointer
    /// The file this connection was opened on.
    let path: String

    /// Opens the database file at `path`.
    ///
    /// - parameters:
    ///   - path: The file to open.
    ///   - create: Whether to create the file when it does not exist.
    /// - throws: `StoreError.cannotOpen` with SQLite's message when the file cannot be opened
    ///   (including a missing file when `create` is false) or the connection cannot be set up.
    init(path: String, create: Bool) throws(StoreError) {
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            // > Whether or not an error occurs when it is opened, resources associated with the
            // > database connection handle should be released by passing it to sqlite3_close().
            sqlite3_close_v2(handle)
            throw .cannotOpen(path: path, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
        // Set up before `self` exists so a failure closes the handle here and deinit never sees it.
        guard sqlite3_exec(handle, "PRAGMA foreign_keys = ON", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw .cannotOpen(path: path, message: message)
        }
        self.connection = handle
        self.path = path
    }

    deinit {
        // Statements keep their Database alive, so every statement is finalized by now.
        sqlite3_close_v2(connection)
    }

    // MARK: - Statements

    /// Runs one or more semicolon-separated statements that take no parameters.
    ///
    /// - throws: `StoreError.sqlite` for the first statement that fails.
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(connection, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw lastError(code: code, sql: sql) }
    }

    /// Compiles a single statement, to be bound and stepped, possibly many times.
    ///
    /// - throws: `StoreError.sqlite` when the SQL does not compile or holds more than one statement.
    func prepare(_ sql: String) throws(StoreError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE` ... `COMMIT`, rolling back if it throws.
    ///
    /// The write lock is taken up front, so a concurrent writer makes `BEGIN` wait (busy timeout)
    /// rather than failing halfway through `body`.
    /// Related SQLite documentation: <https://www.sqlite.org/lang_transaction.html>
    ///
    /// - returns: What `body` returns.
    /// - throws: The error `body` threw, even if the rollback fails too; or the `StoreError` of
    ///   `BEGIN` or `COMMIT` (a failed commit is rolled back).
    func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
        } catch {
            rollbackIgnoringErrors()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            // A COMMIT that fails (SQLITE_BUSY, a deferred constraint) leaves the transaction open.
            rollbackIgnoringErrors()
            throw error
        }
        return result
    }

    /// Runs `body` inside `BEGIN` ... `COMMIT`, a deferred transaction that takes no write lock, so
    /// that what several statements read is one state of the database; inside a transaction
    /// already, just runs `body`.
    func reading<T>(_ body: () throws -> T) throws -> T {
        guard isAutocommit else { return try body() }
        try execute("BEGIN")
        // Nothing was written: ending the transaction either way only lets go of the read.
        defer { rollbackIgnoringErrors() }
        return try body()
    }

    private func rollbackIgnoringErrors() {
        // SQLite may already have rolled back on its own (SQLITE_FULL, SQLITE_IOERR...), and the
        // caller wants the error that caused the rollback, not "no transaction is active".
        if sqlite3_get_autocommit(connection) == 0 {
            sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
        }
    }

    // MARK: - Conveniences

    /// The first column of the first row as an integer, or `nil` when there is no row or it is `NULL`.
    func scalarInt(_ sql: String, _ values: SQLValue...) throws(StoreError) -> Int? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.int(0)
    }

    /// Whether a table named `name` (compared case-insensitively, as SQLite does) exists.
    func tableExists(_ name: String) throws(StoreError) -> Bool {
        try scalarInt(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
            .text(name)
        ) != nil
    }

    /// `PRAGMA user_version`: the schema version recorded in the file header (0 for a new file).
    var userVersion: Int {
        get throws(StoreError) { try scalarInt("PRAGMA user_version") ?? 0 }
    }

    /// Sets `PRAGMA user_version`; the header field is a signed 32-bit integer.
    func setUserVersion(_ version: Int) throws(StoreError) {
        precondition(Int32(exactly: version) != nil, "user_version must fit in 32 bits, got \(version)")
        // PRAGMA takes no bound parameters; the value is an integer, never text from outside.
        try execute("PRAGMA user_version = \(version)")
    }

    /// `PRAGMA application_id`: the 32-bit tag identifying which program owns the file.
    func applicationID() throws(StoreError) -> Int32 {
        Int32(truncatingIfNeeded: try scalarInt("PRAGMA application_id") ?? 0)
    }

    /// Sets `PRAGMA application_id`.
    func setApplicationID(_ id: Int32) throws(StoreError) {
        try execute("PRAGMA application_id = \(id)")
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    var changes: Int {
        Int(sqlite3_changes64(connection))
    }

    /// Whether no transaction is open on this connection.
    var isAutocommit: Bool {
        sqlite3_get_autocommit(connection) != 0
    }

    /// The rowid of the most recent successful INSERT on this connection.
    var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(connection)
    }

    // MARK: - Errors and files

    /// The error for a failed call that returned `code`, with `sqlite3_errmsg` read now, before
    /// another call overwrites it.
    func lastError(code: Int32, sql: String) -> StoreError {
        .sqlite(code: code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }

    private static let header = Array("SQLite format 3\0".utf8)

    /// Whether the file at `path` starts with the SQLite 3 header, read as plain bytes so that a
    /// foreign file is never opened, locked or journaled by SQLite.
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/fileformat.html#the_database_header>
    ///
    /// - returns: `false` for a missing, unreadable, empty or short file, or any other content.
    static func isSQLiteFile(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: header.count) else { return false }
        return prefix.elementsEqual(header)
    }
}

@available(*, unavailable, message: "a connection opened with SQLITE_OPEN_NOMUTEX is not thread-safe")
extension Database: Sendable {}
