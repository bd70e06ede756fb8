import Foundation
import Testing
@testable import ReconcileKit

/// Swift Testing makes a new instance for every test, so each test gets its own directory and
/// database path, and `deinit` removes them with any journal SQLite left behind.
///
/// Test bodies stay at the top level rather than inside a `withTemporaryPath { path in ... }`
/// closure: with Swift 6.3.1, a `#expect(throws:)` whose closure holds another closure, inside an
/// enclosing closure, makes a later sibling closure run the macro's closure instead.
final class DatabaseTests {
    private struct Abort: Error, Equatable {}

    private let directory: URL
    /// A database path in this test's directory; nothing exists there until a test creates it.
    private let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("reconcile-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        path = directory.appendingPathComponent("store.sqlite").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Another path in this test's directory.
    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    // MARK: - Opening

    @Test func createsMissingFileWhenAskedTo() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try database.tableExists("t"))
        #expect(try database.tableExists("T"))
        #expect(try !database.tableExists("missing"))
    }

    @Test func refusesToCreateMissingFileWhenCreateIsFalse() throws {
        let error = try #require(throws: StoreError.self) { try Database(path: path, create: false) }
        #expect(error == .cannotOpen(path: path, message: "unable to open database file"))
        #expect(error.description == "cannot open store \(path): unable to open database file")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func enforcesForeignKeys() throws {
        let database = try Database(path: path, create: true)
        #expect(try database.scalarInt("PRAGMA foreign_keys") == 1)
        try database.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent (id));
            """)
        let error = try #require(throws: StoreError.self) {
            try database.execute("INSERT INTO child (parent) VALUES (42)")
        }
        // SQLITE_CONSTRAINT_FOREIGNKEY
        #expect(error == .sqlite(
            code: 787, message: "FOREIGN KEY constraint failed", sql: "INSERT INTO child (parent) VALUES (42)"))
    }

    @Test func userVersionAndApplicationIDSurviveReopening() throws {
        do {
            let database = try Database(path: path, create: true)
            #expect(try database.userVersion == 0)
            #expect(try database.applicationID() == 0)
            try database.setUserVersion(7)
            try database.setApplicationID(0x5245_434E)
        }
        let reopened = try Database(path: path, create: false)
        #expect(try reopened.userVersion == 7)
        #expect(try reopened.applicationID() == 0x5245_434E)
        try reopened.setApplicationID(Int32.min)
        #expect(try reopened.applicationID() == Int32.min)
    }

    // MARK: - Binding and reading

    @Test func bindsAndReadsEveryValueKind() throws {
        let database = try Database(path: path, create: true)
        // No declared type, so no affinity converts the stored values.
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
        let values: [SQLValue] = [
            .null, .integer(0), .integer(Int64.max), .integer(Int64.min), .real(-0.5), .real(1e300),
            .text(""), .text("plain"), .text("nul\u{0}inside\u{0}"), .text("Zoë 日本 \u{1F600}"),
            .blob([]), .blob([0, 1, 0xfe, 0xff]),
        ]
        let insert = try database.prepare("INSERT INTO t (id, v) VALUES (?, ?)")
        for (id, value) in values.enumerated() {
            try insert.run(SQLValue(id), value)
        }
        var read: [SQLValue] = []
        try database.prepare("SELECT v FROM t ORDER BY id").forEachRow { row in
            read.append(row.value(0))
        }
        #expect(read == values)
    }

    @Test func convenienceInitializersMapToStorageClasses() {
        #expect(SQLValue(nil as String?) == .null)
        #expect(SQLValue("x" as String?) == .text("x"))
        #expect(SQLValue(42) == .integer(42))
        #expect(SQLValue(true) == .integer(1))
        #expect(SQLValue(false) == .integer(0))
    }

    @Test func typedAccessorsReadColumns() throws {
        let database = try Database(path: path, create: true)
        let text = "a\u{0}b é"
        let statement = try database.prepare("SELECT ?, NULL, 3, 2.5, 9000000000")
        try statement.bind([.text(text)])
        #expect(try statement.step())
        #expect(statement.columnCount == 5)
        #expect(statement.text(0) == text)
        #expect(statement.text(0).utf8.count == 6)
        #expect(statement.withTextBytes(0) { Array($0) } == Array(text.utf8))
        #expect(statement.optionalText(0) == text)
        #expect(statement.isNull(1))
        #expect(statement.text(1) == "")
        #expect(statement.optionalText(1) == nil)
        #expect(statement.withTextBytes(1) { $0.count } == 0)
        #expect(statement.int(2) == 3)
        #expect(statement.double(3) == 2.5)
        #expect(statement.int64(4) == 9_000_000_000)
        #expect(try !statement.step())
    }

    @Test func preparedStatementRunsRepeatedly() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        let insert = try database.prepare("INSERT INTO users (name) VALUES (?)")
        for name in ["alice", "bob", "carol"] {
            try insert.run(.text(name))
            #expect(database.changes == 1)
        }
        #expect(database.lastInsertRowID == 3)
        #expect(try database.scalarInt("SELECT count(*) FROM users") == 3)
        #expect(try database.scalarInt("SELECT id FROM users WHERE name = ?", "bob") == 2)
        #expect(try database.scalarInt("SELECT id FROM users WHERE name = ?", "nobody") == nil)
        try database.execute("UPDATE users SET name = upper(name)")
        #expect(database.changes == 3)
    }

    // MARK: - Errors

    @Test func uniqueViolationReportsExtendedCodeAndSQLButNoValues() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE users (name TEXT NOT NULL UNIQUE)")
        let sql = "INSERT INTO users (name) VALUES (?)"
        let insert = try database.prepare(sql)
        try insert.run("alice@example.com")
        let error = try #require(throws: StoreError.self) { try insert.run("alice@example.com") }
        // 2067 is SQLITE_CONSTRAINT_UNIQUE, (8 << 8) | SQLITE_CONSTRAINT.
        #expect(error == .sqlite(code: 2067, message: "UNIQUE constraint failed: users.name", sql: sql))
        #expect(error.description
            == "SQLite error 2067 (UNIQUE constraint failed: users.name) in statement: \(sql)")
        #expect(!error.description.contains("alice"))
        // The statement was reset and stays usable.
        try insert.run("bob@example.com")
        #expect(try database.scalarInt("SELECT count(*) FROM users") == 2)
    }

    @Test func syntaxErrorNamesTheStatement() throws {
        let database = try Database(path: path, create: true)
        let error = try #require(throws: StoreError.self) { try database.prepare("SELEC 1") }
        #expect(error == .sqlite(code: 1, message: "near \"SELEC\": syntax error", sql: "SELEC 1"))
    }

    @Test func bindRejectsWrongArgumentCount() throws {
        let database = try Database(path: path, create: true)
        let statement = try database.prepare("SELECT ?, ?")
        let error = try #require(throws: StoreError.self) { try statement.bind([.integer(1)]) }
        #expect(error == .sqlite(
            code: 25, message: "the statement takes 2 parameters, 1 given", sql: "SELECT ?, ?"))
    }

    @Test func prepareRejectsMoreThanOneStatement() throws {
        let database = try Database(path: path, create: true)
        _ = try database.prepare("SELECT 1; -- a trailing comment\n")
        let sql = "SELECT 1; SELECT 2"
        let error = try #require(throws: StoreError.self) { try database.prepare(sql) }
        #expect(error == .sqlite(
            code: 21,
            message: "the SQL passed to prepare holds more than one statement; use execute for scripts",
            sql: sql))
    }

    // MARK: - Transactions

    @Test func inTransactionCommitsAndReturnsBodyResult() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE t (v INTEGER)")
        let rowID = try database.inTransaction {
            try database.execute("INSERT INTO t (v) VALUES (1)")
            return database.lastInsertRowID
        }
        #expect(rowID == 1)
        #expect(try Database(path: path, create: false).scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func inTransactionRollsBackAndRethrowsBodyError() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE t (v INTEGER)")
        #expect(throws: Abort()) {
            try database.inTransaction {
                try database.execute("INSERT INTO t (v) VALUES (1)")
                throw Abort()
            }
        }
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 0)
        // No transaction was left open.
        try database.inTransaction { try database.execute("INSERT INTO t (v) VALUES (2)") }
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func inTransactionRethrowsBodyErrorWhenNothingIsLeftToRollBack() throws {
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE t (v INTEGER)")
        #expect(throws: Abort()) {
            try database.inTransaction {
                try database.execute("INSERT INTO t (v) VALUES (1); ROLLBACK")
                throw Abort()
            }
        }
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 0)
    }

    // MARK: - Recognising files

    @Test func recognisesSQLiteFilesByTheirHeader() throws {
        try Database(path: path, create: true).execute("CREATE TABLE t (v)")
        #expect(Database.isSQLiteFile(path: path))

        let text = self.path("users.csv")
        try Data("id,name\n1,alice\n".utf8).write(to: URL(fileURLWithPath: text))
        #expect(!Database.isSQLiteFile(path: text))

        // The right text without the NUL that ends the header.
        let lookalike = self.path("notes.txt")
        try Data("SQLite format 3 notes, not a database".utf8).write(to: URL(fileURLWithPath: lookalike))
        #expect(!Database.isSQLiteFile(path: lookalike))

        let empty = self.path("empty.sqlite")
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(!Database.isSQLiteFile(path: empty))

        #expect(!Database.isSQLiteFile(path: self.path("missing.sqlite")))
        #expect(!Database.isSQLiteFile(path: directory.path))
    }
}
