import Foundation
import Synchronization

/// The planning columns of the users table, read on both cores: the calling thread steps the one
/// SQLite statement and copies each chunk of rows out as bytes, while a second thread (and the
/// first, once the statement is done) makes `TargetUser`s of the chunks, in whatever order they
/// are taken; the chunks are joined in the statement's order.
///
/// Stepping SQLite is the smaller part of reading a million users (about a quarter): most of the
/// time goes into the strings and the lookups that share them with the snapshot, which run in
/// parallel here. The reading thread converts a chunk itself whenever a few are waiting, so only a
/// few chunks' bytes are held at once beyond what the users keep.
struct UserRows {
    /// One row's columns as the statement gave them; texts are ranges of the chunk's bytes.
    struct Row {
        var id: Range<Int>
        var externalId: Range<Int>?
        var userName: Range<Int>
        var active: Bool
        var version: Int
        var digest: UInt64?
        /// The source digest written with `digest` (`SourceDigest`); `nil` whenever `digest` is.
        var source: UInt64?
    }

    /// Consecutive rows and the bytes of their texts.
    struct Chunk: Sendable {
        var bytes: [UInt8] = []
        var rows: [Row] = []
    }

    /// Rows per chunk: enough to amortise the hand-over, few enough to start the second thread early.
    static let chunkSize = 4_096
    /// Chunks read but not yet taken at which the reading thread converts one itself.
    static let backlog = 2

    /// The users of `statement`'s `count` rows, in its order: this thread steps it (`read`) while
    /// both make users of the chunks (`make` gives each row's user with its offset in the chunk,
    /// and the snapshot position of the user whose id is the row's externalId, or -1), each chunk
    /// straight into its place in the array.
    /// - Throws: the statement's error, or `StoreError` when it gives other than `count` rows.
    static func users(
        from statement: Statement, count: Int, progress: ProgressReporter?,
        make: @escaping @Sendable (Chunk, (Int, TargetUser, Int32) -> Void) -> Void
    ) throws -> (users: [TargetUser], positions: [Int32]) {
        let changed = StoreError.sqlite(code: 0, message: "the users table changed while it was read", sql: statement.sql)
        nonisolated(unsafe) let statement = statement
        var positions = [Int32](repeating: -1, count: count)
        let users = try positions.withUnsafeMutableBufferPointer { positions in
            nonisolated(unsafe) let positions = positions
            return try [TargetUser](unsafeUninitializedCapacity: count) { buffer, initialized in
                nonisolated(unsafe) let buffer = buffer
                let queue = Queue()
                let written = Mutex<(ranges: [Range<Int>], failure: (any Error)?)>(([], nil))
                @Sendable func convert(_ position: Int, _ chunk: Chunk) {
                    let start = position * chunkSize
                    guard start + chunk.rows.count <= count else {
                        written.withLock { $0.failure = $0.failure ?? changed }
                        return
                    }
                    make(chunk) { offset, user, snapshotPosition in
                        (buffer.baseAddress! + start + offset).initialize(to: user)
                        positions[start + offset] = snapshotPosition
                    }
                    written.withLock { $0.ranges.append(start..<start + chunk.rows.count) }
                    progress?.advance(by: chunk.rows.count)
                }
                DispatchQueue.concurrentPerform(iterations: 2) { task in
                    if task == 0 {
                        do {
                            try read(statement) { chunk in
                                queue.put(chunk)
                                if let (position, chunk) = queue.take(ifAtLeast: backlog) { convert(position, chunk) }
                            }
                        } catch {
                            written.withLock { $0.failure = $0.failure ?? error }
                        }
                        queue.finish()
                    }
                    while let (position, chunk) = queue.take() { convert(position, chunk) }
                }
                let (ranges, failure) = written.withLock { $0 }
                guard failure == nil, ranges.reduce(0, { $0 + $1.count }) == count else {
                    for range in ranges { (buffer.baseAddress! + range.lowerBound).deinitialize(count: range.count) }
                    throw failure ?? changed
                }
                initialized = count
            }
        }
        return (users, positions)
    }

    /// Steps `statement` (SELECT id, external_id, user_name, active, version, applied_digest,
    /// digest_version, source_digest) to its end, giving each full chunk to `deliver` and the last, partial one too.
    static func read(_ statement: Statement, deliver: (Chunk) -> Void) throws {
        var chunk = Chunk()
        chunk.rows.reserveCapacity(chunkSize)
        func text(_ column: Int32) -> Range<Int> {
            let start = chunk.bytes.count
            statement.withTextBytes(column) { chunk.bytes.append(contentsOf: $0) }
            return start..<chunk.bytes.count
        }
        try statement.forEachRow { row in
            let version = row.int(4)
            // A digest describes the version it was written with; any later write (an older reconcile
            // that knows no digests, say) leaves it behind.
            let digest = !row.isNull(5) && row.int(6) == version ? UInt64(bitPattern: row.int64(5)) : nil
            let source = digest != nil && !row.isNull(7) ? UInt64(bitPattern: row.int64(7)) : nil
            chunk.rows.append(Row(
                id: text(0), externalId: row.isNull(1) ? nil : text(1), userName: text(2),
                active: row.int(3) != 0, version: version, digest: digest, source: source))
            if chunk.rows.count == chunkSize {
                deliver(chunk)
                chunk = Chunk()
                chunk.rows.reserveCapacity(chunkSize)
            }
        }
        if !chunk.rows.isEmpty { deliver(chunk) }
    }

    /// Chunks handed from the thread that reads them to the threads that convert them.
    // Every member is used under `condition`'s lock, which is what makes sharing it safe.
    final class Queue: @unchecked Sendable {
        private let condition = NSCondition()
        private var chunks: [Chunk?] = []
        private var taken = 0
        private var finished = false

        func put(_ chunk: Chunk) {
            condition.withLock {
                chunks.append(chunk)
                condition.signal()
            }
        }

        /// No more chunks: every taker waiting, or yet to wait, gets `nil` once the chunks are gone.
        func finish() {
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }

        /// The next chunk not yet taken, with its position in reading order, waiting for it to be
        /// read; `nil` when the reading finished and every chunk was taken.
        func take() -> (position: Int, chunk: Chunk)? {
            condition.withLock {
                while taken == chunks.count && !finished { condition.wait() }
                return next()
            }
        }

        /// The next chunk if at least `backlog` are waiting to be taken, without waiting: the reading
        /// thread converts one itself rather than read further ahead than the converting.
        func take(ifAtLeast backlog: Int) -> (position: Int, chunk: Chunk)? {
            condition.withLock { chunks.count - taken >= backlog ? next() : nil }
        }

        private func next() -> (position: Int, chunk: Chunk)? {
            guard taken < chunks.count else { return nil }
            let position = taken
            taken += 1
            defer { chunks[position] = nil }
            return (position, chunks[position]!)
        }
    }
}
