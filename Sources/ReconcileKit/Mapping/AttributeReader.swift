/// Reads one source attribute of a directory user the way Entra's mapping sees it.
///
/// Names are case-insensitive. `IsSoftDeleted` is computed and `objectId` is the user's id. A name
/// the export does not carry is looked up as `DirectoryUser.value` does, which knows the names
/// Entra's attribute list uses for Graph properties (`mobile` is `mobilePhone`, `telephoneNumber` the
/// first of `businessPhones`); then `extensionAttribute1` is read from `onPremisesExtensionAttributes`,
/// and a dotted name reads a member of an object property (`employeeOrgData.costCenter`). A reference
/// such as the expanded `manager` (formats.md §1.4, or `manager@delta`) reads as the referenced
/// object's id.
struct AttributeReader: Sendable {
    private enum Kind: Sendable {
        case isSoftDeleted
        case id
        case property
    }

    /// Where to look: a path of lowercased property names, and whether only the first value counts.
    private struct Location: Sendable {
        let path: [String]
        var firstValueOnly = false
    }

    let name: String
    /// The lowercased name, the key of `DirectoryUser.properties`.
    private let key: String
    private let kind: Kind
    private let locations: [Location]
    private let isRoleList: Bool

    /// Where a delta page puts the manager (formats.md §1.5).
    private static let aliases: [String: Location] = [
        "manager": Location(path: ["manager@delta"], firstValueOnly: true),
    ]

    init(_ name: String) {
        self.name = name
        let lowered = name.lowercased()
        key = lowered
        isRoleList = lowered == "approleassignments"
        switch lowered {
        case "issoftdeleted":
            kind = .isSoftDeleted
            locations = []
        case "objectid":
            kind = .id
            locations = []
        default:
            kind = .property
            var locations: [Location] = []
            if let alias = Self.aliases[lowered] { locations.append(alias) }
            if lowered.hasPrefix("extensionattribute") {
                locations.append(Location(path: ["onpremisesextensionattributes", lowered]))
            }
            if lowered.contains(".") {
                locations.append(Location(path: lowered.split(separator: ".").map(String.init)))
            }
            self.locations = locations
        }
    }

    /// The lowercased property keys reading `name` may touch: the name, Entra's other name for the
    /// Graph property (`DirectoryUser.value`) and the locations above; `IsSoftDeleted` reads two.
    static func propertyKeys(of name: String) -> [String] {
        let reader = AttributeReader(name)
        switch reader.kind {
        case .isSoftDeleted: return ["accountenabled", "deleteddatetime"]
        case .id: return ["id"]
        case .property:
            var keys = [reader.key]
            if let alias = DirectoryUser.aliases[reader.key] { keys.append(alias.key) }
            keys += reader.locations.map { $0.path[0] }
            return keys
        }
    }

    /// The attribute's value for the context's user.
    func read(_ context: ExpressionEvaluator.Context) -> ExpressionValue {
        switch kind {
        case .isSoftDeleted:
            // True when the account is disabled, soft-deleted (`deletedDateTime` set) or out of scope
            // (entra-provisioning.md §2).
            let user = context.user
            return .bool(!user.accountEnabled || user.value("deletedDateTime") != nil || !context.inScope)
        case .id:
            return .text(context.user.id)
        case .property:
            let user = context.user
            if let json = user.properties[key] {
                return convert(json)
            }
            if let json = user.value(name) { return convert(json) }
            for location in locations {
                guard let json = lookUp(location.path, in: context.user) else { continue }
                let value = convert(json)
                if location.firstValueOnly, case .list(let values) = value { return values.first.map(ExpressionValue.text) ?? .null }
                return value
            }
            return .null
        }
    }

    private func lookUp(_ path: [String], in user: DirectoryUser) -> JSONValue? {
        guard var json = user.properties[path[0]] else { return nil }
        for name in path.dropFirst() {
            guard let member = json.member(name) else { return nil }
            json = member
        }
        return json == .null ? nil : json
    }

    private func convert(_ json: JSONValue) -> ExpressionValue {
        switch json {
        case .null: return .null
        case .string(let s): return .text(s)
        case .bool(let b): return .bool(b)
        case .number(let n): return .text(n)
        case .object: return reference(json).map(ExpressionValue.text) ?? .null
        case .array(let elements):
            var values: [String] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                switch element {
                case .string(let s) where !s.isEmpty: values.append(s)
                case .number(let n): values.append(n)
                case .bool(let b): values.append(b ? "True" : "False")
                case .object: if let id = reference(element) { values.append(id) }
                default: break
                }
            }
            return .list(values)
        }
    }

    /// The id an object stands for: a directory object's `id`, or an app role's name.
    private func reference(_ object: JSONValue) -> String? {
        // A `manager@delta` entry marked removed means the manager was unset (formats.md §1.5).
        if object.member("@removed") != nil { return nil }
        let keys = isRoleList ? ["appRoleValue", "value", "displayName", "appRoleId"] : ["id", "value"]
        for key in keys {
            if let text = object.member(key)?.stringValue, !text.isEmpty { return text }
        }
        return nil
    }
}
