/// What a SCIM service provider says it supports (RFC 7643 §5, `GET /ServiceProviderConfig`).
public struct ServiceProviderConfig: Sendable, Equatable {
    public var patch: Bool
    public var bulk: Bool
    /// `bulk.maxOperations`: operations per `/Bulk` request.
    public var bulkMaxOperations: Int
    /// `bulk.maxPayloadSize`: bytes per `/Bulk` request.
    public var bulkMaxPayloadSize: Int
    public var filter: Bool
    /// `filter.maxResults`: the most resources one query returns.
    public var filterMaxResults: Int
    public var sort: Bool
    public var etag: Bool
    /// `authenticationSchemes[].type` (`oauthbearertoken`, `httpbasic`, ...).
    public var authenticationSchemes: [String]
    /// False when the endpoint has no ServiceProviderConfig and these are assumptions.
    public var discovered: Bool

    /// What is assumed of an endpoint without a ServiceProviderConfig: what Entra needs of every
    /// endpoint (PATCH, `eq` filters), nothing optional.
    public static let assumed = ServiceProviderConfig(
        patch: true, bulk: false, bulkMaxOperations: 0, bulkMaxPayloadSize: 0, filter: true, filterMaxResults: 100,
        sort: false, etag: false, authenticationSchemes: [], discovered: false)

    public init(
        patch: Bool, bulk: Bool, bulkMaxOperations: Int, bulkMaxPayloadSize: Int, filter: Bool, filterMaxResults: Int,
        sort: Bool, etag: Bool, authenticationSchemes: [String], discovered: Bool = true
    ) {
        self.patch = patch
        self.bulk = bulk
        self.bulkMaxOperations = bulkMaxOperations
        self.bulkMaxPayloadSize = bulkMaxPayloadSize
        self.filter = filter
        self.filterMaxResults = filterMaxResults
        self.sort = sort
        self.etag = etag
        self.authenticationSchemes = authenticationSchemes
        self.discovered = discovered
    }

    /// Reads the resource; absent sections mean "not supported" (RFC 7643 §5 makes them REQUIRED).
    public init(json: JSONValue) {
        func supported(_ name: String) -> Bool {
            guard let flag = json.member(name)?.member("supported") else { return false }
            return flag.boolValue ?? TargetUser.boolean(flag) ?? false
        }
        func number(_ section: String, _ name: String) -> Int {
            guard let value = json.member(section)?.member(name) else { return 0 }
            return value.intValue ?? value.stringValue.flatMap { Int($0) } ?? 0
        }
        patch = supported("patch")
        bulk = supported("bulk") && number("bulk", "maxOperations") > 0
        bulkMaxOperations = number("bulk", "maxOperations")
        bulkMaxPayloadSize = number("bulk", "maxPayloadSize")
        filter = supported("filter")
        filterMaxResults = number("filter", "maxResults")
        sort = supported("sort")
        etag = supported("etag")
        authenticationSchemes = (json.member("authenticationSchemes")?.arrayValue ?? []).compactMap { $0.member("type")?.stringValue }
        discovered = true
    }

    /// The page size for listing: `maxResults`, within 1...1000 (100 when the endpoint names none).
    public var pageSize: Int {
        filterMaxResults > 0 ? min(filterMaxResults, 1000) : 100
    }

    /// One line for `reconcile check`.
    public var summary: String {
        func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
        var parts = ["patch \(yes(patch))"]
        parts.append(bulk ? "bulk yes (maxOperations \(bulkMaxOperations), maxPayloadSize \(bulkMaxPayloadSize) bytes)" : "bulk no")
        parts.append(filter ? "filter yes (maxResults \(filterMaxResults > 0 ? String(filterMaxResults) : "not given"))" : "filter no")
        parts.append("sort \(yes(sort))")
        parts.append("etag \(yes(etag))")
        return parts.joined(separator: ", ")
    }
}
