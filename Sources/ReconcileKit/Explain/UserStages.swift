/// One user taken through scoping, mapping and matching as the Planner takes every user, and the
/// explanation's match, mapping and outcome built from that and from the user's planned actions.
struct UserStages {
    let subject: Explainer.Subject
    let target: Planner.TargetState
    let matcher: Matcher
    /// The user's actions in the plan of the whole snapshot.
    let actions: [PlanAction]
    /// Entra's SkipOutOfScopeDeletions, to say why a managed user out of scope is kept.
    var skipOutOfScopeDeletions = false

    private(set) var decision: ScopeDecision?
    private(set) var inScope = true
    private(set) var desired: DesiredUser?
    private(set) var mappingError: String?
    private(set) var outcome: Matcher.Outcome?
    /// The index of the target user paired with this user.
    private(set) var pairedTarget: Int?

    init(subject: Explainer.Subject, target: Planner.TargetState, matcher: Matcher, actions: [PlanAction]) {
        self.subject = subject
        self.target = target
        self.matcher = matcher
        self.actions = actions
    }

    /// Scopes, maps and matches the user as the Planner does: a user out of scope is neither mapped nor matched.
    mutating func evaluate(scope: Scope, mapper: Mapper) {
        pairedTarget = subject.targetID.flatMap(matcher.target(id:))
        guard let source = subject.source else { return }
        let decision = scope.decide(source)
        self.decision = decision
        inScope = !scope.isRestricted || decision.inScope
        guard inScope else { return }
        do {
            let desired = try mapper.map(source)
            self.desired = desired
            outcome = matcher.match(desired)
        } catch {
            mappingError = "\(source.origin): \(error)"
        }
        if pairedTarget == nil, case .matched(let index, _)? = outcome { pairedTarget = index }
    }

    private var paired: TargetUser? { pairedTarget.map { target.users[$0] } }
    private var pairedName: String { paired.map { Explainer.reference($0).description } ?? "the target user" }
    private var isLinked: Bool { subject.sourceID.flatMap { target.links[$0] } != nil }

    // MARK: - 3. Match

    func match(mappingPaths: [SCIMPath]) -> Explanation.MatchStep {
        let link = subject.sourceID.flatMap(matcher.linkedTarget(of:)).map { Explainer.reference(target.users[$0]) }
        guard subject.source != nil else {
            let why = isLinked
                ? "not in the snapshot: directory user \(subject.sourceID ?? ""), whom an earlier run linked to this target user, is missing from it"
                : "not in the snapshot, and no run of this job created or matched this target user"
            return .init(link: link, tried: [], result: .notMatched(why))
        }
        guard inScope else {
            return .init(link: link, tried: [], result: .notMatched("out of scope: a user out of scope is neither mapped nor matched"))
        }
        guard let desired, let outcome else {
            return .init(link: link, tried: [], result: .notMatched("the mapping failed: \(mappingError ?? "")"))
        }
        let tried = mappingPaths.map { path in
            let value = desired.createValues[path]
            let wanted = value.flatMap { Matcher.key($0, for: path) }
            let candidates = wanted == nil ? [] : target.users
                .filter { $0.value(at: path).flatMap { Matcher.key($0, for: path) } == wanted }.map(Explainer.reference)
            return Explanation.MatchStep.Trial(path: path, value: value, candidates: candidates)
        }
        // The plan has the last word: it refuses source duplicates before matching and shared matches after it.
        if let skip = actions.first(where: { $0.kind == .skip }), let reason = skip.reason {
            return .init(link: link, tried: tried, result: .refused(reason, detail: skip.detail ?? ""))
        }
        let result: Explanation.MatchStep.Result
        switch outcome {
        case .linked(let index): result = .linked(Explainer.reference(target.users[index]))
        case .matched(let index, let path): result = .matched(Explainer.reference(target.users[index]), on: path)
        case .unmatched: result = .unmatched
        case .refused(let reason, let detail): result = .refused(reason, detail: detail)
        }
        return .init(link: link, tried: tried, result: result)
    }

    // MARK: - 4. Mapping

