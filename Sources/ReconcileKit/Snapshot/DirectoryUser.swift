/// Where a record came from: the file and the record's position in it, for error messages and `explain`.
public struct RecordOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The file the record was read from.
    public let file: String
    /// 1-based position of the record among the users of that file.
    public let record: Int

    public init(file: String, record: Int) {
        self.file = file
        self.record = record
    }

    public var description: String { "\(file): record \(record)" }
}

/// One user of the exported directory, with its properties as the export spelled them.
///
/// Property names are matched case-insensitively (Graph writes `userPrincipalName`, PowerShell
/// `UserPrincipalName`). `null`, an empty string, an empty array and an absent property all mean
/// "no value" (see formats.md §1.3 and RFC 7643 §2.5).
public struct DirectoryUser: Sendable, Equatable {
    /// The directory object id (Graph `id`, the CSV's `objectId`): the stable identity of the person.
    public let id: String
    /// Properties keyed by their lowercased name.
    public let properties: [String: JSONValue]
    /// The record this user was read from.
    public let origin: RecordOrigin

    public init(id: String, properties: [String: JSONValue], origin: RecordOrigin) {
        self.id = id
        self.properties = properties
        self.origin = origin
    }

    /// The property's value, or `nil` when it is absent, null, empty or an empty array.
    public func value(_ name: String) -> JSONValue? {
        guard let value = properties[name.lowercased()], !value.isAbsent else { return nil }
        return value
    }

    /// The property as text, the way Entra's expressions see it: strings as they are, booleans as
    /// `True`/`False`, numbers as written; `nil` for no value or a structured value.
    public func text(_ name: String) -> String? {
        switch value(name) {
        case .string(let s)?: return s
        case .bool(let b)?: return b ? "True" : "False"
        case .number(let n)?: return n
        default: return nil
        }
    }

    /// Whether the account is enabled. An export that did not `$select` `accountEnabled` leaves it
    /// unknown; such users count as enabled (the snapshot loader warns once).
    public var accountEnabled: Bool {
        value("accountEnabled")?.boolValue ?? true
    }
}
