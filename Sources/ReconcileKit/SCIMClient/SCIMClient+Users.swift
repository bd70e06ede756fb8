import Foundation

/// The User endpoint (RFC 7644 §3.3-§3.6) and discovery (§4).
extension SCIMClient {
    /// `GET /ServiceProviderConfig`; an endpoint without one (404, 501) gets `ServiceProviderConfig.assumed`.
    public func serviceProviderConfig() throws(SCIMError) -> ServiceProviderConfig {
        let response: HTTPResponse
        do {
            response = try send("GET", "/ServiceProviderConfig", retrySafe: true)
        } catch {
            if let status = error.status, status == 404 || status == 501 { return .assumed }
            throw error
        }
        return ServiceProviderConfig(json: try json(response, "GET", "/ServiceProviderConfig"))
    }

    /// One page of a ListResponse (RFC 7644 §3.4.2): the resources and `totalResults`.
    public struct Page: Sendable {
        public var totalResults: Int
        public var resources: [JSONValue]
    }

    /// `GET /Users` with `startIndex`/`count` (1-based, §3.4.2.4), sorted by `sortBy` when given.
    public func listUsers(startIndex: Int, count: Int, sortBy: String? = nil) throws(SCIMError) -> Page {
        var query = [("startIndex", String(startIndex)), ("count", String(count))]
        if let sortBy { query.append(("sortBy", sortBy)) }
        return try page("/Users", query: query)
    }

    /// `GET /Users?filter=...`: the users the filter selects.
    public func queryUsers(filter: String) throws(SCIMError) -> Page {
        try page("/Users", query: [("filter", filter)])
    }

    private func page(_ path: String, query: [(String, String)]) throws(SCIMError) -> Page {
        let response = try send("GET", path, query: query, retrySafe: true)
        let body = try json(response, "GET", path)
        let target = url(path, query: query)
        guard let total = body.member("totalResults")?.intValue else {
            throw .invalidResponse(method: "GET", url: target, status: response.status, reason: "no totalResults: not a ListResponse")
        }
        let resources = body.member("Resources")
        guard let resources = resources?.arrayValue ?? (total == 0 || resources == nil || resources == .null ? [] : nil) else {
            throw .invalidResponse(method: "GET", url: target, status: response.status, reason: "a Resources member that is not an array")
        }
        return Page(totalResults: total, resources: resources)
    }

    /// `GET /Users/{id}`.
    public func getUser(_ id: String) throws(SCIMError) -> JSONValue {
        let path = "/Users/\(Self.segment(id))"
        return try json(try send("GET", path, retrySafe: true), "GET", path)
    }

    /// `POST /Users`: creates the user and returns it as the server stored it. Not retried after a
    /// lost answer (the caller looks the user up first).
    public func createUser(_ resource: JSONValue) throws(SCIMError) -> JSONValue {
        let response = try send("POST", "/Users", body: resource, retrySafe: false)
        return try json(response, "POST", "/Users")
    }

    /// `PATCH /Users/{id}` with a PatchOp (RFC 7644 §3.5.2). Both 200 (with the resource) and 204
    /// (no body) are success; returns the resource when there is one, and the new ETag.
    public func patchUser(_ id: String, operations: [JSONValue], ifMatch: String?) throws(SCIMError) -> (resource: JSONValue?, version: String?) {
        let path = "/Users/\(Self.segment(id))"
        let body: JSONValue = .object([
            "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:PatchOp")]),
            "Operations": .array(operations),
        ])
        let response = try send("PATCH", path, body: body, ifMatch: ifMatch, retrySafe: false)
        let resource = response.status == 204 || response.body.isEmpty ? nil : try json(response, "PATCH", path)
        return (resource, response.header("ETag") ?? resource?.member("meta")?.member("version")?.stringValue)
    }

    /// `PUT /Users/{id}`: replaces the whole user (for endpoints without PATCH, §3.5.1).
    public func replaceUser(_ id: String, with resource: JSONValue, ifMatch: String?) throws(SCIMError) -> JSONValue {
        let path = "/Users/\(Self.segment(id))"
        let response = try send("PUT", path, body: resource, ifMatch: ifMatch, retrySafe: true)
        return try json(response, "PUT", path)
    }

    /// `DELETE /Users/{id}` (§3.6). Not retried after a lost answer: a repeat would answer 404.
    public func deleteUser(_ id: String, ifMatch: String?) throws(SCIMError) {
        _ = try send("DELETE", "/Users/\(Self.segment(id))", ifMatch: ifMatch, retrySafe: false)
    }

    /// `POST /Bulk` (§3.7) and the `Operations` of the BulkResponse.
    public func bulk(_ operations: [JSONValue]) throws(SCIMError) -> [JSONValue] {
        let body: JSONValue = .object([
            "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:BulkRequest")]),
            "Operations": .array(operations),
        ])
        let response = try send("POST", "/Bulk", body: body, retrySafe: false)
        let json = try json(response, "POST", "/Bulk")
        guard let results = json.member("Operations")?.arrayValue else {
            throw .invalidResponse(method: "POST", url: url("/Bulk"), status: response.status, reason: "no Operations: not a BulkResponse")
        }
        return results
    }
}
