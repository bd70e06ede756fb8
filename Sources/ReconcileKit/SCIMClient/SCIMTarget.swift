import Foundation

/// A live SCIM 2.0 endpoint as a provisioning target, with this job's run state in a local state file.
///
/// Reading: a paged full listing (`startIndex`/`count` within `filter.maxResults`, sorted by `id`
/// when the endpoint can sort); an endpoint that refuses to list gets Entra's per-user filter
/// queries instead (`userName eq "..."`, `externalId eq "..."`, entra-provisioning.md §1).
/// Writing: `SCIMWriter`, with `maxInFlight` requests at once, or `/Bulk` when the endpoint offers it.
///
/// The fingerprint a plan is checked against is the SHA-256 of every listed user's `id` and
/// `meta.version` (or `meta.lastModified`, or the whole resource when it has neither) plus this job's
/// links: it changes whenever anyone changes a user, and whenever this job links or unlinks one.
/// Against an endpoint that cannot list, it covers the users this job manages only.
public final class SCIMTarget: ProvisioningTarget {
    /// How the target's users are read.
    public enum ReadMode: String, Sendable {
        /// `GET /Users?startIndex=&count=`, page by page.
        case listing
        /// Per-user filter queries, for endpoints that refuse to list.
        case queries
    }

    public let client: SCIMClient
    /// This job's links, runs and provisioning log, in the state file.
    public let runState: RunState
    /// What the endpoint says it supports, read once when the target is opened.
    public let capabilities: ServiceProviderConfig
    /// Requests in flight at once while applying.
    public let maxInFlight: Int
    /// Whether writes go through `/Bulk` (when the endpoint supports it and it was not turned off).
    public internal(set) var usesBulk: Bool
    public private(set) var readMode: ReadMode = .listing
    /// Users per listing page: the endpoint's `filter.maxResults` (at most 1000) unless set.
    public var pageSize: Int
    let writer: SCIMWriter
    private let mapping: Mapping
    let notice: (String) -> Void

    public var kind: String { "scim" }
    public var location: String { client.baseURL }
    /// Links are committed per batch: a lost batch costs re-matching these many users, never duplicates.
    public var batchSize: Int { usesBulk ? max(1, min(capabilities.bulkMaxOperations, 500)) : max(100, maxInFlight * 25) }

    /// The default number of requests in flight: enough to hide network latency, few enough that
    /// an endpoint asking for 25 requests per second per tenant (entra-provisioning.md §9) is not
    /// flooded before its first 429.
    public static let defaultMaxInFlight = 8

    /// Opens the endpoint: reads its ServiceProviderConfig (RFC 7644 §4).
    /// - Parameters:
    ///   - bulk: use `/Bulk` when the endpoint supports it.
    ///   - notice: receives one line for stderr when reading falls back to per-user queries.
    /// - Throws: `SCIMError` when the endpoint cannot be reached or refuses the credentials.
    public init(
        client: SCIMClient, runState: RunState, mapping: Mapping = .uiPath, maxInFlight: Int = SCIMTarget.defaultMaxInFlight,
        bulk: Bool = true, notice: @escaping (String) -> Void = { _ in }
    ) throws {
        self.client = client
        self.runState = runState
        self.mapping = mapping
        self.maxInFlight = max(1, maxInFlight)
        self.notice = notice
        capabilities = try client.serviceProviderConfig()
        usesBulk = bulk && capabilities.bulk
        pageSize = capabilities.pageSize
        writer = SCIMWriter(client: client, capabilities: capabilities)
    }

    // MARK: - Reading

    /// Every user the endpoint holds (listing), or the users this job manages (queries mode).
    public func users() throws -> [TargetUser] {
        if readMode == .listing {
            do {
                let users = try listAll()
                writer.remember(users)
                return users
            } catch let error as SCIMError {
                guard let status = error.status, [400, 403, 501].contains(status) else { throw error }
                readMode = .queries
                notice("the endpoint does not list users (\(error)); reading them with per-user filter queries instead")
            }
        }
        return try managedUsers()
    }

