/// The `mapping` section of the configuration file: the whole attribute-mapping table, replacing the
/// default UiPath one (`reconcile mapping --format json` prints the default in this shape to start from).
///
/// ```json
/// "mapping": [
///   { "target": "externalId", "source": "id", "matchingPrecedence": 1 },
///   { "target": "userName", "source": "userPrincipalName", "matchingPrecedence": 2 },
///   { "target": "active", "expression": "Not([IsSoftDeleted])" },
///   { "target": "title", "source": "jobTitle", "apply": "onCreate" },
///   { "target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", "constant": "Contoso Pharma" },
///   { "target": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "source": "department",
///     "defaultIfNull": "Unassigned" }
/// ]
/// ```
/// Each entry names its `target` and exactly one of `source` (a directory attribute, Entra's
/// "Direct"), `constant` or `expression`; `apply` is `always` (the default) or `onCreate`;
/// `defaultIfNull` is used on create only; `matchingPrecedence` (1, 2, ...) makes it a matching
/// attribute. Errors name the entry as `mapping[3] (target title)`, and for an expression the column.
extension Configuration {
    static let mappingKeys: Set<String> = ["target", "source", "constant", "expression", "apply", "defaultIfNull", "matchingPrecedence"]

    static func readMapping(_ configuration: inout Configuration, _ reader: ConfigurationReader, _ value: JSONValue) throws(ConfigurationError) {
        let elements = try reader.array(value, at: "mapping")
        guard !elements.isEmpty else {
            throw reader.error(at: "mapping", "the mapping is empty; leave the key out to use the default UiPath mapping")
        }
        var entries: [AttributeMapping] = []
        for (index, element) in elements.enumerated() {
            entries.append(try readMappingEntry(element, reader, index: index))
        }
        do {
            configuration.mapping = try Mapping(entries: entries)
        } catch {
            if case let .entry(index, _, underlying) = error {
                // Entries are named as JSON paths here (`mapping[2]`, counted from 0), not "entry 3".
                let message: String
                switch underlying {
                case let .targetTaken(first, target): message = "mapping[\(first)] already targets \(target)"
                case let .precedenceTaken(first, precedence):
                    message = "matchingPrecedence \(precedence) is already used by mapping[\(first)]; give each matching attribute its own"
                default: message = underlying.description
                }
                throw reader.error(at: entryPath(index, elements[index]), message)
            }
            throw reader.error(at: "mapping", error.description)
        }
    }

    /// `mapping[3] (target title)`, or `mapping[3]` when the entry names no target.
    private static func entryPath(_ index: Int, _ element: JSONValue) -> String {
        guard let target = element["target"]?.stringValue else { return "mapping[\(index)]" }
        return "mapping[\(index)] (target \(target))"
    }

    private static func readMappingEntry(_ element: JSONValue, _ reader: ConfigurationReader, index: Int) throws(ConfigurationError) -> AttributeMapping {
        let path = entryPath(index, element)
        guard let members = element.objectValue else {
            throw reader.error(at: path, "expected an object such as {\"target\": \"title\", \"source\": \"jobTitle\"}, found \(element.kindDescription)")
        }
        for key in members.keys.sorted() where !mappingKeys.contains(key) {
            throw reader.error(at: path, "unknown key \"\(key)\" (known: \(mappingKeys.sorted().joined(separator: ", ")))")
        }
        guard let targetValue = members["target"] else {
            throw reader.error(at: path, "no \"target\": name the SCIM attribute the entry sets, such as \"title\"")
        }
        let targetText = try reader.string(targetValue, at: "\(path).target")
        guard let target = SCIMPath(targetText) else {
            throw reader.error(at: path, "\"\(targetText)\" is not an attribute path; write it as displayName, name.givenName, "
                + "emails[type eq \"work\"].value or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")
        }

        let kinds = ["source", "constant", "expression"].filter { members[$0] != nil }
        guard kinds.count == 1 else {
            if kinds.isEmpty {
                throw reader.error(at: path, "give one of \"source\" (a directory attribute), \"constant\" or \"expression\"")
            }
            throw reader.error(at: path, "give only one of \"source\", \"constant\" and \"expression\" (found \(kinds.joined(separator: " and ")))")
        }
        let source: AttributeMapping.Source
        switch kinds[0] {
        case "source":
            source = .attribute(try reader.string(members["source"], at: "\(path).source"))
        case "constant":
            source = .constant(try scalarText(members["constant"]!, reader, at: "\(path).constant"))
        default:
            let text = try reader.string(members["expression"], at: "\(path).expression")
            do {
                source = .expression(try ExpressionParser.parse(text))
            } catch {
                throw reader.error(at: path, error.description)
            }
        }

        var apply = AttributeMapping.Apply.always
        if let value = members["apply"] {
            let text = try reader.string(value, at: "\(path).apply")
            guard let known = AttributeMapping.Apply.allCases.first(where: { $0.rawValue.equalsIgnoringCase(text) }) else {
                throw reader.error(at: path, "apply must be always or onCreate, not \"\(text)\"")
            }
            apply = known
        }
        var defaultIfNull: String?
        if let value = members["defaultIfNull"], value != .null {
            defaultIfNull = try scalarText(value, reader, at: "\(path).defaultIfNull")
        }
        var precedence: Int?
        if let value = members["matchingPrecedence"], value != .null {
            precedence = try reader.int(value, at: "\(path).matchingPrecedence", range: 1...Int.max)
        }
        return AttributeMapping(target: target, source: source, apply: apply, defaultIfNull: defaultIfNull, matchingPrecedence: precedence)
    }

    /// A constant or default as text: a string, or a JSON boolean or number written the way Entra
    /// writes them (`true` is `True`).
    private static func scalarText(_ value: JSONValue, _ reader: ConfigurationReader, at path: String) throws(ConfigurationError) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .number(let text): return text
        default: throw reader.error(at: path, "expected a string, found \(value.kindDescription)")
        }
    }
}

extension Mapping {
    /// The mapping in the configuration file's own shape, `{"mapping": [...]}`, ready to save and edit.
    public var configurationJSON: JSONValue {
        .object(["mapping": .array(entries.map(\.configurationJSON))])
    }
}

extension AttributeMapping {
    /// The entry as the configuration file writes it; `apply` only when it is not the default.
    var configurationJSON: JSONValue {
        var members: [String: JSONValue] = ["target": .string(target.description)]
        switch source {
        case .attribute(let name): members["source"] = .string(name)
        case .constant(let value): members["constant"] = .string(value)
        case .expression(let expression): members["expression"] = .string(expression.description)
        }
        if apply != .always { members["apply"] = .string(apply.rawValue) }
        members["defaultIfNull"] = defaultIfNull.map(JSONValue.string)
        members["matchingPrecedence"] = matchingPrecedence.map(JSONValue.number)
        return .object(members)
    }
}
