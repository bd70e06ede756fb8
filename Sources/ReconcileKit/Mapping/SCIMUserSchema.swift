/// The SCIM User attributes a mapping can target, with their types: the core User schema
/// (RFC 7643 §4.1), multi-valued attributes by their canonical `type` values, and the enterprise
/// extension (RFC 7643 §4.3). Entra's attribute list for a SCIM app is the same set
/// (entra-provisioning.md §3).
///
/// Attribute names are case-insensitive in SCIM (RFC 7643 §2.1), so a configuration may write
/// `emails[type eq "work"].Value` as Microsoft's table does; `canonical(_:)` gives the one spelling
/// every other stage compares with.
public enum SCIMUserSchema {
    /// What a target holds: SCIM's `string`, `boolean`, or a `reference` to another User, written as
    /// the complex value `{"value": id}` (the enterprise `manager`, RFC 7643 §4.3).
    public enum AttributeType: String, Sendable {
        case string, boolean, reference
    }

    /// The enterprise extension's `manager`: a reference to the manager's SCIM `id`.
    public static let manager = SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "manager")

    /// Every target path, in the order the documentation lists them.
    public static let targetPaths: [SCIMPath] = {
        var paths: [SCIMPath] = []
        for name in ["userName", "externalId", "active", "displayName", "nickName", "profileUrl", "title", "userType",
                     "preferredLanguage", "locale", "timezone"] {
            paths.append(SCIMPath(attribute: name))
        }
        for sub in ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"] {
            paths.append(SCIMPath(attribute: "name", subAttribute: sub))
        }
        for (attribute, types, subs) in multiValued {
            for type in types {
                for sub in subs { paths.append(SCIMPath(attribute: attribute, typeFilter: type, subAttribute: sub)) }
            }
        }
        for name in ["employeeNumber", "costCenter", "organization", "division", "department", "manager"] {
            paths.append(SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: name))
        }
        return paths
    }()

    /// Multi-valued attributes, their canonical `type` values and the sub-attributes a mapping may set
    /// (RFC 7643 §4.1.2).
    static let multiValued: [(attribute: String, types: [String], subAttributes: [String])] = [
        ("emails", ["work", "home", "other"], ["value"]),
        ("phoneNumbers", ["work", "mobile", "fax", "home", "pager", "other"], ["value"]),
        ("addresses", ["work", "home", "other"], ["formatted", "streetAddress", "locality", "region", "postalCode", "country"]),
    ]

    private static let byKey: [String: SCIMPath] = {
        var table: [String: SCIMPath] = [:]
        for path in targetPaths { table[key(path)] = path }
        return table
    }()

    private static func key(_ path: SCIMPath) -> String { path.description.lowercased() }

    /// The path in its canonical spelling, or `nil` when it is not a target a mapping can set.
    ///
    /// Also accepts the core schema's URN prefix (`urn:…:core:2.0:User:userName`) and the manager's
    /// sub-attribute form (`…:User:manager.value`), both written the short way.
    public static func canonical(_ path: SCIMPath) -> SCIMPath? {
        var path = path
        if let schema = path.schema, schema.lowercased() == SCIMPath.coreSchema.lowercased() {
            path = SCIMPath(attribute: path.attribute, typeFilter: path.typeFilter, subAttribute: path.subAttribute)
        }
        if path.schema != nil, path.attribute.lowercased() == "manager", path.typeFilter == nil,
           path.subAttribute?.lowercased() == "value" {
            return manager
        }
        return byKey[key(path)]
    }

    /// The type of a target; anything outside the schema reads as a string.
    public static func type(of path: SCIMPath) -> AttributeType {
        if path == .active { return .boolean }
        if path == manager { return .reference }
        return .string
    }

    /// A value as the resource and PATCH operations write it at `path`: references as `{"value": id}`.
    public static func json(_ value: SCIMValue, at path: SCIMPath) -> JSONValue {
        if type(of: path) == .reference, case .string(let id) = value {
            return .object(["value": .string(id)])
        }
        return value.json
    }

    /// The known target closest to `text`, for "did you mean" in configuration errors.
    static func suggestion(for text: String) -> SCIMPath? {
        let lowered = text.lowercased()
        // A bare enterprise attribute name (`department`) is the commonest slip.
        if let bare = targetPaths.first(where: { $0.schema != nil && $0.attribute.lowercased() == lowered }) { return bare }
        var best: (path: SCIMPath, distance: Int)?
        for path in targetPaths {
            let candidates = [path.description.lowercased(), path.shortName.lowercased()]
            for candidate in candidates {
                let distance = lowered.editDistance(to: candidate)
                if distance <= max(2, lowered.count / 5), distance < (best?.distance ?? Int.max) { best = (path, distance) }
            }
        }
        return best?.path
    }
}

extension String {
    /// Levenshtein distance over characters, for suggestions (inputs are short attribute paths).
    func editDistance(to other: String) -> Int {
        let a = Array(self), b = Array(other)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