    /// The users and links the Planner needs for `snapshot`: the listing, or in queries mode the
    /// managed users plus whatever the snapshot users' matching attributes find.
    public func targetState(for snapshot: Snapshot) throws -> Planner.TargetState {
        var users = try self.users()
        let links = try runState.linksBySource()
        let fingerprint = Self.fingerprint(users: users, links: links)
        if readMode == .queries {
            var known = Set(users.map(\.id))
            let mapper = Mapper(mapping: mapping)
            var queries: [String] = []
            for source in snapshot.users where links[source.id] == nil {
                guard let desired = try? mapper.map(source) else { continue }
                for path in mapping.matchingPaths {
                    if case .string(let value)? = desired.createValues[path] { queries.append(SCIMFilter.equals(path, value)) }
                }
            }
            let client = self.client
            let found = try concurrently(queries) { filter in try client.queryUsers(filter: filter).resources }
            for resource in found.joined() {
                if let user = TargetUser(resource: resource), known.insert(user.id).inserted { users.append(user) }
            }
            writer.remember(users)
        }
        return Planner.TargetState(users: users, links: links, kind: kind, location: location, fingerprint: fingerprint)
    }

    public func fingerprint() throws -> String {
        Self.fingerprint(users: try users(), links: try runState.linksBySource())
    }

    /// SHA-256 over each user's id and version, and each link, in a fixed order (see the type's doc).
    static func fingerprint(users: [TargetUser], links: [String: String]) -> String {
        var hasher = SHA256()
        for user in users.sorted(by: { $0.id < $1.id }) {
            let meta = user.resource.member("meta")
            let version = user.version.isEmpty
                ? meta?.member("lastModified")?.stringValue ?? JSONWriter.write(user.resource)
                : user.version
            hasher.update("user\t\(user.id)\t\(version)\n")
        }
        for (source, target) in links.sorted(by: { $0.key < $1.key }) {
            hasher.update("link\t\(source)\t\(target)\n")
        }
        return "scim-" + String(SHA256.hex(hasher.finalize()).prefix(32))
    }

    /// The paged listing, read again once if users came or went while it was read.
    private func listAll() throws -> [TargetUser] {
        let count = max(1, pageSize)
        var last = (total: 0, read: 0)
        for _ in 0..<2 {
            var users: [TargetUser] = []
            var seen = Set<String>()
            var startIndex = 1
            var total = 0
            while true {
                let page = try client.listUsers(startIndex: startIndex, count: count, sortBy: capabilities.sort ? "id" : nil)
                total = page.totalResults
                for resource in page.resources {
                    guard let user = TargetUser(resource: resource) else {
                        throw SCIMError.invalidResponse(method: "GET", url: client.url("/Users"), status: 200, reason: "a User without id or userName")
                    }
                    if seen.insert(user.id).inserted { users.append(user) }
                }
                startIndex += page.resources.count
                if page.resources.isEmpty || startIndex > total { break }
            }
            if users.count == total { return users }
            last = (total, users.count)
        }
        throw SCIMError.listingChanged(url: client.url("/Users"), totalResults: last.total, read: last.read)
    }

    /// The users this job manages, each read by id (a 404 is a user deleted outside this job).
    private func managedUsers() throws -> [TargetUser] {
        let ids = Array(Set(try runState.linksBySource().values)).sorted()
        let client = self.client
        let users = try concurrently(ids) { id -> TargetUser? in
            do throws(SCIMError) {
                return TargetUser(resource: try client.getUser(id))
            } catch {
                if error.status == 404 { return nil }
                throw error
            }
        }
        let found = users.compactMap { $0 }
        writer.remember(found)
        return found
    }

    // MARK: - Applying

    public func apply(_ action: PlanAction, at time: String) throws -> String {
        try writer.apply(action)
    }

    /// Applies `plan` to this endpoint (see `Applier`).
    public func apply(_ plan: Plan, mode: String, checkFingerprint: Bool, now: () -> String = Timestamp.now) throws -> ApplyResult {
        try Applier(target: self, state: runState).apply(plan, mode: mode, checkFingerprint: checkFingerprint, now: now)
    }

    /// "Test Connection" (`reconcile check`): the ServiceProviderConfig was read when the target was
    /// opened; this queries a user that cannot exist and expects an empty ListResponse.
    /// - Throws: `TargetUnavailable`, `.credentialsRefused` for a 401/403 or a failed token request.
    public func probe() throws {
        do {
            try ConnectionCheck.testQuery(client)
        } catch {
            throw TargetUnavailable(error.isAuthorizationFailure ? .credentialsRefused : .unreachable, error.description)
        }
    }
}
