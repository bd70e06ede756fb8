extension SQLiteStore {
    /// The embedded store's connection check: its file is open (the initialiser checked that it is a
    /// reconcile store), and its users table can be read.
    /// - Throws: `TargetUnavailable` (`.unreachable`) with SQLite's message.
    public func probe() throws {
        do {
            _ = try database.scalarInt("SELECT 1 FROM users LIMIT 1")
        } catch {
            throw TargetUnavailable(.unreachable, "cannot read the store \(path): \(error)")
        }
    }
}
