/// The plan file (DESIGN §5): JSON with sorted keys and actions in plan order, so equal inputs
/// give byte-identical plans apart from `createdAt`.
extension Plan {
    /// The plan as the JSON document of the plan file contract.
    public var json: JSONValue {
        var summary: [String: JSONValue] = [
            "noChange": .number(noChange), "notProvisioned": .number(notProvisioned), "outOfScope": .number(outOfScope),
        ]
        for kind in PlanAction.Kind.allCases { summary[kind.rawValue] = .number(count(kind)) }
        summary.merge(holdSummary) { $1 }
        var document: [String: JSONValue] = [
            "formatVersion": .number(Plan.formatVersion),
            "createdAt": .string(createdAt),
            "snapshot": .object([
                "sha256": .string(snapshot.sha256), "users": .number(snapshot.users), "inScope": .number(snapshot.inScope),
            ]),
            "target": .object([
                "kind": .string(target.kind), "location": .string(target.location), "fingerprint": .string(target.fingerprint),
            ]),
            "summary": .object(summary),
            "actions": .array(actions.map(\.json)),
        ]
        if !warnings.isEmpty { document["warnings"] = .array(warnings.map(JSONValue.string)) }
        return .object(document)
    }

    /// The plan file's text: pretty JSON with a final newline.
    public var fileText: String { JSONWriter.write(json, pretty: true) + "\n" }

    /// Reads a plan file's document.
    /// - Throws: `PlanFileError` naming the action and field at fault.
    public init(json: JSONValue, file: String) throws(PlanFileError) {
        guard case .object = json else { throw .invalid(file: file, at: "the document", expected: "an object") }
        guard json["formatVersion"]?.intValue == Plan.formatVersion else {
            throw .unsupportedVersion(file: file, found: json["formatVersion"].map { JSONWriter.write($0, pretty: false) } ?? "none")
        }
        let read = PlanFileReader(file: file)
        let snapshot = try read.object(json, "snapshot", at: "the document")
        let target = try read.object(json, "target", at: "the document")
        guard case .array(let elements)? = json["actions"] else {
            throw .invalid(file: file, at: "the document", expected: "an \"actions\" array")
        }
        var actions: [PlanAction] = []
        for (index, element) in elements.enumerated() {
            actions.append(try read.action(element, at: "action \(index + 1)"))
        }
        self.init(
            createdAt: json["createdAt"]?.stringValue ?? "",
            snapshot: .init(
                sha256: snapshot["sha256"]?.stringValue ?? "",
                users: snapshot["users"]?.intValue ?? 0, inScope: snapshot["inScope"]?.intValue ?? 0),
            target: .init(
                kind: try read.string(target, "kind", at: "target"),
                location: try read.string(target, "location", at: "target"),
                fingerprint: try read.string(target, "fingerprint", at: "target")),
            actions: actions,
            noChange: json["summary"]?["noChange"]?.intValue ?? 0,
            notProvisioned: json["summary"]?["notProvisioned"]?.intValue ?? 0,
            outOfScope: json["summary"]?["outOfScope"]?.intValue ?? 0
        )
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

extension PlanAction {
    /// The action as the plan file writes it (`action` names the kind).
    var json: JSONValue {
        var members: [String: JSONValue] = ["action": .string(kind.rawValue), "userName": .string(userName)]
        members["sourceId"] = sourceId.map(JSONValue.string)
        members["targetId"] = targetId.map(JSONValue.string)
        members["externalId"] = externalId.map(JSONValue.string)
        members["reason"] = reason.map { .string($0.rawValue) }
        members["detail"] = detail.map(JSONValue.string)
        members["version"] = version.map(JSONValue.string)
        members["matchedOn"] = matchedOn.map(JSONValue.string)
        members["resource"] = resource
        members["held"] = hold?.json
        if !references.isEmpty { members["references"] = .array(references.map(\.json)) }
        if kind == .update || kind == .disable {
            members["operations"] = .array(operations.map(\.json))
            members["changes"] = .array(changes.map(\.json))
        }
        return .object(members)
    }
}

/// Why a plan file cannot be used. Nothing is applied.
public enum PlanFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case unsupportedVersion(file: String, found: String)
    case invalid(file: String, at: String, expected: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "cannot read plan \(file): \(reason)"
        case let .unsupportedVersion(file, found):
            return "\(file): formatVersion \(found) is not supported (this reconcile reads formatVersion \(Plan.formatVersion))"
        case let .invalid(file, at, expected): return "\(file): \(at): expected \(expected)"
        }
    }
}

