/// The human plan: a one-line summary, then the actions grouped by kind, each user with its changes.
extension Plan {
    /// The summary line (`3 to create, 1 to update, ...`).
    public var summaryLine: String {
        var parts = [
            "\(count(.create)) to create", "\(count(.update)) to update", "\(count(.link)) to link",
            "\(count(.disable)) to disable", "\(count(.delete)) to delete", "\(count(.skip)) skipped",
            "\(noChange) unchanged",
        ]
        if notProvisioned > 0 { parts.append("\(notProvisioned) disabled and not provisioned") }
        if outOfScope > 0 { parts.append("\(outOfScope) out of scope") }
        return parts.joined(separator: ", ")
    }

    /// The plan as text for a terminal or a cron mail.
    public var text: String {
        var lines = ["Plan: \(summaryLine)."]
        let scoped = snapshot.inScope == snapshot.users ? "" : ", \(snapshot.inScope) in scope"
        lines.append("Snapshot \(snapshot.users) user\(snapshot.users == 1 ? "" : "s")\(scoped) (sha256 \(snapshot.sha256.prefix(12))); target \(target.kind) \(target.location).")
        lines += holdLines
        if !hasChanges && count(.skip) == 0 {
            lines.append("")
            lines.append("Nothing to do: the target matches the snapshot.")
        }
        for kind in PlanAction.Kind.allCases {
            let group = actions.filter { $0.kind == kind }
            guard !group.isEmpty else { continue }
            lines.append("")
            lines.append("\(kind.title) (\(group.count)):")
            for action in group { lines += action.textLines }
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("Warnings (\(warnings.count)):")
            lines += warnings.map { "  ! \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PlanAction.Kind {
    var title: String {
        switch self {
        case .create: return "Create"
        case .update: return "Update"
        case .link: return "Link (existing accounts, now managed)"
        case .disable: return "Disable"
        case .delete: return "Delete"
        case .skip: return "Skip"
        }
    }

    var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .link: return "="
        case .disable: return "-"
        case .delete: return "x"
        case .skip: return "!"
        }
    }
}

extension PlanAction {
    /// The user's heading line and one line per attribute.
    var textLines: [String] {
        var heading = "  \(kind.symbol) \(userName)"
        if let reason { heading += "  (\(reason.rawValue))" }
        if let matchedOn { heading += "  matched on \(SCIMPath(matchedOn).map(\.shortName) ?? matchedOn)" }
        if let hold { heading += "  [\(hold.label)]" }
        var lines = [heading]
        var rows: [(String, String)] = []
        switch kind {
        case .create:
            rows = (resource.map(JSONValue.attributeRows) ?? [])
        case .update, .disable:
            rows = changes.map { ($0.path.shortName, "\($0.old?.description ?? "(none)") -> \($0.new?.description ?? "(none)")") }
        case .skip:
            if let detail { rows = [("why", detail)] }
        case .link, .delete:
            break
        }
        for reference in references {
            let old = kind == .create ? "" : "\(reference.old?.description ?? "(none)") -> "
            rows.append((reference.path.shortName, old + "\(reference.userName) (created in this run)"))
        }
        if kind == .create { rows.sort { $0.0 < $1.0 } }
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows {
            lines.append("      \(name.padding(width)): \(value)")
        }
        return lines
    }
}

extension SCIMPath {
    /// The path with the enterprise extension's URN shortened to `enterprise:` for reading.
    var shortName: String {
        guard schema == SCIMPath.enterpriseSchema else { return description }
        return "enterprise:" + SCIMPath(attribute: attribute, typeFilter: typeFilter, subAttribute: subAttribute).description
    }
}

extension JSONValue {
    /// A resource's values as (path, value) rows in path order, for showing a create.
    static func attributeRows(_ resource: JSONValue) -> [(String, String)] {
        guard case .object(let members) = resource else { return [] }
        var rows: [(String, String)] = []
        func add(_ path: SCIMPath, _ value: JSONValue) {
            // A reference (the manager) is `{"value": id}`: show the id.
            if let scalar = SCIMValue(json: value) ?? value.member("value").flatMap(SCIMValue.init(json:)) {
                rows.append((path.shortName, scalar.description))
            }
        }
        for (key, value) in members where key != "schemas" && key != "meta" && key != "id" {
            switch value {
            case .object(let inner) where key.lowercased().hasPrefix("urn:"):
                for (name, sub) in inner { add(SCIMPath(schema: key, attribute: name), sub) }
            case .object(let inner):
                for (name, sub) in inner { add(SCIMPath(attribute: key, subAttribute: name), sub) }
            case .array(let elements):
                for element in elements {
                    guard let type = element["type"]?.stringValue, case .object(let inner) = element else { continue }
                    for (name, sub) in inner where name != "type" && name != "primary" {
                        add(SCIMPath(attribute: key, typeFilter: type, subAttribute: name), sub)
                    }
                }
            default:
                add(SCIMPath(attribute: key), value)
            }
        }
        return rows.sorted { $0.0 < $1.0 }
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
