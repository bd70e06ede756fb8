import Foundation
import Synchronization

/// Applies single plan actions to a live SCIM endpoint, safely from several threads at once.
///
/// - POST, and a lost answer to it is never repeated blindly: the user is looked up by externalId,
///   then userName, first; a 409 uniqueness conflict adopts the existing user when the identity
///   takeover guard allows it (its externalId is empty or ours, and no other source user manages it).
/// - PATCH computed against the user as it is now (`PatchRequest`), PUT when the endpoint has no
///   PATCH, `If-Match` with `meta.version` when it supports ETags; a 412 (or a lost answer) re-reads
///   the user and sends what is still needed.
/// - DELETE, where a 404 after a lost answer means it worked.
/// Per-user failures become `ActionFailure`s (the rest of the run goes on); a refused token is
/// rethrown as the `SCIMError` that stops the run.
final class SCIMWriter: Sendable {
    let client: SCIMClient
    let capabilities: ServiceProviderConfig
    /// Users as last read (by listing, query or GET), by id.
    private let cache = Mutex<[String: TargetUser]>([:])
    /// Target id -> source id of every user this job manages, as of the start of the batch.
    private let managedBy = Mutex<[String: String]>([:])
    /// Set when the endpoint turned PATCH down although its ServiceProviderConfig offered it.
    private let patchRefused = Atomic<Bool>(false)
    /// Updates re-planned after a 412 or a lost answer.
    let replans = Atomic<Int>(0)
    /// Existing users adopted after a 409 or found after a lost POST.
    let adoptions = Atomic<Int>(0)

    /// How often one user is re-read and re-planned before its update is given up as a moving target.
    static let maxReplans = 3

    init(client: SCIMClient, capabilities: ServiceProviderConfig) {
        self.client = client
        self.capabilities = capabilities
    }

    func remember(_ users: [TargetUser]) {
        cache.withLock { cache in for user in users { cache[user.id] = user } }
    }

    func forget(_ id: String) {
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }

    func cached(_ id: String) -> TargetUser? { cache.withLock { $0[id] } }

    func setLinks(_ links: [String: String]) {
        managedBy.withLock { $0 = Dictionary(links.map { ($0.value, $0.key) }) { first, _ in first } }
    }

    /// Applies one action and returns the target user's id.
    /// - Parameter uncertain: an earlier attempt (a lost Bulk answer) may already have applied it.
    func apply(_ action: PlanAction, uncertain: Bool = false) throws -> String {
        do {
            switch action.kind {
            case .create: return try create(action, uncertain: uncertain)
            case .update, .disable: return try update(action, uncertain: uncertain)
            case .delete: return try delete(action, uncertain: uncertain)
            case .link:
                guard let id = action.targetId else { throw ActionFailure(code: "invalidPlan", message: "link action without a targetId") }
                return id
            case .skip:
                throw ActionFailure(code: "invalidPlan", message: "a skip has nothing to apply")
            }
        } catch let error as SCIMError {
            if error.stopsRun { throw error }
            throw ActionFailure(code: error.code, message: error.description)
        }
    }

    // MARK: - Create

