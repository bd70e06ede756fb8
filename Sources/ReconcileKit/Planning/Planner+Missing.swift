import Dispatch
import Synchronization

extension Planner {
    /// Links per slice of the lookup for missing sources.
    static let linkSliceSize = 65_536

    /// The links whose source user is not in the snapshot (`present`), in the order `links` holds
    /// them. Slices of the links are looked up on every core: a nightly run of a million users
    /// finds each link's source in the snapshot, a second of hashing and comparing on one core.
    static func linksMissing(
        from present: SnapshotPositions, in links: [String: String], sliceSize: Int = linkSliceSize
    ) -> [(source: String, target: String)] {
        var starts: [Dictionary<String, String>.Index] = []
        var index = links.startIndex
        var offset = 0
        while index != links.endIndex {
            if offset % sliceSize == 0 { starts.append(index) }
            links.formIndex(after: &index)
            offset += 1
        }
        starts.append(links.endIndex)
        let bounds = starts
        let slices = bounds.count - 1
        let found = Mutex<[Int: [(source: String, target: String)]]>([:])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            var missing: [(source: String, target: String)] = []
            for (source, target) in links[bounds[slice]..<bounds[slice + 1]] where present.position(of: source) == nil {
                missing.append((source, target))
            }
            found.withLock { $0[slice] = missing }
        }
        return found.withLock { found in (0..<slices).flatMap { found[$0]! } }
    }
}
