/// One file of an export as `SnapshotLoader.readPage` read it, before it joins the snapshot.
struct PageRead: Sendable {
    let file: String
    /// The file's bytes as stored: what the export's digest and the progress count.
    let raw: [UInt8]
    /// The file's text as UTF-8 (`raw` itself unless it was UTF-16), to locate a duplicate's record.
    let bytes: [UInt8]
    /// The format the file was read as: the caller's, else the one its content shows.
    let format: SnapshotFormat
    /// The page and, for JSON, how its records were laid out; or why it is not a page.
    let parsed: Result<(page: SnapshotPage, layout: GraphDocument.Layout?), SnapshotError>
}

/// The snapshot being put together from its files' pages, added in file order: what one file's
/// reading cannot judge alone (one format across the folder, ids unique across files, the last
/// page's `@odata.nextLink`, the export's digest) is judged here.
struct SnapshotAssembly {
    /// The digest of the files' bytes: the caller hands them over in file order.
    let hasher = BackgroundSHA256()
    private var users: [DirectoryUser] = []
    private var firstSeen = UserIDIndex()
    private var lastNextLink: (file: String, link: String)?
    private var hasAccountEnabled = false
    private var warnings: [String] = []
    private var firstFormat: (file: String, format: SnapshotFormat)?
    /// The layout of each JSON file added, to locate a record of an earlier file for an error.
    private var layouts: [String: GraphDocument.Layout] = [:]
    /// The bytes of all the files to be added, when known: the first page's users per byte then
    /// size the users' array (`reserveRoom`).
    var expectedBytes: Int?

    /// Adds the next file's page, or throws the error reading up to it raises: a format other than
    /// the first file's, the page's own error, an id an earlier user has.
    mutating func add(_ read: PageRead) throws(SnapshotError) {
        if let first = firstFormat, first.format != read.format {
            throw .mixedFormats(first: first.file, firstFormat: first.format, other: read.file, otherFormat: read.format)
        }
        firstFormat = firstFormat ?? (read.file, read.format)
        let (page, layout) = try read.parsed.get()
        layouts[read.file] = layout
        lastNextLink = page.nextLink.map { (read.file, $0) }
        hasAccountEnabled = hasAccountEnabled || page.hasAccountEnabled
        warnings += page.warnings
        if users.isEmpty { reserveRoom(firstPage: page.users.count, of: read.raw.count) }
        for user in page.users {
            if let first = firstSeen.insert(user.id, at: users.count, of: users) {
                let error = SnapshotError.duplicateID(id: user.id, first: users[first].origin, second: user.origin)
                throw error.locating { SnapshotLoader.locate($0, layouts: layouts, current: (read.file, read.bytes)) }
            }
            users.append(user)
        }
    }

    /// Room for the users the export likely holds, by the first page's users per byte: a million
    /// appended one by one took twenty doublings, each a copy into memory touched for the first
    /// time (page faults). Room not used is never touched and costs no memory; an estimate short
    /// of the users leaves the rest to the doublings.
    private mutating func reserveRoom(firstPage count: Int, of bytes: Int) {
        guard let expectedBytes, count >= 100, bytes > 0, expectedBytes > bytes else { return }
        users.reserveCapacity(Int(Double(count) * Double(expectedBytes) / Double(bytes) * 1.05))
    }

    /// The snapshot of the `files` added.
    /// - Throws: `SnapshotError.incomplete` when the last page still has `@odata.nextLink`.
    consuming func snapshot(files: [String]) throws(SnapshotError) -> Snapshot {
        if let (file, link) = lastNextLink {
            throw .incomplete(file: file, nextLink: link)
        }
        if !users.isEmpty && !hasAccountEnabled {
            warnings.append(firstFormat?.format == .json
                ? "the export has no accountEnabled property (add it to $select); every user is taken as enabled"
                : "the export has no accountEnabled column; every user is taken as enabled")
        }
        var snapshot = Snapshot(users: users, files: files, sha256: hasher.finalizeHex(), warnings: warnings)
        snapshot.idIndex = (firstSeen, users.count)
        return snapshot
    }
}
