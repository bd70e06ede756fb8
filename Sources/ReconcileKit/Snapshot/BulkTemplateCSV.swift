/// Reads the Entra admin center's bulk-create template (formats.md §3.3) into directory users.
///
/// The first line is the version (`version:v1.0`, possibly followed by empty cells when a
/// spreadsheet saved it); the second is the header, whose cells read `Item name [property] Required`:
/// the property in brackets names the column, and cells without brackets are ignored (Entra ignores
/// added columns too). `Block sign in (Yes/No) [accountEnabled]` is inverted: `Yes` means disabled.
/// The initial password column (`[passwordProfile]`) is never read: a password has no place in a plan.
/// Values are trimmed of surrounding spaces, because people fill this template in by hand.
///
/// The template has no object id, so a user's id is its `userPrincipalName` unless the file has an
/// `[id]` or `[objectId]` column; the loader warns when it has to use the UPN.
enum BulkTemplateCSV {
    /// Reads every row of one filled-in template.
    /// - Throws: `SnapshotError` naming the file, line and column at fault.
    static func read(_ bytes: [UInt8], file: String) throws(SnapshotError) -> SnapshotPage {
        guard SnapshotFormat.detect(bytes) == .bulkCSV else {
            throw .malformedCSV(file: file, line: 1, column: nil, message:
                "expected the template's version line (version:v1.0) first; is this an admin-center \"Download users\" "
                + "export (--snapshot-format csv)?")
        }
        var table = try CSVTable(bytes: bytes, file: file, skippingRecords: 1)
        let columns = table.header.map(column)
        try table.checkUnique(columns.map { $0?.key })
        let keys = Set(columns.compactMap { $0?.key })
        guard keys.contains("userprincipalname") else {
            throw .missingColumn(file: file, line: table.headerLine, column: "User name [userPrincipalName]", found: table.header)
        }
        let hasIDs = keys.contains("id")
        var page = SnapshotPage(hasAccountEnabled: keys.contains("accountenabled"))
        if !hasIDs {
            page.warnings.append("\(file): the bulk-create template has no object ids, so each user's id is its "
                + "userPrincipalName (and the default mapping's externalId is the UPN); a later Graph or "
                + "admin-center export identifies the same people by object id, so plan from one kind of export")
        }
        while let record = try table.next() {
            let origin = table.origin(record)
            var properties: [String: JSONValue] = [:]
            for (index, raw) in record.fields.enumerated() {
                let field = raw.trimmingASCIISpaces
                guard !field.isEmpty, let column = columns[index] else { continue }
                properties[column.key] = try column.value(field, origin: origin, name: table.columnName(index))
            }
            let identityKey = hasIDs ? "id" : "userprincipalname"
            guard case .string(let id)? = properties[identityKey] else {
                let index = columns.firstIndex { $0?.key == identityKey } ?? 0
                throw .emptyIdentity(origin: origin, column: table.columnName(index))
            }
            // Mappings read the id as a property (`externalId` <- `id`), whichever column it came from.
            properties["id"] = .string(id)
            page.users.append(DirectoryUser(id: id, properties: properties, origin: origin))
        }
        return page
    }

    /// The column for a template header cell, or `nil` for a cell to ignore (no `[property]`, or the password).
    static func column(_ header: String) -> CSVColumn? {
        guard let open = header.lastIndex(of: "["), let close = header[open...].firstIndex(of: "]") else { return nil }
        let property = String(header[header.index(after: open)..<close]).trimmingASCIISpaces
        switch property.lowercased() {
        case "passwordprofile": return nil
        case "accountenabled": return CSVColumn(key: "accountenabled", kind: .blockSignIn)
        default: return CSVColumn(headerName: property)
        }
    }
}
