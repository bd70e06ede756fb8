import Foundation

/// The Snapshot stage: reads a directory export from a file or a folder of files into a `Snapshot`.
///
/// Accepted exports (formats.md §1-§3; see `SnapshotFormat`): Microsoft Graph `/users` pages, a
/// bare JSON array of users (`az ad user list`), `Get-MgUser | ConvertTo-Json` output, the admin
/// center's "Download users" CSV and its bulk-create template. The format is judged from each file's
/// content unless the caller names it; a folder's files (`.json` and `.csv`, in natural name order,
/// `page-2` before `page-10`) must all be of one format. UTF-8 with or without a byte order mark is
/// read, and UTF-16 with one is converted. A folder's files are parsed on several threads and
/// joined in file order (`readConcurrently`), with the result of reading them one after the other.
///
/// Two kinds of Graph export are refused because they do not hold the whole directory, and planning
/// against part of a directory would disable everyone not in it: a download that stopped early (its
/// last page still carries `@odata.nextLink`) and delta pages (`@odata.deltaLink`, `@removed`).
public struct SnapshotLoader: Sendable {
    public init() {}

    /// Loads the snapshot at `path` (a file or a folder of page files).
    /// - Parameters:
    ///   - format: the files' format; `nil` judges each file from its content.
    ///   - progress: advanced by each file's size in bytes once its users are added (`exportBytes(at:)` is the total).
    ///   - selection: the properties users keep (every record is still read and checked whole); `nil` keeps all.
    /// - Throws: `SnapshotError` naming the file and the line:column, line and column, or record at fault.
    public func load(
        path: String, format: SnapshotFormat? = nil, progress: ProgressReporter? = nil, keeping selection: PropertySelection? = nil
    ) throws(SnapshotError) -> Snapshot {
        try load(path: path, format: format, progress: progress, keeping: selection, readers: Self.readers)
    }

    /// Threads that parse a folder's files: one per core, up to four, since the pages are joined and
    /// the digest computed on one thread each, and more threads would only hold more files waiting.
    static let readers = min(ProcessInfo.processInfo.activeProcessorCount, 4)

    /// `load(path:format:progress:keeping:)` with a folder's files parsed on `readers` threads
    /// (`readConcurrently`); with one reader, or one file, they are read one after the other here.
    func load(
        path: String, format: SnapshotFormat?, progress: ProgressReporter?, keeping selection: PropertySelection?, readers: Int
    ) throws(SnapshotError) -> Snapshot {
        let files = try Self.pageFiles(at: path)
        var assembly = SnapshotAssembly()
        if readers > 1, files.count > 1 {
            try Self.readConcurrently(files, format: format, selection: selection, readers: readers, into: &assembly, progress: progress)
        } else {
            // One reader for every page: they share their shape, and repeated values across pages.
            var records = RecordProperties(selection: selection)
            for file in files {
                let raw = try Self.contents(of: file)
                // Hashed on the second core while this one parses.
                assembly.hasher.update(raw)
                try assembly.add(Self.readPage(raw, file: file, format: format, reader: &records))
                progress?.advance(by: raw.count)
            }
        }
        return try assembly.snapshot(files: files)
    }

    /// One file of the export read on its own: its format, and its page or why it cannot be one.
    /// What depends on the files before it (their format, their ids) is `SnapshotAssembly`'s.
    /// - Throws: `SnapshotError` when the file is not text or is empty; a page that cannot be read
    ///   is in `parsed`, since a mixed format in the folder is reported before it.
    static func readPage(
        _ raw: [UInt8], file: String, format: SnapshotFormat?, reader: inout RecordProperties
    ) throws(SnapshotError) -> PageRead {
        guard let bytes = UTF8Text.utf8(raw) else {
            throw .unreadable(path: file, reason: "it starts with a UTF-16 byte order mark but is not valid UTF-16")
        }
        guard let detected = SnapshotFormat.detect(bytes) else { throw .empty(file: file) }
        let fileFormat = format ?? detected
        let parsed = Result { () throws(SnapshotError) -> (page: SnapshotPage, layout: GraphDocument.Layout?) in
            var page: SnapshotPage
            var layout: GraphDocument.Layout?
            switch fileFormat {
            case .json: (page, layout) = try jsonPage(bytes, file: file, reader: &reader)
            case .csv: page = try AdminCenterCSV.read(bytes, file: file)
            case .bulkCSV: page = try BulkTemplateCSV.read(bytes, file: file)
            }
            if let selection = reader.selection, fileFormat != .json { page.users = page.users.map { $0.keeping(selection) } }
            return (page, layout)
        }
        return PageRead(file: file, raw: raw, bytes: bytes, format: fileFormat, parsed: parsed)
    }

    /// The files to read for `path`: the file itself, or the folder's `.json` and `.csv` files in natural order.
    static func pageFiles(at path: String) throws(SnapshotError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: "the folder cannot be listed")
        }
        let pages = names
            .filter { ($0.lowercased().hasSuffix(".json") || $0.lowercased().hasSuffix(".csv")) && !$0.hasPrefix(".") }
            .sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
        guard !pages.isEmpty else { throw .noPages(folder: path) }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        return pages.map { "\(folder)/\($0)" }
    }

    /// The bytes of `file`.
    static func contents(of file: String) throws(SnapshotError) -> [UInt8] {
        do {
            return try JSONReader.readFile(atPath: file)
        } catch {
            throw .unreadable(path: file, reason: "the file cannot be opened")
        }
    }

    /// `origin` with the line and column of its record, for a JSON record; CSV origins have them already.
    static func locate(
        _ origin: RecordOrigin, layouts: [String: GraphDocument.Layout], current: (file: String, bytes: [UInt8])
    ) -> RecordOrigin {
        guard origin.line == nil, let layout = layouts[origin.file] else { return origin }
        let bytes = origin.file == current.file
            ? current.bytes : ((try? contents(of: origin.file)).flatMap(UTF8Text.utf8) ?? [])
        guard let position = JSONRecordLocator.position(ofRecord: origin.record, layout: layout, in: bytes) else { return origin }
        var located = origin
        located.line = position.line
        located.column = position.column
        return located
    }
}

/// SHA-256 over chunks handed over in order, computed on a serial background queue.
///
/// At most `chunksKept` chunks wait to be hashed: a reader faster than the hash (a folder parsed on
/// every core) then waits for it rather than holding the export's bytes in memory.
final class BackgroundSHA256: @unchecked Sendable {
    private let queue = DispatchQueue(label: "reconcile.snapshot-sha256")
    private static let chunksKept = 4
    private let room = DispatchSemaphore(value: chunksKept)
    // Touched only on `queue`.
    private var hasher = SHA256()

    func update(_ bytes: [UInt8]) {
        room.wait()
        queue.async {
            self.hasher.update(bytes)
            self.room.signal()
        }
    }

    /// Waits for the chunks handed over so far and returns the digest as lowercase hex.
    func finalizeHex() -> String {
        queue.sync { SHA256.hex(hasher.finalize()) }
    }
}