    private func create(_ action: PlanAction, uncertain: Bool) throws -> String {
        guard let resource = action.resource else { throw ActionFailure(code: "invalidPlan", message: "create action without a resource") }
        var uncertain = uncertain
        var attempt = 0
        while true {
            attempt += 1
            if uncertain, let existing = try lookUp(action) {
                // The lost POST did create it (or someone did): the same externalId makes it ours.
                guard existing.externalId != nil && existing.externalId == action.externalId else {
                    return try adopt(existing, for: action)
                }
                adoptions.add(1, ordering: .relaxed)
                return existing.id
            }
            do {
                let created = try client.createUser(resource)
                guard let user = TargetUser(resource: created) else {
                    throw SCIMError.invalidResponse(method: "POST", url: client.url("/Users"), status: 201, reason: "a User without id or userName")
                }
                return user.id
            } catch let error as SCIMError {
                if error.status == 409 {
                    guard let existing = try lookUp(action) else { throw error }
                    return try adopt(existing, for: action)
                }
                guard error.mayHaveBeenApplied, client.retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) else { throw error }
                uncertain = true
            }
        }
    }

    /// The one user with the action's externalId, else with its userName (Entra's matching order).
    private func lookUp(_ action: PlanAction) throws -> TargetUser? {
        var queries: [(SCIMPath, String)] = []
        if let externalId = action.externalId { queries.append((.externalId, externalId)) }
        queries.append((.userName, action.resource?.member("userName")?.stringValue ?? action.userName))
        for (path, value) in queries {
            let found = try client.queryUsers(filter: SCIMFilter.equals(path, value)).resources.compactMap(TargetUser.init(resource:))
            // Servers may match more loosely than asked; keep the exact matches (userName ignoring case).
            let exact = found.filter { path == .externalId ? $0.externalId == value : IdentityKey.normalize($0.userName) == IdentityKey.normalize(value) }
            remember(exact)
            if exact.count > 1 {
                throw ActionFailure(code: "duplicateTargetEntries",
                                    message: "\(path) \(value) matches \(exact.count) target users: \(exact.map(\.id).sorted().joined(separator: ", "))")
            }
            if let user = exact.first { return user }
        }
        return nil
    }

    /// Takes over an existing user for a create that conflicted, if the identity takeover guard
    /// allows it, and brings its attributes in line with the resource that was to be created.
    private func adopt(_ existing: TargetUser, for action: PlanAction) throws -> String {
        if let owner = managedBy.withLock({ $0[existing.id] }), owner != action.sourceId {
            throw ActionFailure(code: "identityConflict",
                                message: "userName \(existing.userName) is taken by target user \(existing.id), which is managed for source user \(owner)")
        }
        if let theirs = existing.externalId, theirs != action.externalId {
            throw ActionFailure(code: "identityConflict",
                                message: "userName \(existing.userName) is taken by target user \(existing.id), whose externalId \(theirs) belongs to someone else; it was not adopted")
        }
        adoptions.add(1, ordering: .relaxed)
        let resource = action.resource ?? .object([:])
        let operations = PatchRequest.paths(in: resource).compactMap { path in
            resource.value(at: path).map { PatchOperation(op: .replace, path: path, value: $0) }
        }
        var update = action
        update.kind = .update
        update.targetId = existing.id
        update.version = existing.version
        update.operations = operations
        return try self.update(update, uncertain: false)
    }

    // MARK: - Update, disable

    private func update(_ action: PlanAction, uncertain: Bool) throws -> String {
        guard let id = action.targetId else { throw ActionFailure(code: "invalidPlan", message: "\(action.kind.rawValue) action without a targetId") }
        var current = uncertain ? nil : cached(id)
        if let planned = action.version, let known = current, !known.version.isEmpty, known.version != planned { current = nil }
        var attempt = 0
        var replanned = 0
        while true {
            attempt += 1
            let user = try current ?? read(id)
            if action.matchedOn != nil, action.matchedOn != SCIMPath.externalId.description,
               let theirs = user.externalId, theirs != action.externalId {
                throw ActionFailure(code: "identityConflict",
                                    message: "target user \(id) now has externalId \(theirs), which belongs to someone else; it was not changed")
            }
            let operations = PatchRequest.operations(action.operations, current: user.resource)
            if operations.isEmpty { return id }
            let ifMatch = capabilities.etag && !user.version.isEmpty ? user.version : nil
            do {
                if capabilities.patch && !patchRefused.load(ordering: .relaxed) {
                    _ = try client.patchUser(id, operations: operations, ifMatch: ifMatch)
                } else {
                    _ = try client.replaceUser(id, with: PatchRequest.replacement(action.operations, current: user.resource), ifMatch: ifMatch)
                }
                forget(id)
                return id
            } catch {
                switch error.status {
                case 412:
                    // Changed since it was read: read it again and send what is still needed.
                    replanned += 1
                    replans.add(1, ordering: .relaxed)
                    guard replanned <= Self.maxReplans else {
                        throw ActionFailure(code: "stalePlan", message: "target user \(id) changed \(replanned) times while being updated: \(error)")
                    }
                    current = nil
                    continue
                case 405 where capabilities.patch && !patchRefused.load(ordering: .relaxed),
                     501 where capabilities.patch && !patchRefused.load(ordering: .relaxed):
                    patchRefused.store(true, ordering: .relaxed)
                    continue
                default:
                    guard error.mayHaveBeenApplied, client.retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) else { throw error }
                    // The answer was lost: what the server did is found out by reading the user again.
                    replans.add(1, ordering: .relaxed)
                    current = nil
                }
            }
        }
    }

    /// `GET /Users/{id}`, remembered.
    private func read(_ id: String) throws -> TargetUser {
        do {
            let resource = try client.getUser(id)
            guard let user = TargetUser(resource: resource) else {
                throw SCIMError.invalidResponse(method: "GET", url: client.url("/Users/\(SCIMClient.segment(id))"), status: 200,
                                                reason: "a User without id or userName")
            }
            remember([user])
            return user
        } catch let error as SCIMError where error.status == 404 {
            throw ActionFailure(code: "targetMissing", message: "target user \(id) no longer exists (\(error))")
        }
    }

    // MARK: - Delete

    private func delete(_ action: PlanAction, uncertain: Bool) throws -> String {
        guard let id = action.targetId else { throw ActionFailure(code: "invalidPlan", message: "delete action without a targetId") }
        var uncertain = uncertain
        var version = cached(id)?.version ?? action.version
        var attempt = 0
        while true {
            attempt += 1
            do {
                try client.deleteUser(id, ifMatch: capabilities.etag && version?.isEmpty == false ? version : nil)
                forget(id)
                return id
            } catch {
                switch error.status {
                case 404 where uncertain:
                    forget(id)
                    return id
                case 404:
                    throw ActionFailure(code: "targetMissing", message: "target user \(id) no longer exists (\(error))")
                case 412 where attempt <= Self.maxReplans:
                    // Deleting does not depend on the user's attributes: delete the current version.
                    version = try read(id).version
                default:
                    guard error.mayHaveBeenApplied, client.retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) else { throw error }
                    uncertain = true
                }
            }
        }
    }
}
