/// The human plan, for a terminal or a cron mail: the one-line summary first, then the actions grouped
/// by kind under a header with their count, one row per user with aligned columns (userName, target
/// id, reason), and each change indented below it as `attribute: old -> new`.
///
/// The text is built into one string in one pass over the actions (column widths once per group), so
/// a 1,000,000-user plan costs what its size does, not more.
extension Plan {
    /// The summary line (`3 to create, 1 to update, ...`).
    public var summaryLine: String {
        var counts = [Int](repeating: 0, count: PlanAction.Kind.allCases.count)
        for action in actions { counts[action.kind.rank] += 1 }
        let count = { (kind: PlanAction.Kind) in counts[kind.rank] }
        var parts = [
            "\(count(.create)) to create", "\(count(.update)) to update", "\(count(.link)) to link",
            "\(count(.disable)) to disable", "\(count(.delete)) to delete", "\(count(.skip)) skipped",
            "\(noChange) unchanged",
        ]
        if notProvisioned > 0 { parts.append("\(notProvisioned) disabled and not provisioned") }
        if outOfScope > 0 { parts.append("\(outOfScope) out of scope") }
        return parts.joined(separator: ", ")
    }

    /// The plan as plain text, without colour.
    public var text: String { text(color: false) }

    /// How many actions of each kind the text lists, with their changes; the rest are counted. A first
    /// load of a million users is reviewed through its counts and the plan file, not a million rows in
    /// a terminal or a cron mail.
    public static let textListLimit = 1_000

    /// The plan as text.
    /// - Parameter color: mark each group and row with ANSI colours (green creates, yellow updates,
    ///   cyan links, red disables and deletes, dim skips). The caller decides, from whether stdout is a
    ///   terminal, `NO_COLOR` and `TERM`; without colour the text holds no escape codes at all.
    ///   - limit: the most actions of each kind listed; the plan file (`--out`) has every one.
    public func text(color: Bool, limit: Int = Plan.textListLimit) -> String {
        var out = "Plan: \(summaryLine).\n"
        let scoped = snapshot.inScope == snapshot.users ? "" : ", \(snapshot.inScope) in scope"
        out += "Snapshot \(snapshot.users) user\(snapshot.users == 1 ? "" : "s")\(scoped) (sha256 \(snapshot.sha256.prefix(12))); "
            + "target \(target.kind) \(target.location).\n"
        for line in holdLines { out += line + "\n" }
        // Actions are kept in plan order, but grouping by index does not rely on it.
        var groups = [[Int]](repeating: [], count: PlanAction.Kind.allCases.count)
        for index in actions.indices { groups[actions[index].kind.rank].append(index) }
        if actions.isEmpty { out += "\nNothing to do: the target matches the snapshot.\n" }
        for kind in PlanAction.Kind.allCases where !groups[kind.rank].isEmpty {
            appendGroup(kind, groups[kind.rank], limit: limit, to: &out, color: color)
        }
        if !warnings.isEmpty {
            out += "\nWarnings (\(warnings.count)):\n"
            for warning in warnings { out += "  ! \(warning)\n" }
        }
        return out
    }

    /// A column never grows wider than this: one very long name only pushes its own row.
    static let textColumnLimit = 40

    private func appendGroup(_ kind: PlanAction.Kind, _ all: [Int], limit: Int, to out: inout String, color: Bool) {
        let paint = color ? kind.colorCode : nil
        out += "\n" + Self.painted("\(kind.title) (\(all.count)):", paint) + "\n"
        let indices = all.prefix(max(limit, 0))
        var widths = [0, 0]
        var hasTarget = false, hasNote = false
        for index in indices {
            let action = actions[index]
            widths[0] = max(widths[0], min(Self.textColumnLimit, action.userName.count))
            if let targetId = action.targetId {
                hasTarget = true
                widths[1] = max(widths[1], min(Self.textColumnLimit, targetId.count))
            }
            if action.reason != nil || action.matchedOn != nil { hasNote = true }
        }
        var noteWidth = 0
        if hasNote && indices.contains(where: { actions[$0].hold != nil }) {
            for index in indices { noteWidth = max(noteWidth, min(Self.textColumnLimit, actions[index].textNote.count)) }
        }
        for index in indices {
            let action = actions[index]
            var cells: [(String, Int)] = [(action.userName, widths[0])]
            if hasTarget { cells.append((action.targetId ?? "-", max(widths[1], 1))) }
            if hasNote { cells.append((action.textNote, noteWidth)) }
            if let hold = action.hold { cells.append(("[\(hold.label)]", 0)) }
            out += Self.painted(Self.row(symbol: kind.symbol, cells), paint) + "\n"
            for (name, value) in action.detailRows { out += "      \(name): \(value)\n" }
        }
        if all.count > indices.count {
            out += "  ... and \(all.count - indices.count) more (the plan file, --out FILE or --format json, lists every one)\n"
        }
    }

    /// `  + cell  cell  cell`: each cell but the last non-empty one padded to its column's width.
    private static func row(symbol: String, _ cells: [(text: String, width: Int)]) -> String {
        let last = cells.lastIndex { !$0.text.isEmpty } ?? 0
        var line = "  \(symbol) "
        for (position, cell) in cells.enumerated() where position <= last {
            line += position == last ? cell.text : cell.text.padding(cell.width) + "  "
        }
        return line
    }

    private static func painted(_ text: String, _ code: String?) -> String {
        guard let code else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
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

    /// The SGR parameter of the group's colour: green, yellow, cyan, red, red, dim.
    var colorCode: String {
        switch self {
        case .create: return "32"
        case .update: return "33"
        case .link: return "36"
        case .disable, .delete: return "31"
        case .skip: return "2"
        }
    }
}

extension PlanAction {
    /// The reason column of the text plan: why (disabledInSource, ...) and what it matched on.
    var textNote: String {
        let matched = matchedOn.map { "matched on \(SCIMPath($0).map(\.shortName) ?? $0)" }
        switch (reason, matched) {
        case let (reason?, matched?): return "\(reason.rawValue), \(matched)"
        case let (reason?, nil): return reason.rawValue
        case let (nil, matched?): return matched
        case (nil, nil): return ""
        }
    }

    /// The lines under the user's row, as (attribute, value) pairs: a create's attributes in path
    /// order, an update's or disable's changes as `old -> new`, a skip's explanation.
    var detailRows: [(String, String)] {
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
        guard !references.isEmpty else { return rows }
        for reference in references {
            let old = kind == .create ? "" : "\(reference.old?.description ?? "(none)") -> "
            rows.append((reference.path.shortName, old + "\(reference.userName) (created in this run)"))
        }
        if kind == .create { rows.sort { $0.0 < $1.0 } }
        return rows
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
        let length = count
        return length >= width ? self : self + String(repeating: " ", count: width - length)
    }
}
