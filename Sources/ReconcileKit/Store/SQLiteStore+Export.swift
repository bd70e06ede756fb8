/// `reconcile export`: the store's users as a SCIM ListResponse (RFC 7644 §3.4.2).
extension SQLiteStore {
    public static let listResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    /// Every user as one ListResponse document, users in id order, pretty JSON with a final newline.
    public func exportListResponse() throws -> String {
        let resources = try users().map(\.resource)
        let document: JSONValue = .object([
            "schemas": .array([.string(Self.listResponseSchema)]),
            "totalResults": .number(resources.count),
            "startIndex": .number(1),
            "itemsPerPage": .number(resources.count),
            "Resources": .array(resources),
        ])
        return JSONWriter.write(document, pretty: true) + "\n"
    }
}
