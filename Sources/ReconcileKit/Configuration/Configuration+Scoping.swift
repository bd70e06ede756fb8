/// The scoping settings of the configuration file (entra-provisioning.md §5, SKIP):
///
/// ```json
/// "scopingFilters": [
///   { "name": "Research staff",
///     "clauses": [ { "attribute": "department", "operator": "EQUALS", "value": "Research" },
///                  { "attribute": "accountEnabled", "operator": "IS TRUE" } ] },
///   { "clauses": [ { "attribute": "jobTitle", "operator": "REGEX MATCH", "value": "^Contractor" } ] }
/// ],
/// "skipOutOfScopeDeletions": false
/// ```
/// A user is in scope when every clause of at least one filter is true. `operator` is one of Entra's
/// 14 (`ScopingOperator`), in any case, with `_` or spaces; `value` is a string (or a number) and is
/// left out for IS TRUE, IS FALSE, IS NULL and IS NOT NULL.
extension Configuration {
    static func readScopingFilters(_ configuration: inout Configuration, _ reader: ConfigurationReader, _ value: JSONValue) throws(ConfigurationError) {
        var filters: [ScopingFilter] = []
        for (index, element) in try reader.array(value, at: "scopingFilters").enumerated() {
            let path = "scopingFilters[\(index)]"
            let members = try reader.object(element, at: path, allowed: ["name", "clauses"])
            let name = try reader.optionalString(members["name"], at: "\(path).name")
            let elements = try reader.array(members["clauses"], at: "\(path).clauses")
            guard !elements.isEmpty else {
                throw reader.error(at: "\(path).clauses", "a filter needs at least one clause")
            }
            var clauses: [ScopingClause] = []
            for (number, clause) in elements.enumerated() {
                clauses.append(try readClause(clause, reader, at: "\(path).clauses[\(number)]"))
            }
            filters.append(ScopingFilter(name: name, clauses: clauses))
        }
        configuration.scopingFilters = filters
    }

    static func readSkipOutOfScopeDeletions(_ configuration: inout Configuration, _ reader: ConfigurationReader, _ value: JSONValue) throws(ConfigurationError) {
        configuration.skipOutOfScopeDeletions = try reader.bool(value, at: "skipOutOfScopeDeletions")
    }

    private static func readClause(_ value: JSONValue, _ reader: ConfigurationReader, at path: String) throws(ConfigurationError) -> ScopingClause {
        let members = try reader.object(value, at: path, allowed: ["attribute", "operator", "value"])
        let attribute = try reader.string(members["attribute"], at: "\(path).attribute")
        let name = try reader.string(members["operator"], at: "\(path).operator")
        guard let op = ScopingOperator(name: name) else {
            let known = ScopingOperator.allCases.map(\.rawValue).joined(separator: ", ")
            throw reader.error(at: "\(path).operator", "unknown operator \"\(name)\" (known: \(known))")
        }
        let text: String?
        switch members["value"] {
        case nil, .null?: text = nil
        case .string(let string)?: text = string
        case .number(let number)?: text = number
        case let other?: throw reader.error(at: "\(path).value", "expected a string or a number, found \(other.kindDescription)")
        }
        do {
            return try ScopingClause(attribute: attribute, operator: op, value: text)
        } catch {
            throw reader.error(at: path, error.description)
        }
    }
}
