/// Opening the embedded store for `reconcile explain` without `--apply`, which writes nothing.
extension SQLiteStore {
    /// Opens the existing store at `path` for reading. Opening a store of an older schema upgrades it
    /// (a write), so such a store is refused here instead; anything that is not a reconcile store is
    /// refused by the usual checks, which write nothing either.
    /// - Throws: `ExplainError.storeNeedsUpgrade`, or the `StoreError` of opening it.
    public static func openForReading(path: String) throws -> SQLiteStore {
        if Database.isSQLiteFile(path: path) {
            // Closed again at the end of this scope, before the store opens its own connection.
            let database = try Database(path: path, create: false)
            let version = try database.userVersion
            if try database.applicationID() == StoreFile.applicationID && version < StoreFile.migrations.count {
                throw ExplainError.storeNeedsUpgrade(path: path, found: version, current: StoreFile.migrations.count)
            }
        }
        return try SQLiteStore(path: path, create: false)
    }
}
