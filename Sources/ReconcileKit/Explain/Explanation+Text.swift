/// The explanation for a terminal: a heading, then one numbered section per stage.
extension Explanation {
    /// The explanation as text, ending with a newline.
    public var text: String {
        var lines = [heading]
        let scale = target.exists
            ? "\(target.users) user\(target.users == 1 ? "" : "s"), \(target.managed) managed by this job"
            : "does not exist yet, explained as empty"
        lines.append("Snapshot \(snapshot.path): \(snapshot.users) user\(snapshot.users == 1 ? "" : "s"). "
            + "Target \(target.kind) \(target.location): \(scale).")
        lines.append("")
        lines += importedLines
        lines.append("")
        lines += scopeLines
        lines.append("")
        lines += matchLines
        lines.append("")
        lines += mappingLines
        lines.append("")
        lines += actionLines
        return lines.joined(separator: "\n") + "\n"
    }

    private var heading: String {
        var who: [String] = []
        if let sourceID { who.append("directory user \(sourceID)") }
        if let targetUser { who.append(targetUser.description) }
        return "Explain \(query): " + who.joined(separator: ", ") + " (found by \(foundBy.joined(separator: ", ")))."
    }

    // MARK: - Sections

    private var importedLines: [String] {
        guard let imported else { return ["1. Imported: not in the snapshot."] }
        var lines = ["1. Imported from \(imported.origin)"]
        let rows = imported.values.map { value in
            [value.name, Self.text(value.value) + (value.computedFrom.map { " (computed from \($0))" } ?? "")]
        }
        lines += Self.table(rows)
        return lines
    }

    private var scopeLines: [String] {
        guard let scope else { return ["2. Scope: not in the snapshot."] }
        let decision = scope.decision
        var reasons: [String] = []
        switch decision.assignment {
        case .direct?: reasons.append("assigned directly")
        case .group?: reasons.append("assigned through a group")
        case .nestedOnly?: reasons.append("only in a group nested in an assigned group")
        case .notAssigned?: reasons.append("not assigned")
        case nil: break
        }
        if !decision.filters.isEmpty {
            reasons.append(decision.filters.first(where: \.passed).map { "passes \($0.label)" } ?? "fails every scoping filter")
        }
        if reasons.isEmpty { reasons.append("no assignments or scoping filters") }
        var lines = ["2. Scope: \(decision.inScope ? "in scope" : "out of scope"): \(reasons.joined(separator: "; "))."]
        if let assignment = decision.assignment {
            lines.append("     assignment: \(assignment)")
        } else {
            lines.append("     assignment: none given (--assignments): every user is a candidate")
        }
        if decision.filters.isEmpty { lines.append("     scoping filters: none configured") }
        for filter in decision.filters {
            lines.append("     \(filter.label): \(filter.passed ? "passes" : "fails")")
            var rows = [["ATTRIBUTE", "OPERATOR", "EXPECTED", "ACTUAL", "RESULT"]]
            for outcome in filter.clauses {
                rows.append([
                    outcome.clause.attribute, outcome.clause.operator.rawValue, outcome.clause.value.map { "\"\($0)\"" } ?? "",
                    outcome.found.map { "\"\($0)\"" } ?? "(none)", outcome.passed ? "true" : "false",
                ])
            }
            lines += Self.table(rows, indent: 7)
        }
        return lines
    }

    private var matchLines: [String] {
        var lines: [String]
        switch match.result {
        case .linked(let user): lines = ["3. Match: linked by an earlier run to \(user)."]
        case let .matched(user, path): lines = ["3. Match: matched on \(path.shortName) to \(user), which this job did not manage before."]
        case .unmatched: lines = ["3. Match: no target user holds any of the user's matching values."]
        case let .refused(reason, detail): lines = ["3. Match: refused (\(reason.rawValue)): \(detail)."]
        case .notMatched(let why): lines = ["3. Match: not matched: \(why)."]
        }
        if let link = match.link, match.result != .linked(link) {
            lines.append("     link: an earlier run linked this user to \(link)")
        }
        if !match.tried.isEmpty {
            var rows = [["ATTRIBUTE", "VALUE", "TARGET USERS WITH IT"]]
            for trial in match.tried {
                let holders = trial.candidates.map { "\($0.id) (\($0.userName))" }.joined(separator: ", ")
                rows.append([trial.path.shortName, Self.text(trial.value), trial.value == nil ? "" : holders.isEmpty ? "none" : holders])
            }
            lines += Self.table(rows)
        }
        return lines
    }

