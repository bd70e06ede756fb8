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
}
