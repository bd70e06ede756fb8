internal import CSQLite

/// Makes SQLite copy bound text and blobs before the bind call returns; the C macro
/// `SQLITE_TRANSIENT` is a cast that Swift does not import.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One compiled SQL statement, finalized when the value is released.
///
/// Typical use binds values, steps through the rows and resets, with `run` and `forEachRow`
/// doing all three. Column indexes are 0-based; parameter positions are 1-based, as in SQLite.
/// Errors carry SQLite's extended result code, its message and this statement's SQL text,
/// never the bound values.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/stmt.html>
final class Statement {
    /// The SQL text this statement was compiled from.
    let sql: String
    private let handle: OpaquePointer
    // Keeps the connection open for as long as the statement exists.
    private let database: Database

    /// Compiles `sql`, which must hold exactly one statement.
    init(database: Database, sql: String) throws(StoreError) {
        var handle: OpaquePointer?
        var hasTrailingStatement = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(database.connection, text, -1, &handle, &tail)
            if code == SQLITE_OK, let tail, tail.pointee != 0 {
                // Only whitespace and comments may follow: compiling those yields no statement.
                var extra: OpaquePointer?
                let extraCode = sqlite3_prepare_v2(database.connection, tail, -1, &extra, nil)
                hasTrailingStatement = extraCode != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return code
        }
        guard code == SQLITE_OK else { throw database.lastError(code: code, sql: sql) }
        guard let handle, !hasTrailingStatement else {
            sqlite3_finalize(handle)
            let problem = handle == nil ? "holds no statement" : "holds more than one statement"
            throw .sqlite(
                code: SQLITE_MISUSE,
                message: "the SQL passed to prepare \(problem); use execute for scripts",
                sql: sql
            )
        }
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: - Running

    /// Resets the statement and binds `values` to parameters 1...n, replacing earlier bindings.
    ///
    /// - throws: `StoreError.sqlite` with `SQLITE_RANGE` when the number of values differs from
    ///   the statement's parameter count, or SQLite's error when a value cannot be bound (too big).
    func bind(_ values: [SQLValue]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            // Binding too few would silently leave the rest NULL.
            throw .sqlite(
                code: SQLITE_RANGE,
                message: "the statement takes \(expected) parameters, \(values.count) given",
                sql: sql
            )
        }
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null:
                code = sqlite3_bind_null(handle, position)
            case .integer(let int):
                code = sqlite3_bind_int64(handle, position, int)
            case .real(let double):
                code = sqlite3_bind_double(handle, position, double)
            case .text(let string):
                // The explicit length keeps any U+0000 inside the string.
                code = string.withCString { text in
                    sqlite3_bind_text64(
                        handle, position, text, sqlite3_uint64(string.utf8.count), SQLITE_TRANSIENT,
                        UInt8(SQLITE_UTF8))
                }
            case .blob(let bytes) where bytes.isEmpty:
                // An empty array may have no base address, and a NULL pointer would bind NULL.
                code = sqlite3_bind_zeroblob(handle, position, 0)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob64(
                        handle, position, buffer.baseAddress, sqlite3_uint64(buffer.count), SQLITE_TRANSIENT)
                }
            }
            guard code == SQLITE_OK else { throw database.lastError(code: code, sql: sql) }
        }
    }

    /// Advances to the next row.
    ///
    /// - returns: `true` when a row is available through the column accessors, `false` when done.
    /// - throws: `StoreError.sqlite` with the extended result code (for example 2067,
    ///   `SQLITE_CONSTRAINT_UNIQUE`).
    func step() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw database.lastError(code: code, sql: sql)
        }
    }

    /// Rewinds the statement so it can be stepped again; bindings are kept.
    func reset() {
        // sqlite3_reset repeats the error of the last step, which step() has already thrown.
        sqlite3_reset(handle)
    }

    /// Binds `values`, steps until done and resets: an INSERT, UPDATE or DELETE that can be run
    /// again with other values.
    func run(_ values: SQLValue...) throws(StoreError) {
        try bind(values)
        defer { reset() }
        while try step() {}
    }

    /// Binds `values` and calls `body` once per row, the statement positioned on that row, then resets.
    func forEachRow(_ values: SQLValue..., body: (Statement) throws -> Void) throws {
        try bind(values)
        defer { reset() }
        while try step() {
            try body(self)
        }
    }

    // MARK: - Columns of the current row

    /// The number of columns in the result.
    var columnCount: Int32 {
        sqlite3_column_count(handle)
    }

    /// Whether column `i` is `NULL`.
    func isNull(_ i: Int32) -> Bool {
        sqlite3_column_type(handle, i) == SQLITE_NULL
    }

    /// Column `i` as an integer (0 for `NULL`).
    func int(_ i: Int32) -> Int {
        Int(sqlite3_column_int64(handle, i))
    }

    /// Column `i` as a 64-bit integer (0 for `NULL`).
    func int64(_ i: Int32) -> Int64 {
        sqlite3_column_int64(handle, i)
    }

    /// Column `i` as a double (0 for `NULL`).
    func double(_ i: Int32) -> Double {
        sqlite3_column_double(handle, i)
    }

    /// Column `i` as text (empty for `NULL`).
    func text(_ i: Int32) -> String {
        withTextBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Column `i` as text, or `nil` for `NULL`.
    func optionalText(_ i: Int32) -> String? {
        isNull(i) ? nil : text(i)
    }

    /// Column `i` as bytes (empty for `NULL`).
    func blob(_ i: Int32) -> [UInt8] {
        // sqlite3_column_bytes must come after sqlite3_column_blob, which may convert the value.
        guard let base = sqlite3_column_blob(handle, i) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(handle, i))))
    }

    /// Column `i` in its own storage class.
    func value(_ i: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: .integer(int64(i))
        case SQLITE_FLOAT: .real(double(i))
        case SQLITE_TEXT: .text(text(i))
        case SQLITE_BLOB: .blob(blob(i))
        default: .null
        }
    }

    /// Calls `body` with column `i`'s UTF-8 bytes (empty for `NULL`) without creating a `String`.
    ///
    /// The buffer belongs to SQLite and is valid only during `body`.
    func withTextBytes<R, E: Error>(
        _ i: Int32, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        // sqlite3_column_bytes must come after sqlite3_column_text, which may convert the value.
        // A NULL pointer means SQL NULL, an empty value, or out of memory; all read as no bytes.
        guard let base = sqlite3_column_text(handle, i) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(handle, i))))
    }
}

@available(*, unavailable, message: "a statement belongs to one connection and is not thread-safe")
extension Statement: Sendable {}
