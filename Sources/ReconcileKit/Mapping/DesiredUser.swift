/// What the mapping says a directory user's SCIM User should hold.
public struct DesiredUser: Sendable, Equatable {
    /// The directory user this was mapped from.
    public let source: DirectoryUser
    /// Every mapped value, as a create would write it (`defaultIfNull` applied).
    public let createValues: [SCIMPath: SCIMValue]
    /// The values an update enforces: entries applied always, without defaults (`nil` means "clear it").
    public let updateValues: [SCIMPath: SCIMValue?]

    public var userName: String? {
        if case .string(let s)? = createValues[.userName] { return s }
        return nil
    }

    public var externalId: String? {
        if case .string(let s)? = createValues[.externalId] { return s }
        return nil
    }

    /// Whether the user should be active; true when the mapping does not set `active`.
    public var active: Bool {
        if case .bool(let b)? = createValues[.active] { return b }
        return true
    }
}

/// The Mapping stage: applies a `Mapping` to directory users.
public struct Mapper: Sendable {
    public let mapping: Mapping

    public init(mapping: Mapping) {
        self.mapping = mapping
    }

    /// Maps one user. `inScope` feeds the computed `IsSoftDeleted` attribute.
    /// - Throws: `MappingError` when a value cannot be converted to its target's type.
    public func map(_ user: DirectoryUser, inScope: Bool = true) throws(MappingError) -> DesiredUser {
        let context = ExpressionEvaluator.Context(user: user, inScope: inScope)
        var createValues: [SCIMPath: SCIMValue] = [:]
        var updateValues: [SCIMPath: SCIMValue?] = [:]
        createValues.reserveCapacity(mapping.entries.count)
        updateValues.reserveCapacity(mapping.entries.count)
        for entry in mapping.entries {
            let raw: String?
            switch entry.source {
            case .attribute(let name): raw = ExpressionEvaluator.attribute(name, in: context)
            case .constant(let value): raw = value
            case .expression(let expression): raw = try ExpressionEvaluator.evaluate(expression, in: context)
            }
            let value = try Self.convert(raw, for: entry.target)
            let fallback = value == nil ? try Self.convert(entry.defaultIfNull, for: entry.target) : nil
            if let created = value ?? fallback {
                createValues[entry.target] = created
            }
            if entry.apply == .always {
                updateValues[entry.target] = .some(value)
            }
        }
        return DesiredUser(source: user, createValues: createValues, updateValues: updateValues)
    }

    /// Converts an expression result to the target's SCIM type; empty text is no value.
    static func convert(_ raw: String?, for path: SCIMPath) throws(MappingError) -> SCIMValue? {
        guard let raw, !raw.isEmpty else { return nil }
        guard Mapping.booleanPaths.contains(path) else { return .string(raw) }
        switch raw.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: throw .notABoolean(path: path.description, value: raw)
        }
    }
}
