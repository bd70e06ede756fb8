import Foundation

/// Reading a folder's page files on several threads.
extension SnapshotLoader {
    /// Reads `files` on `readers` threads, each taking the next file not yet taken, and adds their
    /// pages to `assembly` on this thread in file order, as reading them one after the other would:
    /// the same users, warnings, digest and first error (the earliest file's; files after a file that
    /// cannot be read are not started).
    ///
    /// At most `2 * readers` files are read ahead of the one being added, so a few files' bytes are
    /// in memory at once. Each thread has its own `RecordProperties`: values repeated across users
    /// are shared among the files one thread reads.
    static func readConcurrently(
        _ files: [String], format: SnapshotFormat?, selection: PropertySelection?, readers: Int,
        into assembly: inout SnapshotAssembly, progress: ProgressReporter?
    ) throws(SnapshotError) {
        let queue = PageQueue(count: files.count, readAhead: 2 * readers)
        let group = DispatchGroup()
        for _ in 0..<min(readers, files.count) {
            group.enter()
            // Threads of their own: the caller may be on a pool thread that this one blocks.
            Thread {
                defer { group.leave() }
                var records = RecordProperties(selection: selection)
                while let index = queue.take() {
                    let read = Result { () throws(SnapshotError) -> PageRead in
                        try readPage(contents(of: files[index]), file: files[index], format: format, reader: &records)
                    }
                    queue.put(read, at: index)
                }
            }.start()
        }
        defer {
            queue.stop()
            group.wait()
        }
        assembly.expectedBytes = totalBytes(of: files)
        for index in files.indices {
            let read = try queue.result(at: index).get()
            assembly.hasher.update(read.raw)
            try assembly.add(read)
            progress?.advance(by: read.raw.count)
        }
    }
}

/// The files `readConcurrently`'s threads take by index, and their pages until they are added.
private final class PageQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // The properties below are touched only while `condition` is locked.
    /// The next file to take.
    private var next = 0
    /// The files to take end here: at the end of the folder, or after the first file that failed.
    private var end: Int
    /// The files before this one have been handed to the caller.
    private var handed = 0
    private let readAhead: Int
    private var stopped = false
    private var reads: [Int: Result<PageRead, SnapshotError>] = [:]

    init(count: Int, readAhead: Int) {
        end = count
        self.readAhead = readAhead
    }

    /// The next file to read, once it is fewer than `readAhead` files ahead of the caller; `nil`
    /// when none is left or the caller stopped.
    func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped, next < end, next >= handed + readAhead { condition.wait() }
        guard !stopped, next < end else { return nil }
        next += 1
        return next - 1
    }

    /// Keeps the read of file `index` for the caller; a failed one ends the files to take, since
    /// reading stops at it.
    func put(_ read: Result<PageRead, SnapshotError>, at index: Int) {
        condition.lock()
        defer { condition.unlock() }
        reads[index] = read
        if case .failure = read { end = min(end, index + 1) }
        if case .success(let page) = read, case .failure = page.parsed { end = min(end, index + 1) }
        condition.broadcast()
    }

    /// Waits for the read of file `index` (files are asked for in order) and hands it over.
    func result(at index: Int) -> Result<PageRead, SnapshotError> {
        condition.lock()
        defer { condition.unlock() }
        while reads[index] == nil { condition.wait() }
        handed = index + 1
        condition.broadcast()
        return reads.removeValue(forKey: index)!
    }

    /// Lets the threads finish the files they hold and take no more.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
    }
}
