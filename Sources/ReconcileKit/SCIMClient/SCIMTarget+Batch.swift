import Foundation
import Synchronization

/// Applying a batch several requests at a time, or through `/Bulk` (RFC 7644 §3.7).
extension SCIMTarget {
    /// Applies `batch` with up to `maxInFlight` requests at once (or as Bulk requests), one kind of
    /// action after the other in the batch's order, so deletes, disables and renames free userNames
    /// before creates take them. Returns each action's outcome in the batch's order; an action left
    /// unapplied because the run stopped carries the error that stopped it.
    public func apply(batch: [PlanAction], at time: String) throws -> [Result<String, any Error>]? {
        // The takeover guard needs the links whichever way the batch is applied.
        writer.setLinks(try runState.linksBySource())
        guard maxInFlight > 1 || usesBulk else { return nil }
        var outcomes: [Int: Result<String, any Error>] = [:]
        var stop: (any Error)?
        var start = 0
        while start < batch.count {
            var end = start
            while end < batch.count && batch[end].kind == batch[start].kind { end += 1 }
            let indices = Array(start..<end)
            start = end
            if let stop {
                for index in indices { outcomes[index] = .failure(stop) }
                continue
            }
            switch batch[indices[0]].kind {
            case .skip, .link:
                for index in indices { outcomes[index] = .success(batch[index].targetId ?? "") }
            case .create, .update, .disable, .delete:
                let results = usesBulk
                    ? bulk(indices.map { (index: $0, action: batch[$0]) })
                    : individually(indices.map { (index: $0, action: batch[$0], uncertain: false) })
                outcomes.merge(results) { _, new in new }
                stop = Self.firstStop(in: results.values)
            }
        }
        return batch.indices.map { outcomes[$0]! }
    }

    /// The first error among `results` that is not one user's failure: the one that stops the run.
    static func firstStop(in results: some Sequence<Result<String, any Error>>) -> (any Error)? {
        for case .failure(let error) in results where !(error is ActionFailure) { return error }
        return nil
    }

    /// Each action on its own, `maxInFlight` at a time. After an error that stops the run, no more
    /// actions start, and those not started carry that error.
    func individually(_ work: [(index: Int, action: PlanAction, uncertain: Bool)]) -> [Int: Result<String, any Error>] {
        let writer = self.writer
        let (results, stop) = collect(work) { item -> Result<String, any Error> in
            do {
                return .success(try writer.apply(item.action, uncertain: item.uncertain))
            } catch let failure as ActionFailure {
                return .failure(failure)
            }
        }
        var byIndex: [Int: Result<String, any Error>] = [:]
        for (position, item) in work.enumerated() {
            byIndex[item.index] = results[position] ?? .failure(stop ?? ActionFailure(code: "notAttempted", message: "not attempted"))
        }
        return byIndex
    }

    /// Runs `body` on each item with up to `maxInFlight` threads, returning the results in order,
    /// and rethrows the first error (after which no new item starts).
    func concurrently<Item: Sendable, Output: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) throws -> Output) throws -> [Output] {
        let (results, error) = collect(items, body)
        if let error { throw error }
        return items.indices.map { results[$0]! }
    }

    /// The results by position of the items that completed, and the first error thrown, if any.
    func collect<Item: Sendable, Output: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) throws -> Output
    ) -> (results: [Int: Output], error: (any Error)?) {
        if items.isEmpty { return ([:], nil) }
        let state = WorkQueue<Output>()
        let group = DispatchGroup()
        for _ in 0..<min(maxInFlight, items.count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while let index = state.next(below: items.count) {
                    do {
                        state.finish(index, try body(items[index]))
                    } catch {
                        state.fail(error)
                    }
                }
            }
            thread.start()
        }
        group.wait()
        return state.outcome
    }
}

/// The shared state of `collect`'s worker threads.
private final class WorkQueue<Output: Sendable>: Sendable {
    private let state = Mutex<(next: Int, results: [Int: Output], error: (any Error)?)>((0, [:], nil))

    /// The next index to work on, or `nil` when all are taken or an error stopped the work.
    func next(below count: Int) -> Int? {
        state.withLock { state in
            guard state.error == nil, state.next < count else { return nil }
            state.next += 1
            return state.next - 1
        }
    }

    func finish(_ index: Int, _ output: Output) {
        state.withLock { $0.results[index] = output }
    }

    func fail(_ error: any Error) {
        state.withLock { $0.error = $0.error ?? error }
    }

    var outcome: (results: [Int: Output], error: (any Error)?) {
        state.withLock { ($0.results, $0.error) }
    }
}
