/// A SCIM User as the target holds it now: its identity, state and full resource.
public struct TargetUser: Sendable, Equatable {
    /// The target's `id` (server-assigned, RFC 7643 §3.1).
    public let id: String
    public let externalId: String?
    public let userName: String
    public let active: Bool
    /// `meta.version`, the resource's ETag (RFC 7644 §3.14); compared before changing the user.
    public let version: String
    /// The whole resource as JSON.
    public let resource: JSONValue

    public init(id: String, externalId: String?, userName: String, active: Bool, version: String, resource: JSONValue) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.active = active
        self.version = version
        self.resource = resource
    }

    /// Reads a User resource as a SCIM server returns it.
    public init?(resource: JSONValue) {
        guard let id = resource.member("id")?.stringValue,
              let userName = resource.member("userName")?.stringValue else { return nil }
        let externalId = resource.member("externalId")?.stringValue
        self.init(
            id: id,
            externalId: externalId?.isEmpty == true ? nil : externalId,
            userName: userName,
            active: resource.member("active").flatMap(Self.boolean) ?? true,
            version: resource.member("meta")?.member("version")?.stringValue ?? "",
            resource: resource
        )
    }

    /// The current value at a mapped path, or `nil` when the resource has none.
    public func value(at path: SCIMPath) -> SCIMValue? {
        guard let json = resource.value(at: path) else { return nil }
        switch SCIMUserSchema.type(of: path) {
        case .boolean:
            if let flag = Self.boolean(json) { return .bool(flag) }
        case .reference:
            // `{"value": id}` as RFC 7643 §4.3 has it, or the bare id some servers keep from Entra's PATCH.
            if let id = json.member("value")?.stringValue ?? json.stringValue { return id.isEmpty ? nil : .string(id) }
        case .string:
            break
        }
        return SCIMValue(json: json)
    }

    /// A boolean as servers write it: JSON `true`/`false`, or the strings Entra itself sends
    /// (`"True"`, `"False"`, entra-provisioning.md §2).
    static func boolean(_ json: JSONValue) -> Bool? {
        switch json {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: return nil
        }
    }
}
