/// The attribute-mapping table: how a directory user becomes the SCIM User it should be.
///
/// The table is data: the default is `Mapping.uiPath` (DESIGN §4), and a configuration file can
/// replace it (`Configuration+Mapping.swift`). Entries with a matching precedence are the attributes
/// users are matched on, in order.
public struct Mapping: Sendable, Equatable {
    /// The entries in their given order, each target in its canonical spelling (`SCIMUserSchema`).
    public let entries: [AttributeMapping]

    /// Builds a mapping after checking it: known targets, each once; sources that suit their
    /// target's type; expressions that check; distinct matching precedences, at least one; a userName.
    /// - Throws: `MappingError.entry` naming the entry at fault, or a table-wide error.
    public init(entries: [AttributeMapping]) throws(MappingError) {
        var checked: [AttributeMapping] = []
        var targets: [SCIMPath: Int] = [:]
        var precedences: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let canonical: AttributeMapping
            do {
                canonical = try Self.check(entry)
            } catch {
                throw .entry(index: index, target: entry.target.description, error)
            }
            let target = canonical.target.description
            if let first = targets.updateValue(index, forKey: canonical.target) {
                throw .entry(index: index, target: target, .targetTaken(firstIndex: first, target: target))
            }
            if let precedence = canonical.matchingPrecedence, let first = precedences.updateValue(index, forKey: precedence) {
                throw .entry(index: index, target: target, .precedenceTaken(firstIndex: first, precedence: precedence))
            }
            checked.append(canonical)
        }
        guard checked.contains(where: { $0.target == .userName }) else { throw .noUserName }
        guard checked.contains(where: { $0.matchingPrecedence != nil }) else { throw .noMatchingAttribute }
        self.entries = checked
    }

    /// Checks one entry on its own and returns it with its target in canonical spelling.
    static func check(_ entry: AttributeMapping) throws(MappingError) -> AttributeMapping {
        guard let target = SCIMUserSchema.canonical(entry.target) else {
            if entry.target.schema == nil, entry.target.attribute.lowercased() == "id" {
                throw .invalidEntry("id is assigned by the SCIM service and cannot be mapped (map externalId instead)")
            }
            throw .unknownTarget(entry.target.description, suggestion: SCIMUserSchema.suggestion(for: entry.target.description)?.description)
        }
        var entry = entry
        entry.target = target
        let type = SCIMUserSchema.type(of: target)
        switch entry.source {
        case .attribute(let name):
            guard !name.trimmingSpaces.isEmpty else { throw .invalidEntry("the source attribute name is empty") }
            // Entra's IsSoftDeleted is True for a deleted user: mapped straight to active it would
            // make every deleted user active.
            if type == .boolean, name.equalsIgnoringCase("IsSoftDeleted") {
                throw .invalidEntry("IsSoftDeleted is True when the user is deleted; map active from Not([IsSoftDeleted]) or "
                    + #"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
            }
        case .constant(let value):
            if type == .boolean, Self.boolean(value) == nil {
                throw .invalidEntry("\(target) needs True or False, the constant is \"\(value)\"")
            }
        case .expression(let expression):
            try ExpressionEvaluator.validate(expression)
        }
        if type == .reference {
            guard case .attribute = entry.source else {
                throw .invalidEntry("\(target) is a reference to another user: map it directly from a source attribute (manager), not from a constant or expression")
            }
            guard entry.defaultIfNull == nil else { throw .invalidEntry("\(target) is a reference to another user and cannot have a defaultIfNull") }
        }
        if let fallback = entry.defaultIfNull {
            guard !fallback.isEmpty else { throw .invalidEntry("defaultIfNull is empty; leave it out for no default") }
            if type == .boolean, Self.boolean(fallback) == nil {
                throw .invalidEntry("\(target) needs True or False, defaultIfNull is \"\(fallback)\"")
            }
        }
        if let precedence = entry.matchingPrecedence {
            guard precedence >= 1 else { throw .invalidEntry("matchingPrecedence must be 1 or more (1 is tried first), got \(precedence)") }
            guard type == .string else { throw .invalidEntry("\(target) cannot be a matching attribute; match on a string attribute such as externalId or userName") }
        }
        return entry
    }

    /// `True`/`False` in any case, as Entra writes booleans.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    /// The matching attributes, lowest precedence number first.
    public var matchingPaths: [SCIMPath] {
        entries.filter { $0.matchingPrecedence != nil }
            .sorted { $0.matchingPrecedence! < $1.matchingPrecedence! }
            .map(\.target)
    }

    /// The paths whose values the job owns, in a stable order.
    public var targetPaths: [SCIMPath] { entries.map(\.target) }

    /// Whether an entry maps a reference to another user (the enterprise `manager`).
    var hasReferences: Bool { entries.contains { SCIMUserSchema.type(of: $0.target) == .reference } }

    /// Target attributes SCIM defines as booleans (RFC 7643 §4.1.1), from `SCIMUserSchema`.
    static let booleanPaths: Set<SCIMPath> = Set(SCIMUserSchema.targetPaths.filter { SCIMUserSchema.type(of: $0) == .boolean })

    private static let enterprise = SCIMPath.enterpriseSchema

    /// UiPath's attribute table (entra-provisioning.md §3), with Entra's usual sources: the default mapping.
    public static let uiPath: Mapping = try! Mapping(entries: [
        .init(target: .externalId, source: .attribute("id"), matchingPrecedence: 1),
        .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 2),
        .init(target: .active, source: .expression(.call("Switch", [
            .attribute("IsSoftDeleted"), .empty, .literal("False"), .literal("True"), .literal("True"), .literal("False"),
        ]))),
        .init(target: SCIMPath(attribute: "displayName"), source: .attribute("displayName")),
        .init(target: SCIMPath(attribute: "title"), source: .attribute("jobTitle")),
        .init(target: SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value"), source: .attribute("mail")),
        .init(target: SCIMPath(attribute: "name", subAttribute: "givenName"), source: .attribute("givenName")),
        .init(target: SCIMPath(attribute: "name", subAttribute: "familyName"), source: .attribute("surname")),
        .init(target: SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "locality"), source: .attribute("city")),
        .init(target: SCIMPath(schema: enterprise, attribute: "organization"), source: .attribute("companyName")),
        .init(target: SCIMPath(schema: enterprise, attribute: "department"), source: .attribute("department")),
    ])
}
