/// The state file kept beside a live SCIM endpoint (DESIGN §6): the same run state as the embedded
/// store keeps in its own file, without users.
extension RunState {
    /// Opens the state file at `path`, creating it when missing and `create` allows it.
    /// - Parameter notice: receives one line for stderr when the file is created.
    /// - Throws: `StoreError.notAStore` for an existing file that is not a reconcile state file
    ///   (an embedded store included); nothing is written to it.
    public static func open(stateFile path: String, create: Bool, notice: (String) -> Void = { _ in }) throws -> RunState {
        try RunState(database: StoreFile.open(path, kind: .state, create: create, created: notice))
    }

    /// Source id -> target id for every user this job manages.
    public func linksBySource() throws -> [String: String] {
        var links: [String: String] = [:]
        let statement = try database.prepare("SELECT source_id, target_id FROM links")
        try statement.forEachRow { row in
            links[row.text(0)] = row.text(1)
        }
        return links
    }
}
