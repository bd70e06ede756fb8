/// Why `reconcile explain USER` cannot explain (exit 1). Nothing is written in any of these cases.
public enum ExplainError: Error, CustomStringConvertible, Equatable {
    /// USER names nobody in the snapshot or the target; `suggestions` are the closest names.
    case unknownUser(String, snapshot: String, target: String, suggestions: [String])
    /// USER names more than one user; `candidates` describes each, one line each.
    case ambiguous(String, candidates: [String])
    /// The store's schema is older than this program's: reading it would upgrade (write) it.
    case storeNeedsUpgrade(path: String, found: Int, current: Int)

    public var description: String {
        switch self {
        case let .unknownUser(query, snapshot, target, suggestions):
            var text = "no user '\(query)' in the snapshot \(snapshot) or in \(target): USER is looked up by directory "
                + "object id, userPrincipalName and mail, and by the target's userName, externalId and id, in any case"
            if !suggestions.isEmpty {
                text += "; closest names: " + suggestions.joined(separator: ", ")
            }
            return text
        case let .ambiguous(query, candidates):
            return "'\(query)' names \(candidates.count) users; explain one of them by its directory object id or target id:\n"
                + candidates.map { "  \($0)" }.joined(separator: "\n")
        case let .storeNeedsUpgrade(path, found, current):
            return "\(path) has schema version \(found), older than this program's \(current); explain writes nothing, so it "
                + "does not upgrade it: run 'reconcile check --store \(path)' once to upgrade it, then explain again"
        }
    }
}
