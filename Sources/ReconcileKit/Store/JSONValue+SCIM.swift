/// Reading and writing SCIM User resources by attribute path (RFC 7643 §4.1, RFC 7644 §3.5.2).
extension JSONValue {
    /// An object member by name, case-insensitively as SCIM attribute names are (RFC 7643 §2.1).
    public func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[name] { return exact }
        return members.first { Self.sameName($0.key, name) }?.value
    }

    /// The key under which `name` is stored in `members` (its existing spelling), or `name` itself.
    private static func memberKey(_ name: String, in members: [String: JSONValue]) -> String {
        guard members[name] == nil else { return name }
        return members.keys.first { sameName($0, name) } ?? name
    }

    /// Whether two names are the same apart from case: `a.lowercased() == b.lowercased()`, without
    /// making either lowercased copy when both are ASCII (every SCIM attribute name is).
    static func sameName(_ a: String, _ b: String) -> Bool {
        let ascii = a.withUTF8Bytes { a in
            b.withUTF8Bytes { b -> Bool? in
                guard a.allSatisfy({ $0 < 0x80 }), b.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard a.count == b.count else { return false }
                for index in a.indices where a[index] != b[index] {
                    let x = a[index], y = b[index]
                    let folded = { (byte: UInt8) in byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
                    if folded(x) != folded(y) { return false }
                }
                return true
            }
        }
        return ascii ?? (a.lowercased() == b.lowercased())
    }

    /// The value at `path`, or `nil` when the resource has none there.
    public func value(at path: SCIMPath) -> JSONValue? {
        guard let container = path.schema.map({ member($0) }) ?? self else { return nil }
        guard let attribute = container.member(path.attribute) else { return nil }
        if let type = path.typeFilter {
            guard let element = attribute.arrayValue?.first(where: { $0.hasType(type) }) else { return nil }
            return path.subAttribute.flatMap { element.member($0) }
        }
        if let sub = path.subAttribute { return attribute.member(sub) }
        return attribute
    }

    /// The resource with `value` set at `path`; `nil` removes the value (and any container left empty).
    public func setting(_ path: SCIMPath, to value: JSONValue?) -> JSONValue {
        var resource = self
        resource.set(path, to: value)
        return resource
    }

    /// Sets `value` at `path` in place (see `setting(_:to:)`): a resource built attribute by
    /// attribute is then changed where it is, not copied once per attribute.
    mutating func set(_ path: SCIMPath, to value: JSONValue?) {
        // Entra PATCHes the enterprise manager as a bare id; the resource keeps RFC 7643's `{"value": id}`.
        if case .string(let id)? = value, path.isManager, path.subAttribute == nil {
            return set(path, to: .object(["value": .string(id)]))
        }
        guard case .object(var members) = self else { return }
        // Leaves `members` the only reference to the storage, so changing it copies nothing.
        self = .null
        if let schema = path.schema {
            let key = Self.memberKey(schema, in: members)
            var ext = members.removeValue(forKey: key) ?? .object([:])
            ext.setAttribute(path, to: value)
            let present = !ext.isEmptyObject
            if present { members[key] = ext }
            Self.setSchema(schema, present: present, in: &members)
        } else {
            Self.setAttribute(path, to: value, in: &members)
        }
        self = .object(members)
    }

    /// Sets `path` within this schema container (core resource or extension object).
    private mutating func setAttribute(_ path: SCIMPath, to value: JSONValue?) {
        guard case .object(var members) = self else { return }
        self = .null
        Self.setAttribute(path, to: value, in: &members)
        self = .object(members)
    }

    private static func setAttribute(_ path: SCIMPath, to value: JSONValue?, in members: inout [String: JSONValue]) {
        let key = memberKey(path.attribute, in: members)
        if let type = path.typeFilter, let sub = path.subAttribute {
            var elements = members.removeValue(forKey: key)?.arrayValue ?? []
            if let index = elements.firstIndex(where: { $0.hasType(type) }) {
                var element = elements[index]
                element.setMember(sub, to: value)
                if element.hasOnlyTypeAndPrimary { elements.remove(at: index) } else { elements[index] = element }
            } else if let value {
                var element: [String: JSONValue] = ["type": .string(type), sub: value]
                if elements.isEmpty { element["primary"] = .bool(true) }
                elements.append(.object(element))
            }
            if !elements.isEmpty { members[key] = .array(elements) }
        } else if let sub = path.subAttribute {
            var object = members.removeValue(forKey: key) ?? .object([:])
            object.setMember(sub, to: value)
            if !object.isEmptyObject { members[key] = object }
        } else {
            members[key] = value
        }
    }

    private mutating func setMember(_ name: String, to value: JSONValue?) {
        guard case .object(var members) = self else { return }
        self = .null
        members[Self.memberKey(name, in: members)] = value
        self = .object(members)
    }

    private static func setSchema(_ schema: String, present: Bool, in members: inout [String: JSONValue]) {
        let key = memberKey("schemas", in: members)
        var schemas = members[key]?.arrayValue ?? []
        let listed = schemas.contains { $0.stringValue.map { sameName($0, schema) } ?? false }
        // Already as it should be: leave `schemas` alone (and absent, if the resource has none).
        guard present != listed else { return }
        if present { schemas.append(.string(schema)) } else { schemas.removeAll { $0.stringValue.map { sameName($0, schema) } ?? false } }
        members[key] = .array(schemas)
    }

    private func hasType(_ type: String) -> Bool {
        member("type")?.stringValue.map { Self.sameName($0, type) } ?? false
    }

    private var hasOnlyTypeAndPrimary: Bool {
        guard case .object(let members) = self else { return false }
        return members.keys.allSatisfy { Self.sameName($0, "type") || Self.sameName($0, "primary") }
    }

    private var isEmptyObject: Bool {
        if case .object(let members) = self { return members.isEmpty }
        return false
    }

    /// A new User resource holding `values`, without `id` or `meta` (the store assigns those).
    public static func userResource(_ values: [SCIMPath: SCIMValue]) -> JSONValue {
        userResource(PathValues(values))
    }

    /// A new User resource holding `values`, without `id` or `meta`.
    public static func userResource(_ values: PathValues<SCIMValue>) -> JSONValue {
        var resource = JSONValue.object(["schemas": .array([.string(SCIMPath.coreSchema)])])
        let paths = values.layout.paths
        for slot in values.layout.sortedSlots {
            guard let value = values.value(inSlot: slot) else { continue }
            resource.set(paths[slot], to: SCIMUserSchema.json(value, at: paths[slot]))
        }
        return resource
    }
}

extension SCIMPath {
    /// Whether this is the enterprise extension's `manager` (any spelling).
    var isManager: Bool {
        typeFilter == nil && JSONValue.sameName(attribute, "manager")
            && schema.map { JSONValue.sameName($0, SCIMPath.enterpriseSchema) } ?? false
    }
}
