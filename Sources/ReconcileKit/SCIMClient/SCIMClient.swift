import Foundation
import Synchronization

/// A SCIM 2.0 client for one service provider (RFC 7644): builds requests, sends the bearer token,
/// retries what is safe to retry, and turns error answers into `SCIMError`s.
///
/// Every method blocks the calling thread and may be called from several threads at once.
/// Requests that may have been applied when their answer was lost (POST, PATCH) are not retried
/// here: the caller first finds out what the server did (`SCIMTarget`).
public final class SCIMClient: Sendable {
    /// The service provider's base URL (`https://host/scim/v2`), without a trailing slash.
    public let baseURL: String
    public let transport: any HTTPTransport
    /// `nil` sends no `Authorization` header.
    public let credentials: TokenProvider?
    public let retry: RetryPolicy
    private let sent = Atomic<Int>(0)

    /// - Throws: `SCIMError.invalidURL` / `.insecureURL` for a URL credentials may not be sent to.
    public init(baseURL: URL, transport: any HTTPTransport, credentials: TokenProvider?, retry: RetryPolicy = RetryPolicy()) throws(SCIMError) {
        let validated = try EndpointURL.validated(baseURL.absoluteString, option: "--target")
        var text = validated.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.baseURL = text
        self.transport = transport
        self.credentials = credentials
        self.retry = retry
    }

    /// HTTP requests sent so far (retries included, token requests not).
    public var requestsSent: Int { sent.load(ordering: .relaxed) }

    /// The media type of SCIM messages (RFC 7644 §3.1).
    static let mediaType = "application/scim+json"

    /// The URL of `path` (`/Users`, `/Users/{id}`) with `query` percent-encoded.
    func url(_ path: String, query: [(String, String)] = []) -> String {
        var text = baseURL + path
        if !query.isEmpty {
            text += "?" + query.map { "\(FormEncoding.encode($0.0))=\(FormEncoding.encode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    /// A path segment for a resource id, percent-encoded.
    static func segment(_ id: String) -> String { FormEncoding.encode(id) }

    /// Sends one request and returns a 2xx answer.
    /// - Parameters:
    ///   - retrySafe: whether repeating the request after a lost answer is harmless (GET, PUT);
    ///     429 and 503 are always retried, since the server did not act on the request.
    /// - Throws: `SCIMError.status` for error answers (after a token refresh on a first 401),
    ///   `.network`, or `.gaveUp` once retries are used up.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        ifMatch: String? = nil, retrySafe: Bool
    ) throws(SCIMError) -> HTTPResponse {
        let target = url(path, query: query)
        guard let url = URL(string: target) else { throw .invalidURL(url: target, option: "request") }
        var request = HTTPRequest(method: method, url: url, headers: ["Accept": Self.mediaType])
        if let body {
            request.body = Data(JSONWriter.write(body).utf8)
            request.headers["Content-Type"] = Self.mediaType
        }
        if let ifMatch { request.headers["If-Match"] = ifMatch }
        var attempt = 0
        var refreshed = false
        while true {
            attempt += 1
            retry.waitWhilePaused()
            var token: Secret?
            if let credentials {
                token = try credentials.token()
                request.headers["Authorization"] = "Bearer \(token!.value)"
            }
            sent.add(1, ordering: .relaxed)
            let response: HTTPResponse
            do {
                response = try transport.perform(request)
            } catch {
                let failure = SCIMError.network(method: method, url: target, reason: error.reason, mayHaveBeenApplied: error.mayHaveBeenSent)
                guard error.retryable, retrySafe || !error.mayHaveBeenSent else { throw failure }
                if retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) { continue }
                throw .gaveUp(attempts: attempt, last: failure)
            }
            switch response.status {
            case 200..<300:
                return response
            case 401 where !refreshed:
                // An expired or revoked access token: fetch a new one once, then try again.
                if let credentials, let token, credentials.refresh(rejected: token) {
                    refreshed = true
                    attempt -= 1
                    continue
                }
                throw error(method, target, response)
            case 429, 503:
                let after = RetryPolicy.retryAfter(response.header("Retry-After"))
                if retry.waitToRetry(afterAttempt: attempt, retryAfter: after) { continue }
                throw .gaveUp(attempts: attempt, last: error(method, target, response))
            case 500..<600 where retrySafe:
                if retry.waitToRetry(afterAttempt: attempt, retryAfter: nil) { continue }
                throw .gaveUp(attempts: attempt, last: error(method, target, response))
            default:
                throw error(method, target, response)
            }
        }
    }

    /// The error for an error answer, with the SCIM error's `detail` and `scimType` (RFC 7644 §3.12).
    private func error(_ method: String, _ url: String, _ response: HTTPResponse) -> SCIMError {
        let json = try? JSONReader.parse(response.body)
        var detail = json?.member("detail")?.stringValue
        if detail == nil, json == nil, !response.body.isEmpty {
            // Not a SCIM error (a proxy's HTML page): its first line is still the best clue.
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            detail = text.split(whereSeparator: \.isNewline).first.map(String.init)
        }
        if (300..<400).contains(response.status), let location = response.header("Location") {
            detail = "redirected to \(location)"
        }
        let redact = credentials?.redactor ?? Redactor(secrets: [])
        return .status(
            method: method, url: url, status: response.status,
            scimType: json?.member("scimType")?.stringValue, detail: detail.map(redact.callAsFunction))
    }

    /// The JSON body of a 2xx answer.
    func json(_ response: HTTPResponse, _ method: String, _ path: String) throws(SCIMError) -> JSONValue {
        do {
            return try JSONReader.parse(response.body)
        } catch {
            throw .invalidResponse(method: method, url: url(path), status: response.status, reason: "a body that is not JSON (\(error.message))")
        }
    }
}
