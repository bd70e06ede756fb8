/// The directory properties a run reads: those the mapping and the scoping filters name (with
/// Entra's other names for them and where `AttributeReader` looks), plus those the job itself reads
/// (`id`, `userPrincipalName`, `accountEnabled`, `deletedDateTime`).
///
/// The snapshot loader keeps only these: an export carries whatever its `$select` or tool wrote
/// (a full `Get-MgUser` record has dozens of properties), and a million users holding properties
/// nothing reads cost hundreds of megabytes. Every property is still read and checked while
/// loading; `explain` loads everything, because it shows records as exported.
public struct PropertySelection: Sendable, Equatable {
    /// Lowercased property names, as `DirectoryUser.properties` keys them.
    public let keys: Set<String>

    /// What the job reads whatever the mapping (`@removed` marks a delta page, which is refused).
    static let always: Set<String> = ["id", "userprincipalname", "accountenabled", "deleteddatetime", "@removed"]

    public init(mapping: Mapping, scope: Scope) {
        var names: [String] = []
        for entry in mapping.entries {
            switch entry.source {
            case .attribute(let name): names.append(name)
            case .expression(let expression): names += expression.attributes
            case .constant: break
            }
        }
        for filter in scope.filters {
            names += filter.clauses.map(\.attribute)
        }
        keys = Self.always.union(names.flatMap(AttributeReader.propertyKeys))
    }

    /// Whether the property with lowercased name `key` is kept.
    public func keeps(_ key: String) -> Bool { keys.contains(key) }
}

extension PropertyValues {
    /// These properties without those `selection` does not keep.
    func keeping(_ selection: PropertySelection?) -> PropertyValues {
        guard let selection, keys.contains(where: { !selection.keeps($0) }) else { return self }
        return PropertyValues(dictionary.filter { selection.keeps($0.key) })
    }
}

extension DirectoryUser {
    /// This user without the properties `selection` does not keep.
    func keeping(_ selection: PropertySelection?) -> DirectoryUser {
        DirectoryUser(id: id, properties: properties.keeping(selection), origin: origin)
    }
}