    private var mappingLines: [String] {
        if let notMapped = mapping.notMapped { return ["4. Mapping: not mapped: \(notMapped)."] }
        let rows = mapping.rows
        let changing = rows.filter { $0.change == .changes }.count
        let set = rows.filter { $0.change == .set }.count
        let summary: String
        if set > 0 {
            summary = "\(set) of \(rows.count) attributes set by the create"
        } else if rows.allSatisfy({ $0.change == .none }) {
            summary = "nothing is written (see the action)"
        } else {
            summary = changing == 0 ? "nothing changes" : "\(changing) of \(rows.count) attribute\(rows.count == 1 ? "" : "s") change"
        }
        // A create has no old values: the column is left out.
        let hasOld = set == 0 && rows.contains { $0.old != nil }
        var table = [["CHANGE", "TARGET", "SOURCE", "APPLY"] + (hasOld ? ["OLD"] : []) + ["NEW"]]
        for row in rows {
            let source: String
            switch row.source {
            case .attribute(let name): source = name
            case .constant(let value): source = Expression.literal(value).description + " (constant)"
            case .expression(let expression): source = expression.description
            }
            table.append([row.change == .none ? "-" : row.change.rawValue, row.target.shortName, source, row.apply.rawValue]
                + (hasOld ? [Self.text(row.old)] : []) + [Self.text(row.new) + (row.note.map { "  (\($0))" } ?? "")])
        }
        return ["4. Mapping: \(summary)."] + Self.table(table)
    }

    private var actionLines: [String] {
        var lines = ["5. Action: \(action.outcome): \(action.why)."]
        for planned in action.actions {
            if action.actions.count > 1 { lines.append("     \(planned.kind.rawValue) \(planned.userName):") }
            for operation in planned.operations {
                let value = operation.value.map { ": " + JSONWriter.write($0) } ?? ""
                lines.append("     \(operation.op.rawValue) \(operation.path.shortName)\(value)")
            }
            for reference in planned.references {
                lines.append("     set \(reference.path.shortName) to \(reference.userName) once it is created in this run")
            }
            if let hold = planned.hold { lines.append("     held: \(hold.label)") }
        }
        for warning in action.warnings { lines.append("     ! \(warning)") }
        lines.append("   Guards:")
        let guards = action.guards
        let verdict = guards.deletionThreshold
        var rows = [[
            "deletion threshold",
            "\(DeletionGuard.phrase(verdict.planned)) planned in the whole plan, \(verdict.exceeded ? "more than" : "within") "
                + verdict.limitDescription + (guards.staged ? ": this one is staged" : ""),
        ]]
        rows.append(["partial export", guards.partialExport.map { "refused: \($0)" } ?? "passes"])
        if guards.hasRunState {
            rows.append(["quarantine", guards.quarantine.map { "since \($0.since) (\($0.reason.rawValue): \($0.detail))" } ?? "none"])
            rows.append(["escrow", escrowText])
            if let holder = guards.lockHolder {
                rows.append(["run lock", "run \(holder.runID) (reconcile \(holder.command)) is in progress since \(holder.since), "
                    + "process \(holder.pid) on host \(holder.host)"])
            }
        } else {
            rows.append(["run state", "none yet (no runs, quarantine or escrowed failures)"])
        }
        lines += Self.table(rows.map { [$0[0] + ":", $0[1]] })
        lines.append("   " + guards.verdict(for: action.actions))
        return lines
    }

    private var escrowText: String {
        guard let entry = action.guards.escrow else { return "no failed action of this user waits for a retry" }
        let error = entry.errorCode.map { "\($0): \(entry.error)" } ?? entry.error
        let state = action.guards.escrowHold?.label ?? "due for a retry now"
        return "\(entry.action) failed \(entry.attempts) time\(entry.attempts == 1 ? "" : "s") since \(entry.firstFailed) "
            + "(last error: \(error)); \(state)"
    }

    // MARK: - Helpers

    /// A value as the explanation shows it: strings quoted, structured values as compact JSON.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return "(none)"
        case .string(let text)?: return "\"\(text)\""
        case .bool(let flag)?: return flag ? "true" : "false"
        case .number(let text)?: return text
        case let value?: return JSONWriter.write(value)
        }
    }

    static func text(_ value: SCIMValue?) -> String {
        value?.description ?? "(none)"
    }

    /// Rows in columns two spaces apart, indented by `indent`, without trailing spaces.
    static func table(_ rows: [[String]], indent: Int = 5) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = String(repeating: " ", count: indent)
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : cell.padding(widths[column]) + "  "
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
