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

    /// The loader's index of `users` by id, describing them as loaded (`idCount` of them).
    var idIndex: (index: UserIDIndex, idCount: Int)?

    public init(users: [DirectoryUser], files: [String], sha256: String, warnings: [String] = []) {
        self.users = users
        self.files = files
        self.sha256 = sha256
        self.warnings = warnings
    }

    /// Finds users by id: through the loader's index when the users are still those it indexed,
    /// else through a dictionary made now.
    func positions() -> SnapshotPositions {
        if let idIndex, idIndex.idCount == users.count { return SnapshotPositions(users: users, storage: .index(idIndex.index)) }
        var byID: [String: Int] = [:]
        byID.reserveCapacity(users.count)
        for (position, user) in users.enumerated() where byID[user.id] == nil { byID[user.id] = position }
        return SnapshotPositions(users: users, storage: .dictionary(byID))
    }
}

/// The snapshot's users by id (`Snapshot.positions()`).
struct SnapshotPositions {
    enum Storage {
        case index(UserIDIndex)
        case dictionary([String: Int])
    }

    let users: [DirectoryUser]
    let storage: Storage

    /// Whether no two users share an id: the loader's index holds no duplicate (the loader refuses one).
    var idsAreUnique: Bool {
        switch storage {
        case .index: return true
        case .dictionary(let byID): return byID.count == users.count
        }
    }

    /// The position of the user with `id`, if any.
    func position(of id: String) -> Int? {
        id.withUTF8Bytes { position(ofUTF8: $0) }
    }

    /// The position of the user whose id has `bytes` as its UTF-8, if any.
    func position(ofUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        switch storage {
        case .index(let index): return index.position(ofUTF8: bytes, in: users)
        case .dictionary(let byID): return byID[String(decoding: bytes, as: UTF8.self)]
        }
    }
}
