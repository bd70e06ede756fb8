/// The attribute-mapping table: how a directory user becomes the SCIM User it should be.
///
/// The table is data: the default is `Mapping.uiPath` (DESIGN §4), and a configuration file can
/// replace it. Entries with a matching precedence are the attributes users are matched on, in order.
public struct Mapping: Sendable, Equatable {
    public let entries: [AttributeMapping]

    /// Builds a mapping after checking it: one entry per target, known functions, at least one matching attribute.
    public init(entries: [AttributeMapping]) throws(MappingError) {
        var seen = Set<SCIMPath>()
        for entry in entries {
            guard seen.insert(entry.target).inserted else { throw .duplicateTarget(entry.target.description) }
            if case .expression(let expression) = entry.source { try ExpressionEvaluator.validate(expression) }
        }
        guard entries.contains(where: { $0.matchingPrecedence != nil }) else { throw .noMatchingAttribute }
        self.entries = entries
    }

    /// The matching attributes, lowest precedence number first.
    public var matchingPaths: [SCIMPath] {
        entries.filter { $0.matchingPrecedence != nil }
            .sorted { $0.matchingPrecedence! < $1.matchingPrecedence! }
            .map(\.target)
    }

    /// The paths whose values the job owns, in a stable order.
    public var targetPaths: [SCIMPath] { entries.map(\.target) }

    /// Target attributes SCIM defines as booleans (RFC 7643 §4.1.1); everything else mapped here is a string.
    static let booleanPaths: Set<SCIMPath> = [.active]

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
