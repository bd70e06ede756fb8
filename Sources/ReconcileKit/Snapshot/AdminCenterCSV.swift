/// Reads the Entra admin center's "Download users" CSV (formats.md §3.1-§3.2) into directory users.
///
/// Both headers in use are read by column name: the documented one (25 columns, `objectId`,
/// `physicalDeliveryOfficeName`, `mobile`) and the one seen in real files (29 columns, `id`,
/// `officeLocation`, `mobilePhone`, `createdDateTime`, ...). Header names match case-insensitively;
/// columns that mean a Graph property under another name are stored under the Graph name
/// (`objectId` -> `id`, `physicalDeliveryOfficeName` -> `officeLocation`, `mobile` -> `mobilePhone`,
/// `telephoneNumber` -> `businessPhones`), so mapping and scoping read CSV and JSON alike.
/// `accountEnabled` is `True`/`False`; an empty field is no value; every other value is kept as the
/// file wrote it (`=1+3` is data, and dates stay in the file's locale format).
enum AdminCenterCSV {
    /// Reads every row of one export.
    /// - Throws: `SnapshotError` naming the file, line and column at fault.
    static func read(_ bytes: [UInt8], file: String) throws(SnapshotError) -> SnapshotPage {
        var table = try CSVTable(bytes: bytes, file: file)
        let columns = table.header.map { CSVColumn(headerName: $0) }
        try table.checkUnique(columns.map { $0?.key })
        let keys = Set(columns.compactMap { $0?.key })
        guard keys.contains("id") else {
            throw .missingColumn(file: file, line: table.headerLine, column: "id (or objectId)", found: table.header)
        }
        guard keys.contains("userprincipalname") else {
            throw .missingColumn(file: file, line: table.headerLine, column: "userPrincipalName", found: table.header)
        }
        var page = SnapshotPage(hasAccountEnabled: keys.contains("accountenabled"))
        while let record = try table.next() {
            page.users.append(try user(record, columns: columns, table: table))
        }
        return page
    }

    /// One row as a directory user.
    static func user(_ record: CSVParser.Record, columns: [CSVColumn?], table: CSVTable) throws(SnapshotError) -> DirectoryUser {
        let origin = table.origin(record)
        var properties: [String: JSONValue] = [:]
        for (index, field) in record.fields.enumerated() where !field.isEmpty {
            guard let column = columns[index] else { continue }
            properties[column.key] = try column.value(field, origin: origin, name: table.columnName(index))
        }
        guard case .string(let id)? = properties["id"] else {
            throw .emptyIdentity(origin: origin, column: table.columnName(columns.firstIndex { $0?.key == "id" } ?? 0))
        }
        return DirectoryUser(id: id, properties: properties, origin: origin)
    }
}

/// How one CSV column becomes a property: the Graph name it is stored under, and how its text is read.
struct CSVColumn {
    enum Kind {
        /// Text kept as written.
        case text
        /// `True` / `False` (any case); anything else is an error naming the column.
        case boolean
        /// `True` / `False` when it is one, text otherwise (a column that is not ours to refuse).
        case looseBoolean
        /// `Yes` / `No` for "Block sign in": Yes means the account is disabled.
        case blockSignIn
        /// One value of a Graph collection (`businessPhones`).
        case firstOfCollection
    }

    /// The property's lowercased Graph name.
    let key: String
    let kind: Kind

    init(key: String, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    /// The column for a header cell naming a property, or `nil` for a blank cell.
    init?(headerName: String) {
        let name = headerName.lowercased()
        guard !name.isEmpty else { return nil }
        switch name {
        case "objectid", "id": self.init(key: "id", kind: .text)
        case "physicaldeliveryofficename", "officelocation": self.init(key: "officelocation", kind: .text)
        case "mobile", "mobilephone": self.init(key: "mobilephone", kind: .text)
        case "telephonenumber", "businessphones": self.init(key: "businessphones", kind: .firstOfCollection)
        case "accountenabled": self.init(key: "accountenabled", kind: .boolean)
        case "directorysynced", "onpremisessyncenabled": self.init(key: name, kind: .looseBoolean)
        default: self.init(key: name, kind: .text)
        }
    }

    /// The property value of a non-empty field.
    func value(_ field: String, origin: RecordOrigin, name: String) throws(SnapshotError) -> JSONValue {
        switch kind {
        case .text:
            return .string(field)
        case .firstOfCollection:
            return .array([.string(field)])
        case .boolean, .looseBoolean:
            switch field.trimmingASCIISpaces.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                guard kind == .looseBoolean else {
                    throw .invalidField(origin: origin, column: name, expected: "True or False", found: field)
                }
                return .string(field)
            }
        case .blockSignIn:
            switch field.trimmingASCIISpaces.lowercased() {
            case "yes": return .bool(false)
            case "no": return .bool(true)
            default: throw .invalidField(origin: origin, column: name, expected: "Yes or No", found: field)
            }
        }
    }
}
