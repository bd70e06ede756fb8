/// Finding the user USER names: a directory user by object id, userPrincipalName or mail, or a target
/// user by userName, externalId or id, all compared as `IdentityKey` compares names (any case, NFC).
extension Explainer {
    /// The user being explained: a directory user, a target user, or both.
    struct Subject {
        /// The directory user, when in the snapshot.
        var source: DirectoryUser?
        /// The directory object id: the source's, or the one a target user is linked to (who may be
        /// missing from the snapshot).
        var sourceID: String?
        /// The target user found by the query or paired with the source.
        var targetID: String?
        /// How the query found the user.
        var foundBy: [String]
        /// Target users that hold one of the source's matching values (the Matcher's candidates).
        var candidates: Set<String> = []

        var key: String { sourceID ?? "target:" + (targetID ?? "") }

        /// Whether `action` is about this user.
        func owns(_ action: PlanAction) -> Bool {
            (sourceID != nil && action.sourceId == sourceID) || (targetID != nil && action.targetId == targetID)
        }
    }

    /// The one user `query` names.
    /// - Throws: `ExplainError.unknownUser` (with the closest names) or `.ambiguous` (with each candidate).
    func resolve(_ query: String, plan: Plan, target: Planner.TargetState, matcher: Matcher) throws -> Subject {
        let key = IdentityKey.normalize(query.trimmingSpaces)
        let same = { (text: String?) in text.map { IdentityKey.normalize($0) == key } ?? false }
        let mapper = Mapper(mapping: planner.mapping)
        var found: [Subject] = []
        func add(_ subject: Subject) {
            if let index = found.firstIndex(where: { $0.key == subject.key }) {
                for label in subject.foundBy where !found[index].foundBy.contains(label) { found[index].foundBy.append(label) }
            } else {
                found.append(subject)
            }
        }

        for user in snapshot.users {
            var labels: [String] = []
            if same(user.id) { labels.append("directory object id") }
            if same(user.text("userPrincipalName")) { labels.append("userPrincipalName") }
            if same(user.text("mail")) { labels.append("mail") }
            guard !labels.isEmpty else { continue }
            add(sourceSubject(user, labels: labels, plan: plan, target: target, matcher: matcher, mapper: mapper))
        }
        var linkedSource: [String: String]?
        for (index, user) in target.users.enumerated() {
            var labels: [String] = []
            if same(user.userName) { labels.append("target userName") }
            if same(user.externalId) { labels.append("target externalId") }
            if same(user.id) { labels.append("target id") }
            guard !labels.isEmpty else { continue }
            // The account a directory user found by the same name would match (or conflict with) is that user's.
            if let owner = found.firstIndex(where: { $0.targetID == user.id || $0.candidates.contains(user.id) }) {
                found[owner].foundBy += labels.filter { !found[owner].foundBy.contains($0) }
                continue
            }
            if linkedSource == nil { linkedSource = Dictionary(target.links.map { ($1, $0) }) { first, _ in first } }
            let sourceID = linkedSource?[user.id] ?? plan.actions.first { $0.targetId == user.id && $0.sourceId != nil }?.sourceId
            var subject = Subject(source: nil, sourceID: sourceID, targetID: target.users[index].id, foundBy: labels)
            if let sourceID, let source = snapshot.users.first(where: { $0.id == sourceID }) {
                subject.source = source
            }
            add(subject)
        }

        if found.count > 1 {
            throw ExplainError.ambiguous(query, candidates: found.map { describe($0, target: target) })
        }
        guard let subject = found.first else {
            throw ExplainError.unknownUser(
                query, snapshot: snapshotPath, target: "\(target.kind == "sqlite" ? "the store" : "the endpoint") \(target.location)",
                suggestions: suggestions(for: key, target: target))
        }
        return subject
    }

    /// A directory user with the target user the plan pairs it with: its link, the account an action
    /// changes, or the account it matches.
    private func sourceSubject(
        _ user: DirectoryUser, labels: [String], plan: Plan, target: Planner.TargetState, matcher: Matcher, mapper: Mapper
    ) -> Subject {
        var subject = Subject(source: user, sourceID: user.id, targetID: nil, foundBy: labels)
        if let linked = target.links[user.id], matcher.target(id: linked) != nil {
            subject.targetID = linked
        } else if let action = plan.actions.first(where: { $0.sourceId == user.id && $0.targetId != nil }) {
            subject.targetID = action.targetId
        }
        guard let desired = try? mapper.map(user) else { return subject }
        for path in planner.mapping.matchingPaths {
            guard let value = desired.createValues[path], let wanted = Matcher.key(value, for: path) else { continue }
            for candidate in target.users where candidate.value(at: path).flatMap({ Matcher.key($0, for: path) }) == wanted {
                subject.candidates.insert(candidate.id)
            }
        }
        if subject.targetID == nil, !scope.isRestricted || scope.decide(user).inScope, case .matched(let index, _) = matcher.match(desired) {
            subject.targetID = target.users[index].id
        }
        return subject
    }

    /// One line of the ambiguity error.
    private func describe(_ subject: Subject, target: Planner.TargetState) -> String {
        let by = "found by " + subject.foundBy.joined(separator: ", ")
        if let source = subject.source {
            let name = source.text("userPrincipalName").map { " (\($0))" } ?? ""
            return "directory user \(source.id)\(name) from \(source.origin); \(by)"
        }
        let user = target.users.first { $0.id == subject.targetID }
        return "target user \(subject.targetID ?? "")\(user.map { " (\($0.userName))" } ?? ""); \(by)"
    }

    // MARK: - Suggestions

    /// Up to three names close to `key`: those containing it first, then by edit distance.
    func suggestions(for key: String, target: Planner.TargetState) -> [String] {
        guard !key.isEmpty else { return [] }
        let limit = max(1, min(4, key.count / 5))
        let wanted = Array(key.utf8)
        var scored: [String: Int] = [:]
        func consider(_ name: String?) {
            guard let name, !name.isEmpty else { return }
            let normalized = IdentityKey.normalize(name)
            let score: Int
            if normalized.contains(key) {
                score = 0
            } else if let distance = Self.distance(wanted, Array(normalized.utf8), limit: limit) {
                score = distance
            } else {
                return
            }
            if scored[name].map({ score < $0 }) ?? true { scored[name] = score }
        }
        for user in snapshot.users {
            consider(user.text("userPrincipalName"))
            consider(user.text("mail"))
        }
        for user in target.users { consider(user.userName) }
        return scored.sorted { ($0.value, $0.key.count, $0.key) < ($1.value, $1.key.count, $1.key) }.prefix(3).map(\.key)
    }

    /// The Levenshtein distance of `a` and `b` when it is at most `limit`, else `nil`; only a band
    /// of `limit` either side of the diagonal is computed, so a directory of a million names is quick.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let outside = limit + 1
        var previous = [Int](repeating: outside, count: b.count + 1)
        var current = previous
        for j in 0...min(b.count, limit) { previous[j] = j }
        for i in 1...a.count {
            // |a| and |b| differ by at most `limit`, so the band is never empty.
            let low = max(1, i - limit), high = min(b.count, i + limit)
            current[0] = i <= limit ? i : outside
            // The cells either side of the band still hold values of two rows ago.
            if low > 1 { current[low - 1] = outside }
            var best = current[0]
            for j in low...high {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1, outside)
                best = min(best, current[j])
            }
            if high < b.count { current[high + 1] = outside }
            if best > limit { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
