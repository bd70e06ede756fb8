/// Reading and writing SCIM User resources by attribute path (RFC 7643 §4.1, RFC 7644 §3.5.2).
extension JSONValue {
    /// An object member by name, case-insensitively as SCIM attribute names are (RFC 7643 §2.1).
    public func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[name] { return exact }
        let lowered = name.lowercased()
        return members.first { $0.key.lowercased() == lowered }?.value
    }

    /// The key under which `name` is stored in this object (its existing spelling), or `name` itself.
    private func memberKey(_ name: String) -> String {
        guard case .object(let members) = self, members[name] == nil else { return name }
        let lowered = name.lowercased()
        return members.keys.first { $0.lowercased() == lowered } ?? name
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
        guard case .object(var members) = self else { return self }
        // Entra PATCHes the enterprise manager as a bare id; the resource keeps RFC 7643's `{"value": id}`.
        if case .string(let id)? = value, path.isManager, path.subAttribute == nil {
            return setting(path, to: .object(["value": .string(id)]))
        }
        if let schema = path.schema {
            let key = memberKey(schema)
            let ext = (members[key] ?? .object([:])).settingAttribute(path, to: value)
            members[key] = ext.isEmptyObject ? nil : ext
            return JSONValue.object(members).withSchema(schema, present: !ext.isEmptyObject)
        }
        return settingAttribute(path, to: value)
    }

    /// Sets `path` within this schema container (core resource or extension object).
    private func settingAttribute(_ path: SCIMPath, to value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        let key = memberKey(path.attribute)
        if let type = path.typeFilter, let sub = path.subAttribute {
            var elements = members[key]?.arrayValue ?? []
            if let index = elements.firstIndex(where: { $0.hasType(type) }) {
                let element = elements[index].settingMember(sub, to: value)
                if element.hasOnlyTypeAndPrimary { elements.remove(at: index) } else { elements[index] = element }
            } else if let value {
                var element: [String: JSONValue] = ["type": .string(type), sub: value]
                if elements.isEmpty { element["primary"] = .bool(true) }
                elements.append(.object(element))
            }
            members[key] = elements.isEmpty ? nil : .array(elements)
        } else if let sub = path.subAttribute {
            let object = (members[key] ?? .object([:])).settingMember(sub, to: value)
            members[key] = object.isEmptyObject ? nil : object
        } else {
            members[key] = value
        }
        return .object(members)
    }

    private func settingMember(_ name: String, to value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[memberKey(name)] = value
        return .object(members)
    }

    private func withSchema(_ schema: String, present: Bool) -> JSONValue {
        guard case .object(var members) = self else { return self }
        let key = memberKey("schemas")
        var schemas = members[key]?.arrayValue ?? []
        let listed = schemas.contains { $0.stringValue?.lowercased() == schema.lowercased() }
        // Already as it should be: leave `schemas` alone (and absent, if the resource has none).
        guard present != listed else { return self }
        if present { schemas.append(.string(schema)) } else { schemas.removeAll { $0.stringValue?.lowercased() == schema.lowercased() } }
        members[key] = .array(schemas)
        return .object(members)
    }

    private func hasType(_ type: String) -> Bool {
        member("type")?.stringValue?.lowercased() == type.lowercased()
    }

    private var hasOnlyTypeAndPrimary: Bool {
        guard case .object(let members) = self else { return false }
        return members.keys.allSatisfy { ["type", "primary"].contains($0.lowercased()) }
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
            resource = resource.setting(paths[slot], to: SCIMUserSchema.json(value, at: paths[slot]))
        }
        return resource
    }
}

extension SCIMPath {
    /// Whether this is the enterprise extension's `manager` (any spelling).
    var isManager: Bool {
        schema?.lowercased() == SCIMPath.enterpriseSchema.lowercased() && attribute.lowercased() == "manager" && typeFilter == nil
    }
}
