import Foundation
@testable import ReconcileKit

/// One SCIM test's world: a new tenant of the shared scim2-server, optionally behind its own fault
/// proxy, and state files in a temporary folder.
final class SCIMFixture {
    let folder = TestSupport.temporaryFolder()
    /// The tenant's base URL on the server itself.
    let tenant: String
    let proxy: FaultProxy?

    /// - Parameter proxy: the fault proxy's configuration; `nil` talks to the server directly.
    init(proxy config: JSONValue? = nil) throws {
        tenant = try SCIMTestServer.tenant()
        proxy = try config.map(FaultProxy.init)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The URL the client uses: through the proxy when there is one.
    var url: String { proxy?.url(tenant) ?? tenant }

    /// A target for the tenant with its own state file (`state` names it, so a test can reopen it).
    func target(
        bulk: Bool = false, maxInFlight: Int = 4, token: String = SCIMTestServer.token, retry: RetryPolicy = SCIMTestServer.fastRetry(),
        timeout: Double = 10, state: String = "state.db", credentials: TokenProvider.Source? = nil, notice: @escaping (String) -> Void = { _ in }
    ) throws -> SCIMTarget {
        let transport = URLSessionTransport(maxConnections: maxInFlight, timeout: timeout)
        let client = try SCIMClient(
            baseURL: URL(string: url)!, transport: transport,
            credentials: TokenProvider(source: credentials ?? .bearer(Secret(token)), transport: transport, retry: retry), retry: retry)
        let runState = try RunState.open(stateFile: folder + "/" + state, create: true)
        return try SCIMTarget(client: client, runState: runState, maxInFlight: maxInFlight, bulk: bulk, notice: notice)
    }

    /// The plan that takes the target to `snapshot`, with the default (UiPath) mapping.
    func plan(_ snapshot: Snapshot, _ target: SCIMTarget, deleteMissing: Bool = false) throws -> Plan {
        Planner(mapping: .uiPath, options: .init(deleteMissing: deleteMissing))
            .plan(snapshot: snapshot, target: try target.targetState(for: snapshot), createdAt: StoreFixtures.planTime)
    }

    func plan(_ users: [DirectoryUser], _ target: SCIMTarget) throws -> Plan {
        try plan(StoreFixtures.snapshot(users), target)
    }

    func plan(sample: String, _ target: SCIMTarget) throws -> Plan {
        try plan(try SnapshotLoader().load(path: TestSupport.sample(sample)), target)
    }

    /// The tenant's users by userName, read straight from the server.
    func users() throws -> [String: JSONValue] {
        try SCIMTestServer.users(tenant)
    }

    /// Creates a user straight on the server (as someone else would) and returns its id.
    @discardableResult
    func createOnServer(_ resource: JSONValue) throws -> String {
        let created = try SCIMTestServer.request("POST", tenant + "/Users", resource)
        guard created.status == 201, let id = created.json?["id"]?.stringValue else {
            throw SCIMTestServer.Unavailable(description: "creating a user on the server answered \(created.status)")
        }
        return id
    }

    /// Requests that reached the proxy, as "METHOD path-without-tenant status".
    func requests() throws -> [String] {
        let prefix = URL(string: tenant)!.path
        return try (proxy?.log() ?? []).map { entry in
            let path = entry.path.hasPrefix(prefix) ? String(entry.path.dropFirst(prefix.count)) : entry.path
            return "\(entry.method) \(path.split(separator: "?").first.map(String.init) ?? path) \(entry.status.map(String.init) ?? "-")"
                + (entry.action.map { " \($0)" } ?? "")
        }
    }
}