/// Field-by-field reading of a plan file, with errors that name the place.
private struct PlanFileReader {
    let file: String

    func object(_ json: JSONValue, _ key: String, at place: String) throws(PlanFileError) -> JSONValue {
        guard let value = json[key], case .object = value else { throw .invalid(file: file, at: place, expected: "an object \"\(key)\"") }
        return value
    }

    func string(_ json: JSONValue, _ key: String, at place: String) throws(PlanFileError) -> String {
        guard let value = json[key]?.stringValue else { throw .invalid(file: file, at: place, expected: "a string \"\(key)\"") }
        return value
    }

    func optionalString(_ json: JSONValue, _ key: String, at place: String) throws(PlanFileError) -> String? {
        guard let value = json[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalid(file: file, at: place, expected: "a string \"\(key)\"") }
        return text
    }

    func action(_ json: JSONValue, at place: String) throws(PlanFileError) -> PlanAction {
        guard case .object = json else { throw .invalid(file: file, at: place, expected: "an object") }
        let name = try string(json, "action", at: place)
        guard let kind = PlanAction.Kind(rawValue: name) else {
            let known = PlanAction.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(file: file, at: place, expected: "\"action\" to be one of \(known), not \"\(name)\"")
        }
        var action = PlanAction(kind: kind, userName: try string(json, "userName", at: place))
        action.sourceId = try optionalString(json, "sourceId", at: place)
        action.targetId = try optionalString(json, "targetId", at: place)
        action.externalId = try optionalString(json, "externalId", at: place)
        action.detail = try optionalString(json, "detail", at: place)
        action.version = try optionalString(json, "version", at: place)
        action.matchedOn = try optionalString(json, "matchedOn", at: place)
        if let reason = try optionalString(json, "reason", at: place) {
            guard let known = PlanAction.Reason(rawValue: reason) else {
                throw .invalid(file: file, at: place, expected: "a known \"reason\", not \"\(reason)\"")
            }
            action.reason = known
        }
        switch kind {
        case .create:
            guard let resource = json["resource"], case .object = resource else {
                throw .invalid(file: file, at: place, expected: "a \"resource\" object for a create")
            }
            action.resource = resource
        case .update, .disable, .link, .delete:
            guard action.targetId != nil else { throw .invalid(file: file, at: place, expected: "a string \"targetId\"") }
        case .skip:
            break
        }
        for (index, operation) in (json["operations"]?.arrayValue ?? []).enumerated() {
            action.operations.append(try patchOperation(operation, at: "\(place), operation \(index + 1)"))
        }
        for change in json["changes"]?.arrayValue ?? [] {
            if let path = change["attribute"]?.stringValue.flatMap(SCIMPath.init) {
                action.changes.append(AttributeChange(
                    path: path, old: change["old"].flatMap(SCIMValue.init(json:)), new: change["new"].flatMap(SCIMValue.init(json:))))
            }
        }
        for (index, reference) in (json["references"]?.arrayValue ?? []).enumerated() {
            guard let read = PlanReference(json: reference) else {
                throw .invalid(file: file, at: "\(place), reference \(index + 1)", expected: "an \"attribute\" path and a \"sourceId\"")
            }
            action.references.append(read)
        }
        return action
    }

    func patchOperation(_ json: JSONValue, at place: String) throws(PlanFileError) -> PatchOperation {
        let opName = try string(json, "op", at: place)
        guard let op = PatchOperation.Op(rawValue: opName.lowercased()) else {
            throw .invalid(file: file, at: place, expected: "\"op\" add, replace or remove, not \"\(opName)\"")
        }
        let pathText = try string(json, "path", at: place)
        guard let path = SCIMPath(pathText) else {
            throw .invalid(file: file, at: place, expected: "a supported attribute path, not \"\(pathText)\"")
        }
        let value = json["value"]
        if op != .remove && value == nil { throw .invalid(file: file, at: place, expected: "a \"value\" for \(opName)") }
        return PatchOperation(op: op, path: path, value: op == .remove ? nil : value)
    }
}
