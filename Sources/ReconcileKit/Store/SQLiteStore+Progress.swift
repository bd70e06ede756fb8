extension SQLiteStore {
    /// How many users the store holds: the total of the "reading the store" progress stage.
    public func userCount() throws(StoreError) -> Int {
        try database.scalarInt("SELECT count(*) FROM users") ?? 0
    }
}
