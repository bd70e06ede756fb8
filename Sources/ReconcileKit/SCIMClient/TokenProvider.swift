import Foundation
import Synchronization

/// The bearer token for a SCIM endpoint: a long-lived token, or one obtained with the OAuth 2.0
/// client credentials grant (RFC 6749 §4.4) and cached until shortly before it expires.
///
/// A 401 from the endpoint makes the client ask for a fresh token once (`refresh(rejected:)`); a
/// long-lived token cannot be refreshed, so its 401 stops the run.
public final class TokenProvider: Sendable {
    /// Where the token comes from.
    public enum Source: Sendable {
        /// A long-lived bearer token (Entra's "Secret Token", entra-provisioning.md §10).
        case bearer(Secret)
        /// OAuth 2.0 client credentials: the token endpoint, the client id, its secret, and an optional scope.
        case clientCredentials(tokenEndpoint: URL, clientID: String, clientSecret: Secret, scope: String?)
    }

    public let source: Source
    private let transport: any HTTPTransport
    private let retry: RetryPolicy
    private let cached = Mutex<(token: Secret, expires: Date?)?>(nil)
    /// Tokens fetched so far (the client-credentials requests made).
    private let fetches = Atomic<Int>(0)

    public init(source: Source, transport: any HTTPTransport, retry: RetryPolicy = RetryPolicy()) {
        self.source = source
        self.transport = transport
        self.retry = retry
    }

    /// Client-credentials requests made so far.
    public var tokensFetched: Int { fetches.load(ordering: .relaxed) }

    /// Secrets to keep out of messages: the configured one and the current access token.
    var redactor: Redactor {
        var secrets: [String] = []
        switch source {
        case .bearer(let token): secrets.append(token.value)
        case .clientCredentials(_, _, let secret, _): secrets.append(secret.value)
        }
        if let token = cached.withLock({ $0?.token.value }) { secrets.append(token) }
        return Redactor(secrets: secrets)
    }

    /// The token to send now; fetched (once, for all threads) when there is none or it is about to expire.
    public func token() throws(SCIMError) -> Secret {
        if case .bearer(let token) = source { return token }
        return try cached.withLock { cached throws(SCIMError) -> Secret in
            if let current = cached, current.expires.map({ $0 > Date() }) ?? true { return current.token }
            let fresh = try fetch()
            cached = fresh
            return fresh.token
        }
    }

    /// Called after the endpoint answered 401 to `rejected`: drops it so the next `token()` fetches
    /// a new one. Returns false when there is nothing to refresh (a long-lived token).
    public func refresh(rejected: Secret) -> Bool {
        guard case .clientCredentials = source else { return false }
        cached.withLock { cached in
            // Another thread may have refreshed already; keep its newer token.
            if cached?.token == rejected { cached = nil }
        }
        return true
    }

    /// `POST` to the token endpoint: `grant_type=client_credentials` with the client id and secret
    /// in the form body (`client_secret_post`, RFC 6749 §2.3.1, as UiPath's identity server takes them).
    private func fetch() throws(SCIMError) -> (token: Secret, expires: Date?) {
        guard case let .clientCredentials(endpoint, clientID, secret, scope) = source else {
            throw .tokenRequest(url: "", status: nil, error: "no token endpoint", detail: nil)
        }
        var form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret.value)]
        if let scope, !scope.isEmpty { form.append(("scope", scope)) }
        let body = form.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        let request = HTTPRequest(method: "POST", url: endpoint, headers: [
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        ], body: Data(body.utf8))
        let redact = Redactor(secrets: [secret.value])
        let url = endpoint.absoluteString
        var attempt = 0
        while true {
            attempt += 1
            let response: HTTPResponse
            do {
                response = try transport.perform(request)
            } catch {
                // Asking for a token twice is harmless: retry network failures like any idempotent request.
                if retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) { continue }
                throw .tokenRequest(url: url, status: nil, error: redact(error.reason), detail: nil)
            }
            fetches.add(1, ordering: .relaxed)
            let json = try? JSONReader.parse(response.body)
            if response.status == 429 || response.status >= 500 {
                let after = RetryPolicy.retryAfter(response.header("Retry-After"))
                if retry.waitToRetry(afterAttempt: attempt, retryAfter: after) { continue }
            }
            guard response.status == 200 else {
                throw .tokenRequest(
                    url: url, status: response.status, error: json?["error"]?.stringValue.map(redact.callAsFunction),
                    detail: json?["error_description"]?.stringValue.map(redact.callAsFunction))
            }
            guard let token = json?["access_token"]?.stringValue, !token.isEmpty else {
                throw .tokenRequest(url: url, status: 200, error: "the answer has no access_token", detail: nil)
            }
            if let type = json?["token_type"]?.stringValue, type.lowercased() != "bearer" {
                throw .tokenRequest(url: url, status: 200, error: "token_type \(type) is not Bearer", detail: nil)
            }
            // Renew a little before the end, so a token does not expire between being read and being checked.
            let lifetime = json?["expires_in"].flatMap { $0.intValue ?? $0.stringValue.flatMap { Int($0) } }
            let expires = lifetime.map { Date().addingTimeInterval(Double($0) - min(60, Double($0) / 10)) }
            return (Secret(token), expires)
        }
    }
}
