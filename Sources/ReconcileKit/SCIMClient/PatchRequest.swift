/// Turns a plan's PATCH operations into the operations to send for a user as it is now
/// (RFC 7644 §3.5.2), so the request is right for the current state even when the user changed
/// since the plan (after a 412, or a lost answer).
///
/// - An operation whose value is already there is left out (an empty result means nothing to do).
/// - `add` where the user has no value, `replace` where it has one.
/// - A filtered path (`emails[type eq "work"].value`) whose element does not exist yet is sent as
///   an `add` of a new element to the multi-valued attribute: servers answer both `add` and
///   `replace` on a filter that matches nothing with 400 noTarget (scim-servers.md §2, PATCH).
/// - Removing the last value of such an element removes the element, not just the value, so no
///   `{"type": "work"}` husk is left behind (the embedded store does the same).
/// - Booleans stay JSON booleans.
enum PatchRequest {
    static func operations(_ planned: [PatchOperation], current: JSONValue) -> [JSONValue] {
        var result: [JSONValue] = []
        var resource = current
        for operation in planned {
            let desired = operation.op == .remove ? nil : operation.value
            let present = resource.value(at: operation.path)
            if same(present, desired, at: operation.path) { continue }
            result.append(contentsOf: wire(operation.path, desired: desired, present: present, in: resource))
            resource = resource.setting(operation.path, to: desired)
        }
        return result
    }

    /// The resource with the planned operations applied, as a PUT body (for endpoints without PATCH).
    static func replacement(_ planned: [PatchOperation], current: JSONValue) -> JSONValue {
        var resource = current
        for operation in planned {
            resource = resource.setting(operation.path, to: operation.op == .remove ? nil : operation.value)
        }
        guard case .object(var members) = resource else { return resource }
        members = members.filter { $0.key.lowercased() != "meta" }
        return .object(members)
    }

    /// Every value a User resource holds, as the attribute paths the mapping uses (the four shapes
    /// of `SCIMPath`): what an adopted user is brought in line on.
    static func paths(in resource: JSONValue) -> [SCIMPath] {
        var paths: [SCIMPath] = []
        for (key, value) in resource.objectValue ?? [:] {
            switch key.lowercased() {
            case "schemas", "id", "meta": continue
            default: break
            }
            switch value {
            case .object(let members) where key.lowercased().hasPrefix("urn:"):
                for name in members.keys { paths.append(SCIMPath(schema: key, attribute: name)) }
            case .object(let members):
                for name in members.keys { paths.append(SCIMPath(attribute: key, subAttribute: name)) }
            case .array(let elements):
                for element in elements {
                    guard let type = element.member("type")?.stringValue else { continue }
                    for name in (element.objectValue ?? [:]).keys where !["type", "primary"].contains(name.lowercased()) {
                        paths.append(SCIMPath(attribute: key, typeFilter: type, subAttribute: name))
                    }
                }
            default:
                paths.append(SCIMPath(attribute: key))
            }
        }
        return paths.sorted()
    }

    private static func wire(_ path: SCIMPath, desired: JSONValue?, present: JSONValue?, in resource: JSONValue) -> [JSONValue] {
        func op(_ name: String, _ path: String, _ value: JSONValue?) -> JSONValue {
            var members: [String: JSONValue] = ["op": .string(name), "path": .string(path)]
            members["value"] = value
            return .object(members)
        }
        if let type = path.typeFilter, let sub = path.subAttribute {
            let container = SCIMPath(schema: path.schema, attribute: path.attribute)
            let elements = resource.value(at: container)?.arrayValue ?? []
            let element = elements.first { $0.member("type")?.stringValue?.lowercased() == type.lowercased() }
            let elementPath = "\(container)[type eq \(SCIMFilter.quoted(type))]"
            guard let element else {
                guard let desired else { return [] }
                var added: [String: JSONValue] = ["type": .string(type), sub: desired]
                if elements.isEmpty { added["primary"] = .bool(true) }
                return [op("add", container.description, .array([.object(added)]))]
            }
            guard let desired else {
                let rest = (element.objectValue ?? [:]).keys.filter { !["type", "primary", sub.lowercased()].contains($0.lowercased()) }
                return [op("remove", rest.isEmpty ? elementPath : path.description, nil)]
            }
            return [op(present == nil ? "add" : "replace", path.description, desired)]
        }
        guard let desired else { return present == nil ? [] : [op("remove", path.description, nil)] }
        return [op(present == nil || present == .null ? "add" : "replace", path.description, desired)]
    }

    /// Whether the user already holds `desired` at `path` (absent, null and "" are the same, RFC 7643 §2.5).
    private static func same(_ present: JSONValue?, _ desired: JSONValue?, at path: SCIMPath) -> Bool {
        let now = present.flatMap { $0.isAbsent ? nil : $0 }
        let wanted = desired.flatMap { $0.isAbsent ? nil : $0 }
        switch (now, wanted) {
        case (nil, nil): return true
        case (nil, _), (_, nil): return false
        case let (now?, wanted?):
            if Mapping.booleanPaths.contains(path), let a = TargetUser.boolean(now), let b = TargetUser.boolean(wanted) { return a == b }
            return SCIMValue(json: now).map { $0 == SCIMValue(json: wanted) } ?? (now == wanted)
        }
    }
}
