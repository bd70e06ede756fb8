/// The directory as exported: every user read from the snapshot files, in file order.
public struct Snapshot: Sendable {
    /// The users, in the order the files listed them.
    public var users: [DirectoryUser]
    /// The files read, in reading order.
    public var files: [String]
    /// SHA-256 of the bytes of all files, in reading order: identifies the export in plans and runs.
    public var sha256: String
    /// Things worth telling the operator that do not stop the run (one line each).
    public var warnings: [String]

    public init(users: [DirectoryUser], files: [String], sha256: String, warnings: [String] = []) {
        self.users = users
        self.files = files
        self.sha256 = sha256
        self.warnings = warnings
    }
}
