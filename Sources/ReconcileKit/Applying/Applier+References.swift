/// Reference attributes at apply time (`PlanReference`): a user whose manager is created in the same
/// run is applied after that create, and the manager's new id is filled in just before.
extension Applier {
    /// The plan's actions in the order and batches they are applied in: first every action without
    /// a reference to a user created in this run (deletes, disables, updates, links, creates, skips,
    /// as `order` says), then, level by level, the actions whose references point at the previous
    /// level's creates (a manager's manager comes first). A batch never holds a reference to a create
    /// of the same batch, so targets that apply a batch at once see every id already filled in.
    static func batches(_ actions: [PlanAction], size: Int) -> [ArraySlice<PlanAction>] {
        batchIndices(actions, size: size).map { ArraySlice($0.map { actions[$0] }) }
    }

    /// `batches(_:size:)` as positions in `actions`: the Applier copies one batch's actions at a
    /// time, not all of a million-action plan's at once.
    static func batchIndices(_ actions: [PlanAction], size: Int) -> [ArraySlice<Int>] {
        // Grouped by kind as `order` says, each group in plan order: what a stable sort by kind
        // gives, in one pass instead of a million-action sort that looks up two ranks per comparison.
        var groups = [[Int]](repeating: [], count: order.count)
        for (index, action) in actions.enumerated() { groups[order.firstIndex(of: action.kind)!].append(index) }
        let ordered = Array(groups.joined())
        var levels = [Int](repeating: 0, count: ordered.count)
        if actions.contains(where: { !$0.references.isEmpty }) {
            var creates: [String: Int] = [:]
            for (position, index) in ordered.enumerated() where actions[index].kind == .create {
                if let source = actions[index].sourceId { creates[source] = position }
            }
            let dependencies = { (position: Int) in actions[ordered[position]].references.compactMap { creates[$0.sourceId] } }
            var known = [Bool](repeating: false, count: ordered.count)
            var onPath = [Bool](repeating: false, count: ordered.count)
            // Depth-first without recursion: management chains can be long. A cycle (only in a
            // hand-edited plan; the Planner breaks them) just stops the walk; its reference stays unresolved.
            for start in ordered.indices where !known[start] {
                var stack = [(index: start, expanded: false)]
                while let (index, expanded) = stack.popLast() {
                    if expanded {
                        levels[index] = dependencies(index).map { levels[$0] + 1 }.max() ?? 0
                        known[index] = true
                        onPath[index] = false
                        continue
                    }
                    guard !known[index], !onPath[index] else { continue }
                    onPath[index] = true
                    stack.append((index, true))
                    for dependency in dependencies(index) where !known[dependency] && !onPath[dependency] {
                        stack.append((dependency, false))
                    }
                }
            }
        }
        var byLevel = [[Int]](repeating: [], count: (levels.max() ?? 0) + 1)
        for (position, index) in ordered.enumerated() { byLevel[levels[position]].append(index) }
        var batches: [ArraySlice<Int>] = []
        for members in byLevel {
            var start = 0
            while start < members.count {
                batches.append(members[start..<min(start + size, members.count)])
                start += size
            }
        }
        // An empty plan is still one (empty) batch: the run is recorded.
        return batches.isEmpty ? [ArraySlice()] : batches
    }

    /// `batches` with the last one split in halves, then halves of the second half, and so on while
    /// a half keeps at least `floor` actions: 2,000 actions become batches of 1,000, 500, 250, 125
    /// and 125. The order of the actions, and which batch comes before which, is unchanged.
    static func tapered(_ batches: [ArraySlice<Int>], downTo floor: Int) -> [ArraySlice<Int>] {
        guard var last = batches.last else { return batches }
        var tapered = batches.dropLast() as ArraySlice
        while last.count >= 2 * floor {
            let half = last.count / 2
            tapered.append(last.prefix(half))
            last = last.dropFirst(half)
        }
        tapered.append(last)
        return Array(tapered)
    }

    /// `batch` with every reference filled in from `created` (source id -> target id of this run's
    /// creates) or, failing that, the links; an unresolved one is left unset with a warning, which
    /// also goes to the action's provisioning log row.
    func resolvingReferences(_ batch: [PlanAction], created: [String: String], warnings: inout [String]) throws -> [PlanAction] {
        guard batch.contains(where: { !$0.references.isEmpty }) else { return batch }
        return try batch.map { planned in
            guard !planned.references.isEmpty else { return planned }
            var action = planned
            var notes: [String] = []
            for reference in planned.references {
                guard let id = try created[reference.sourceId] ?? state.targetID(forSource: reference.sourceId) else {
                    notes.append("\(action.userName): \(reference.path.shortName) left unset: manager \(reference.userName) "
                        + "was not created (see its own result); the next run sets it")
                    continue
                }
                if action.kind == .create {
                    action.resource = action.resource?.setting(reference.path, to: SCIMUserSchema.json(.string(id), at: reference.path))
                } else {
                    action.operations.append(reference.operation(targetID: id))
                    action.changes.append(AttributeChange(path: reference.path, old: reference.old, new: .string(id)))
                }
            }
            action.references = []
            if !notes.isEmpty {
                warnings += notes
                action.detail = notes.joined(separator: "; ")
            }
            return action
        }
    }
}

extension RunState {
    /// The target id linked to `sourceID`, if this job manages that user.
    func targetID(forSource sourceID: String) throws(StoreError) -> String? {
        let statement = try database.prepare("SELECT target_id FROM links WHERE source_id = ?")
        try statement.bind([.text(sourceID)])
        defer { statement.reset() }
        return try statement.step() ? statement.text(0) : nil
    }
}
