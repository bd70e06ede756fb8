/// Failures talking to a live SCIM endpoint or its token endpoint.
///
/// Messages name the HTTP method, the URL, the status and the server's SCIM `detail` (RFC 7644
/// §3.12), say what to do, and never contain a secret: server text is passed through `Redactor`.
public enum SCIMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A URL reconcile will not send credentials to (not https, and not loopback http).
    case insecureURL(url: String, option: String)
    /// A URL that cannot be parsed.
    case invalidURL(url: String, option: String)
    /// A secret could not be read from its file or environment variable.
    case secretUnavailable(source: String, reason: String)
    /// No HTTP answer: connection refused or dropped, timeout, TLS failure, redirect refused.
    /// `mayHaveBeenApplied` is true when the request may have reached the server.
    case network(method: String, url: String, reason: String, mayHaveBeenApplied: Bool)
    /// The endpoint answered with an error status.
    case status(method: String, url: String, status: Int, scimType: String?, detail: String?)
    /// The endpoint answered 2xx with something that is not what SCIM says it should be.
    case invalidResponse(method: String, url: String, status: Int, reason: String)
    /// The OAuth 2.0 token endpoint refused or failed the client-credentials request (RFC 6749 §5.2).
    case tokenRequest(url: String, status: Int?, error: String?, detail: String?)
    /// Retries stopped: the per-request attempts or the run's retry budget are used up; `last` is
    /// the last failure.
    indirect case gaveUp(attempts: Int, last: SCIMError)
    /// The user list changed while it was being read, twice: planning on it could miss users.
    case listingChanged(url: String, totalResults: Int, read: Int)

    /// The HTTP status, when the endpoint answered.
    public var status: Int? {
        switch self {
        case let .status(_, _, status, _, _), let .invalidResponse(_, _, status, _): return status
        case let .tokenRequest(_, status, _, _): return status
        case let .gaveUp(_, last): return last.status
        default: return nil
        }
    }

    /// The SCIM `scimType` of an error answer (`uniqueness`, `noTarget`, ...).
    public var scimType: String? {
        switch self {
        case let .status(_, _, _, scimType, _): return scimType
        case let .gaveUp(_, last): return last.scimType
        default: return nil
        }
    }

    /// Whether the credentials were refused: the whole run stops (every other request would fail too).
    public var isAuthorizationFailure: Bool {
        switch self {
        case .tokenRequest, .secretUnavailable: return true
        case let .status(_, _, status, _, _): return status == 401 || status == 403
        case let .gaveUp(_, last): return last.isAuthorizationFailure
        default: return false
        }
    }

    /// Whether every other request would fail the same way, so the run stops instead of failing each
    /// user: the token was refused after a refresh, or none could be obtained.
    public var stopsRun: Bool {
        switch self {
        case .tokenRequest, .secretUnavailable: return true
        case let .status(_, _, status, _, _): return status == 401
        case let .gaveUp(_, last): return last.stopsRun
        default: return false
        }
    }

    /// The provisioning log's error code for a user this failure stopped (`uniqueness`,
    /// `targetMissing`, `stalePlan`, `http500`, `network`).
    public var code: String {
        switch self {
        case let .gaveUp(_, last): return last.code
        case .network: return "network"
        case .tokenRequest, .secretUnavailable: return "unauthorized"
        case .insecureURL, .invalidURL: return "invalidURL"
        case let .status(_, _, status, scimType, _):
            switch status {
            case 404: return "targetMissing"
            case 409: return scimType ?? "uniqueness"
            case 412: return "stalePlan"
            default: return "http\(status)"
            }
        case let .invalidResponse(_, _, status, _): return "http\(status)"
        case .listingChanged: return "listingChanged"
        }
    }

    /// Whether a request that failed this way may have been applied by the server anyway, so that
    /// repeating it blindly could apply it twice (a lost response, a timeout, a 500).
    public var mayHaveBeenApplied: Bool {
        switch self {
        case let .network(_, _, _, applied): return applied
        case let .status(_, _, status, _, _): return status >= 500 && status != 503
        case let .gaveUp(_, last): return last.mayHaveBeenApplied
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .insecureURL(url, option):
            return "\(option) \(url) is not https: reconcile sends credentials only over TLS "
                + "(plain http is allowed to 127.0.0.0/8, ::1 and localhost only)"
        case let .invalidURL(url, option):
            return "\(option) \(url) is not a valid http(s) URL"
        case let .secretUnavailable(source, reason):
            return "cannot read the secret from \(source): \(reason)"
        case let .network(method, url, reason, _):
            return "\(method) \(url) failed: \(reason)"
        case let .status(method, url, status, scimType, detail):
            var text = "\(method) \(url) answered \(status) \(Self.reasonPhrase(status))"
            if let detail, !detail.isEmpty { text += ": \(detail)" }
            if let scimType { text += " (scimType \(scimType))" }
            if let hint = Self.hint(status) { text += "; \(hint)" }
            return text
        case let .invalidResponse(method, url, status, reason):
            return "\(method) \(url) answered \(status) with \(reason); the endpoint does not behave as RFC 7644 requires"
        case let .tokenRequest(url, status, error, detail):
            var text = "the token endpoint \(url) "
            text += status.map { "answered \($0) \(Self.reasonPhrase($0))" } ?? "gave no token"
            if let error { text += ": \(error)" }
            if let detail, !detail.isEmpty { text += " (\(detail))" }
            return text + "; check --token-endpoint, --client-id, the client secret and --scope"
        case let .listingChanged(url, total, read):
            return "the users at \(url) changed while they were being read (totalResults \(total), \(read) read, twice); "
                + "nothing was planned or applied: run again when nothing else is writing to the endpoint"
        case let .gaveUp(attempts, last):
            return "\(last) (gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"))"
        }
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 412: return "Precondition Failed"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 300..<400: return "Redirect"
        default: return ""
        }
    }

    private static func hint(_ status: Int) -> String? {
        switch status {
        case 401: return "the token was refused: check --token-file/--token-env, or the client credentials"
        case 403: return "the credentials are valid but not allowed to do this: check the app's permissions"
        case 300..<400: return "reconcile does not follow redirects (they could carry the token elsewhere): give the final URL"
        default: return nil
        }
    }
}
