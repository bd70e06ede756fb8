/// Reading JSON exports: Graph pages, bare arrays and PowerShell output (see `GraphDocument`).
extension SnapshotLoader {
    /// The users of one JSON file, and how they were laid out (to locate a record for an error);
    /// `reader` carries what the file's records share with the previous files'.
    /// - Throws: `SnapshotError` naming the file and line:column at fault.
    static func jsonPage(
        _ bytes: [UInt8], file: String, reader: inout RecordProperties
    ) throws(SnapshotError) -> (SnapshotPage, GraphDocument.Layout) {
        let graph: GraphDocument
        do {
            graph = try GraphDocument(parsing: bytes, file: file, keeping: reader.selection)
        } catch {
            switch error {
            case .malformed(let located): throw .malformedJSON(located)
            case let .graphError(code, message): throw .graphErrorResponse(file: file, code: code, message: message)
            case let .unexpected(found): throw .unexpectedDocument(file: file, found: found)
            }
        }
        if graph.deltaLink != nil {
            throw .deltaPage(file: file, evidence: "it has @odata.deltaLink")
        }
        if let next = graph.nextLink, next.contains("/delta?") || next.hasSuffix("/delta") {
            throw .deltaPage(file: file, evidence: "its @odata.nextLink leads to users/delta")
        }
        var page = SnapshotPage(nextLink: graph.nextLink)
        page.users.reserveCapacity(graph.records.count)
        let first = RecordOrigin(file: file, record: 1)
        for (index, record) in graph.records.enumerated() {
            let origin = RecordOrigin(record: index + 1, inFileOf: first)
            do throws(SnapshotError) {
                let members: Range<Int>
                switch record {
                case .object(let range): members = range
                case .other(let value): throw .notAnObject(origin: origin, found: value.kindDescription)
                }
                let user = try user(reader.properties(of: graph.export.members[members], in: graph.export), origin: origin)
                if !page.hasAccountEnabled, user.value("accountEnabled") != nil { page.hasAccountEnabled = true }
                page.users.append(user)
            } catch {
                throw error.locating { locate($0, layouts: [file: graph.layout], current: (file, bytes)) }
            }
        }
        return (page, graph.layout)
    }

    /// Checks one JSON record's properties (keyed by lowercased name).
    static func user(_ properties: PropertyValues, origin: RecordOrigin) throws(SnapshotError) -> DirectoryUser {
        if properties["@removed"] != nil {
            throw .deltaPage(file: origin.file, evidence: "user \(origin.record) has @removed")
        }
        guard let idValue = properties["id"], !idValue.isAbsent else { throw .missingID(origin: origin) }
        guard case .string(let id) = idValue else {
            throw .wrongType(origin: origin, property: "id", expected: "a string", found: idValue.kindDescription)
        }
        try expect(properties["accountenabled"], "accountEnabled", origin, "true, false or null") { $0.boolValue != nil }
        try expect(properties["userprincipalname"], "userPrincipalName", origin, "a string or null") { $0.stringValue != nil }
        return DirectoryUser(id: id, properties: properties, origin: origin)
    }

    private static func expect(
        _ value: JSONValue?, _ name: String, _ origin: RecordOrigin, _ expected: String,
        _ isValid: (JSONValue) -> Bool
    ) throws(SnapshotError) {
        guard let value, value != .null else { return }
        guard isValid(value) else {
            throw .wrongType(origin: origin, property: name, expected: expected, found: value.kindDescription)
        }
    }
}
