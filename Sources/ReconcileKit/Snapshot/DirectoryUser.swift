import Synchronization

/// Where a record came from: the file and the record's position in it, for error messages and `explain`.
public struct RecordOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The file the record was read from.
    public var file: String { Self.files.withLock { $0.names[Int(fileNumber)] } }
    // Kept in 32 bits (0 for unknown), and the file by its number (`files`): a million origins
    // then take 16 bytes each instead of 56.
    private let fileNumber: Int32
    private let storedRecord: Int32
    private var storedLine: Int32 = 0
    private var storedColumn: Int32 = 0

    /// 1-based position of the record among the users of that file.
    public var record: Int { Int(storedRecord) }
    /// 1-based line where the record starts, when known: always for CSV (the line of the row's first
    /// field, so a row with a multi-line field is named by its first line); for JSON only in errors.
    public var line: Int? {
        get { storedLine == 0 ? nil : Int(storedLine) }
        set { storedLine = Self.stored(newValue) }
    }
    /// 1-based column (in Unicode scalars) where a JSON record's `{` is, when known.
    public var column: Int? {
        get { storedColumn == 0 ? nil : Int(storedColumn) }
        set { storedColumn = Self.stored(newValue) }
    }

    /// The origin of record `record` of `file`, at `line`:`column` when known.
    public init(file: String, record: Int, line: Int? = nil, column: Int? = nil) {
        fileNumber = Self.files.withLock { files in
            if let number = files.numbers[file] { return number }
            files.names.append(file)
            files.numbers[file] = Int32(files.names.count - 1)
            return Int32(files.names.count - 1)
        }
        storedRecord = Int32(clamping: record)
        storedLine = Self.stored(line)
        storedColumn = Self.stored(column)
    }

    /// The origin of record `record` of the file `origin` is in, without looking the file up again.
    init(record: Int, inFileOf origin: RecordOrigin) {
        fileNumber = origin.fileNumber
        storedRecord = Int32(clamping: record)
    }

    /// The files of every origin made, by number: a file read once is named by all its records.
    private static let files = Mutex<(names: [String], numbers: [String: Int32])>(([], [:]))

    /// A 1-based position in 32 bits; beyond them (a file of over two billion lines) it is unknown.
    private static func stored(_ value: Int?) -> Int32 {
        guard let value, value > 0, value <= Int(Int32.max) else { return 0 }
        return Int32(value)
    }

    /// `file:line:column`, `file:line`, or `file: record N` when the position is not known.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): return "\(file):\(line):\(column)"
        case let (line?, nil): return "\(file):\(line)"
        default: return "\(file): record \(record)"
        }
    }
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
    public let properties: PropertyValues
    /// The record this user was read from.
    public let origin: RecordOrigin

    public init(id: String, properties: [String: JSONValue], origin: RecordOrigin) {
        self.init(id: id, properties: PropertyValues(properties), origin: origin)
    }

    public init(id: String, properties: PropertyValues, origin: RecordOrigin) {
        self.id = id
        self.properties = properties
        self.origin = origin
    }

    /// The property's value, or `nil` when it is absent, null, empty or an empty array.
    ///
    /// Entra's provisioning attribute names that differ from Graph's (`objectId`, `mobile`,
    /// `physicalDeliveryOfficeName`, `telephoneNumber`, `facsimileTelephoneNumber`) find the Graph
    /// property, and the reverse, so one mapping or scoping filter reads every export format.
    public func value(_ name: String) -> JSONValue? {
        let key = name.lowercased()
        if let value = properties[key] { return value.isAbsent ? nil : value }
        guard let alias = Self.aliases[key], let value = properties[alias.key], !value.isAbsent else { return nil }
        if alias.firstElement, case .array(let elements) = value {
            return elements.first.flatMap { $0.isAbsent ? nil : $0 }
        }
        return value
    }

    /// Other names of a property, lowercased: Entra's attribute name <-> Graph's property name.
    /// `firstElement`: the Graph property is a collection whose first element is Entra's value.
    static let aliases: [String: (key: String, firstElement: Bool)] = [
        "objectid": ("id", false),
        "mobile": ("mobilephone", false),
        "mobilephone": ("mobile", false),
        "physicaldeliveryofficename": ("officelocation", false),
        "officelocation": ("physicaldeliveryofficename", false),
        "facsimiletelephonenumber": ("faxnumber", false),
        "faxnumber": ("facsimiletelephonenumber", false),
        "telephonenumber": ("businessphones", true),
    ]

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
