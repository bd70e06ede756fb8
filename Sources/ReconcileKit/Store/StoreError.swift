/// Failures of the embedded SQLite store: opening, recognising and querying it.
///
/// Messages name the file or the SQL statement (never its bound values) and say what to do.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// sqlite3_open_v2 failed.
    case cannotOpen(path: String, message: String)
    /// A statement failed; `code` is SQLite's extended result code.
    case sqlite(code: Int32, message: String, sql: String)
    /// The file exists but is not a reconcile store (another program's database, or not SQLite at all).
    case notAStore(path: String, reason: String)
    /// The store was written by a newer reconcile with a schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, message):
            return "cannot open store \(path): \(message)"
        case let .sqlite(code, message, sql):
            return "SQLite error \(code) (\(message)) in statement: \(sql)"
        case let .notAStore(path, reason):
            return "\(path) is not a reconcile store (\(reason)); it was left untouched. "
                + "Pass --store with a new path to create a store, or the path of an existing one."
        case let .newerSchema(path, found, supported):
            return "store \(path) has schema version \(found), newer than this reconcile supports (\(supported)); "
                + "upgrade reconcile before running it against this store"
        }
    }
}
