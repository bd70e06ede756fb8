/// The explanation for tools (`reconcile explain USER --format json`): the same content as the text,
/// as one JSON object with sorted keys (`JSONWriter`). Absent values are `null`, never left out, so
/// every key is always there; `formatVersion` changes only when a key changes meaning or goes away.
extension Explanation {
    public static let formatVersion = 1

    /// The explanation as a JSON document.
    public var json: JSONValue {
        .object([
            "formatVersion": .number(Self.formatVersion),
            "query": .string(query),
            "foundBy": .array(foundBy.map(JSONValue.string)),
            "sourceId": Self.json(sourceID),
            "targetUser": targetUser?.json ?? .null,
            "snapshot": .object(["path": .string(snapshot.path), "users": .number(snapshot.users)]),
            "target": .object([
                "kind": .string(target.kind), "location": .string(target.location), "exists": .bool(target.exists),
                "users": .number(target.users), "managed": .number(target.managed),
            ]),
            "imported": imported?.json ?? .null,
            "scope": scope?.json ?? .null,
            "match": match.json,
            "mapping": mapping.json,
            "action": action.json,
        ])
    }

    /// Pretty JSON with a final newline.
    public var jsonText: String { JSONWriter.write(json, pretty: true) + "\n" }

    static func json(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func json(_ value: SCIMValue?) -> JSONValue { value?.json ?? .null }
}

extension Explanation.TargetReference {
    var json: JSONValue { .object(["id": .string(id), "userName": .string(userName)]) }
}

extension Explanation.Imported {
    var json: JSONValue {
        .object([
            "file": .string(origin.file), "record": .number(origin.record),
            "line": origin.line.map { .number($0) } ?? .null, "column": origin.column.map { .number($0) } ?? .null,
            "values": .array(values.map { value in
                .object([
                    "attribute": .string(value.name), "value": value.value ?? .null,
                    "computedFrom": Explanation.json(value.computedFrom),
                ])
            }),
        ])
    }
}

extension Explanation.ScopeStep {
    var json: JSONValue {
        var assignment = JSONValue.null
        let label = { (group: Assignments.Principal) in
            JSONValue.object(["id": .string(group.id), "displayName": Explanation.json(group.displayName)])
        }
        switch decision.assignment {
        case .direct?: assignment = .object(["kind": .string("direct")])
        case .group(let groups)?: assignment = .object(["kind": .string("group"), "groups": .array(groups.map(label))])
        case .nestedOnly(let pairs)?:
            assignment = .object(["kind": .string("nestedOnly"), "groups": .array(pairs.map { pair in
                .object(["group": label(pair.nested), "nestedIn": label(pair.assigned)])
            })])
        case .notAssigned?: assignment = .object(["kind": .string("notAssigned")])
        case nil: break
        }
        return .object([
            "inScope": .bool(decision.inScope),
            "summary": .string(decision.description),
            "assignment": assignment,
            "filters": .array(decision.filters.map { filter in
                .object([
                    "index": .number(filter.index + 1), "name": Explanation.json(filter.name), "passed": .bool(filter.passed),
                    "clauses": .array(filter.clauses.map { outcome in
                        .object([
                            "attribute": .string(outcome.clause.attribute), "operator": .string(outcome.clause.operator.rawValue),
                            "expected": Explanation.json(outcome.clause.value), "actual": Explanation.json(outcome.found),
                            "passed": .bool(outcome.passed),
                        ])
                    }),
                ])
            }),
        ])
    }
}

extension Explanation.MatchStep {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "link": link?.json ?? .null, "targetUser": .null, "on": .null, "reason": .null, "detail": .null,
            "tried": .array(tried.map { trial in
                .object([
                    "attribute": .string(trial.path.description), "value": Explanation.json(trial.value),
                    "candidates": .array(trial.candidates.map(\.json)),
                ])
            }),
        ]
        switch result {
        case .linked(let user):
            members["result"] = .string("linked")
            members["targetUser"] = user.json
        case let .matched(user, path):
            members["result"] = .string("matched")
            members["targetUser"] = user.json
            members["on"] = .string(path.description)
        case .unmatched:
            members["result"] = .string("unmatched")
        case let .refused(reason, detail):
            members["result"] = .string("refused")
            members["reason"] = .string(reason.rawValue)
            members["detail"] = .string(detail)
        case .notMatched(let why):
            members["result"] = .string("notMatched")
            members["detail"] = .string(why)
        }
        return .object(members)
    }
}

extension Explanation.MappingStep {
    var json: JSONValue {
        .object([
            "notMapped": Explanation.json(notMapped),
            "rows": .array(rows.map { row in
                let source: JSONValue
                switch row.source {
                case .attribute(let name): source = .object(["type": .string("attribute"), "text": .string(name)])
                case .constant(let value): source = .object(["type": .string("constant"), "text": .string(value)])
                case .expression(let expression): source = .object(["type": .string("expression"), "text": .string(expression.description)])
                }
                return .object([
                    "target": .string(row.target.description), "source": source, "apply": .string(row.apply.rawValue),
                    "old": Explanation.json(row.old), "new": Explanation.json(row.new), "change": .string(row.change.rawValue),
                    "note": Explanation.json(row.note),
                ])
            }),
        ])
    }
}

extension Explanation.ActionStep {
    var json: JSONValue {
        let verdict = guards.deletionThreshold
        return .object([
            "outcome": .string(outcome),
            "why": .string(why),
            "actions": .array(actions.map(\.json)),
            "warnings": .array(warnings.map(JSONValue.string)),
            "verdict": .string(guards.verdict(for: actions)),
            "guards": .object([
                "deletionThreshold": .object([
                    "planned": .number(verdict.planned), "limit": .number(verdict.limit), "managed": .number(verdict.managed),
                    "percent": verdict.percent.map { .number($0) } ?? .null, "exceeded": .bool(verdict.exceeded),
                    "staged": .bool(guards.staged),
                ]),
                "partialExport": .object(["passes": .bool(guards.partialExport == nil), "refusal": Explanation.json(guards.partialExport)]),
                "runState": .bool(guards.hasRunState),
                "quarantine": guards.quarantine.map { state in
                    .object(["reason": .string(state.reason.rawValue), "detail": .string(state.detail), "since": .string(state.since)])
                } ?? .null,
                "escrow": guards.escrow.map { entry in
                    .object([
                        "action": .string(entry.action), "attempts": .number(entry.attempts), "error": .string(entry.error),
                        "errorCode": Explanation.json(entry.errorCode), "firstFailed": .string(entry.firstFailed),
                        "nextRetry": .string(entry.nextRetry), "givenUp": Explanation.json(entry.givenUp),
                        "held": guards.escrowHold?.json ?? .null,
                    ])
                } ?? .null,
                "runLock": guards.lockHolder.map { holder in
                    .object([
                        "runId": .number(String(holder.runID)), "command": .string(holder.command), "pid": .number(Int(holder.pid)),
                        "host": .string(holder.host), "since": .string(holder.since),
                    ])
                } ?? .null,
            ]),
        ])
    }
}