    func mappingStep(_ mapping: Mapping) -> Explanation.MappingStep {
        guard subject.source != nil else { return .init(rows: [], notMapped: "not in the snapshot: there is nothing to map") }
        guard inScope else { return .init(rows: [], notMapped: "out of scope: a user out of scope is not mapped") }
        guard let desired else { return .init(rows: [], notMapped: "the mapping failed: \(mappingError ?? "")") }
        let primary = actions.first
        let written: Bool
        switch primary?.kind {
        case .update?, .disable?, .link?: written = true
        case nil: written = outcome(actions: actions).outcome == "noChange"
        default: written = false
        }
        var rows: [Explanation.MappingStep.Row] = []
        for entry in mapping.entries {
            let path = entry.target
            let isReference = SCIMUserSchema.type(of: path) == .reference
            let pending = primary?.references.first { $0.path == path }
            var row = Explanation.MappingStep.Row(
                target: path, source: entry.source, apply: entry.apply, old: paired?.value(at: path), new: nil, change: .none)
            if primary?.kind == .create {
                row.old = nil
                row.new = primary?.resource.flatMap { Self.scalar($0.value(at: path)) }
                row.change = row.new == nil && pending == nil ? .none : .set
                if let pending {
                    row.note = "\(pending.userName), created in this run: set once it has an id"
                } else if isReference, row.new == nil, let id = desired.createReferences[path] {
                    row.note = "directory user \(id) does not resolve to a target user (see the plan's warnings)"
                } else if entry.defaultIfNull != nil, entry.apply == .always, desired.updateValues[path] == nil, row.new != nil {
                    row.note = "defaultIfNull: the source has no value"
                }
            } else if written {
                let enforced = isReference ? desired.updateReferences[path] != nil : desired.updateValues[path] != nil
                if let change = primary?.changes.first(where: { $0.path == path }) {
                    row.new = change.new
                    row.change = .changes
                } else if let pending {
                    row.change = .changes
                    row.note = "\(pending.userName), created in this run: set once it has an id"
                } else if enforced {
                    row.new = row.old
                    row.change = .same
                } else {
                    row.new = row.old
                    row.change = .kept
                    row.note = entry.apply == .onCreate ? "applied on create only"
                        : entry.defaultIfNull != nil ? "not enforced while the source has no value: defaultIfNull"
                        : "left out of the flow by IgnoreFlowIfNullOrEmpty"
                }
            } else {
                row.new = paired == nil ? desired.createValues[path] : (desired.updateValues[path] ?? row.old)
            }
            rows.append(row)
        }
        return .init(rows: rows, notMapped: nil)
    }

    /// A resource's value as a mapped value: a scalar, or a reference's `value`.
    static func scalar(_ json: JSONValue?) -> SCIMValue? {
        guard let json else { return nil }
        return SCIMValue(json: json) ?? json.member("value").flatMap(SCIMValue.init(json:))
    }

    // MARK: - 5. Action

    /// The outcome's name and one sentence on why.
    func outcome(actions: [PlanAction]) -> (outcome: String, why: String) {
        if let action = actions.first {
            let name = action.targetId.flatMap(matcher.target(id:)).map { Explainer.reference(target.users[$0]).description } ?? pairedName
            switch action.kind {
            case .create:
                return ("create", "no target user matched and the user is enabled in the directory: a new User is created (POST)")
            case .update:
                return ("update", "\(name) differs in \(action.changes.count + action.references.count) mapped attribute"
                    + "\(action.changes.count + action.references.count == 1 ? "" : "s"): a PATCH changes just those")
            case .link:
                return ("link", "\(name) matched on \(action.matchedOn ?? "a matching attribute") and already holds every mapped "
                    + "value: this job manages it from now on")
            case .disable:
                switch action.reason {
                case .disabledInSource?:
                    return ("disable", "disabled in the directory (accountEnabled false): \(name) is set inactive")
                case .outOfScope?:
                    return ("disable", "out of scope and managed by this job: \(name) is set inactive (skipOutOfScopeDeletions would keep it)")
                default:
                    return ("disable", "managed by this job and missing from the snapshot: \(name) is set inactive (--delete-missing deletes it)")
                }
            case .delete:
                return ("delete", "managed by this job and missing from the snapshot, with --delete-missing: \(name) is deleted")
            case .skip:
                return ("skip", "\(action.reason?.rawValue ?? "skipped"): \(action.detail ?? "")")
            }
        }
        guard subject.source != nil else {
            return isLinked
                ? ("noChange", "managed by this job, missing from the snapshot and already inactive: nothing to do")
                : ("notManaged", "this job never created or matched \(pairedName), so it never changes it")
        }
        if !inScope {
            if isLinked && skipOutOfScopeDeletions {
                return ("outOfScope", "out of scope; skipOutOfScopeDeletions keeps \(pairedName) as it is")
            }
            if isLinked { return ("outOfScope", "out of scope, and \(pairedName) is already inactive: nothing to do") }
            return ("outOfScope", "out of scope and never managed by this job: left alone (counted as out of scope)")
        }
        if let desired, !desired.active, outcome.map({ if case .linked = $0 { return false } else { return true } }) ?? true {
            return ("notProvisioned", "disabled in the directory and not managed by this job: disabled users are never provisioned")
        }
        return ("noChange", "\(pairedName) already holds every mapped value: nothing to do")
    }
}
