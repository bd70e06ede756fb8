import Foundation

/// Entra's "Test Connection" (entra-provisioning.md §1): read the ServiceProviderConfig, then query
/// a user that cannot exist (`userName eq "<random GUID>"`) and expect an empty ListResponse.
public struct ConnectionCheck: Sendable {
    public let url: String
    public let capabilities: ServiceProviderConfig
    /// How the client authenticated, without the secret (`bearer token from file token.txt`).
    public let authentication: String
    /// The test query's duration.
    public let milliseconds: Int

    /// Runs the check.
    /// - Throws: the `SCIMError` of the first request that failed.
    public static func run(_ client: SCIMClient, authentication: String) throws(SCIMError) -> ConnectionCheck {
        let capabilities = try client.serviceProviderConfig()
        let began = DispatchTime.now().uptimeNanoseconds
        try testQuery(client)
        let elapsed = Int((DispatchTime.now().uptimeNanoseconds - began) / 1_000_000)
        return ConnectionCheck(url: client.baseURL, capabilities: capabilities, authentication: authentication, milliseconds: elapsed)
    }

    /// `GET /Users?filter=userName eq "<random GUID>"`, which must answer an empty ListResponse.
    static func testQuery(_ client: SCIMClient) throws(SCIMError) {
        let filter = SCIMFilter.equals(.userName, UUID().uuidString.lowercased())
        let page = try client.queryUsers(filter: filter)
        guard page.totalResults == 0 && page.resources.isEmpty else {
            throw .invalidResponse(
                method: "GET", url: client.url("/Users", query: [("filter", filter)]), status: 200,
                reason: "\(page.totalResults) users for a userName that cannot exist (it ignores filters, which matching needs)")
        }
    }

    /// The report `reconcile check` prints.
    public var text: String {
        var lines = ["OK: \(url) answers as a SCIM 2.0 service provider (\(authentication))."]
        lines.append(capabilities.discovered
            ? "ServiceProviderConfig: \(capabilities.summary)."
            : "ServiceProviderConfig: none (404); assuming \(capabilities.summary).")
        lines.append("Test query: userName eq \"<random GUID>\" answered an empty ListResponse in \(milliseconds) ms.")
        return lines.joined(separator: "\n") + "\n"
    }
}
