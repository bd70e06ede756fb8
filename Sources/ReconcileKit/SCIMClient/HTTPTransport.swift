import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request as the SCIM client builds it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    /// Header fields; `Authorization` is set from a `Secret` just before sending.
    public var headers: [String: String]
    public var body: Data?

    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response: status, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.body = body
    }

    /// A header's value, by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A request that got no HTTP answer.
public struct TransportError: Error, Sendable {
    /// What happened, for the error message.
    public let reason: String
    /// Whether the request may have reached the server (false only when connecting failed).
    public let mayHaveBeenSent: Bool
    /// Whether trying again could help (not for an untrusted certificate).
    public let retryable: Bool

    public init(reason: String, mayHaveBeenSent: Bool, retryable: Bool = true) {
        self.reason = reason
        self.mayHaveBeenSent = mayHaveBeenSent
        self.retryable = retryable
    }
}

/// Sends HTTP requests, blocking the calling thread; safe to call from several threads at once.
public protocol HTTPTransport: Sendable {
    func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
}

/// Foundation's URLSession (FoundationNetworking on Linux): TLS certificates are verified as the
/// system trusts them, redirects are refused (they could carry the bearer token to another host),
/// and nothing is cached or stored (no cookies, no URL cache).
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// - Parameters:
    ///   - maxConnections: connections per host, at least the number of requests in flight.
    ///   - timeout: seconds without any data before a request fails.
    public init(maxConnections: Int = 8, timeout: TimeInterval = 60) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnections)
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout * 4, 300)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: RedirectRefuser(), delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let box = ResultBox()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            box.set(data: data, response: response, error: error)
        }
        task.resume()
        box.wait()
        return try box.result()
    }

    /// Carries a task's completion from URLSession's queue to the waiting thread.
    private final class ResultBox: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        // Written once by the completion handler before `done` is signalled, read after the wait.
        private var data: Data?
        private var response: URLResponse?
        private var error: Error?

        func set(data: Data?, response: URLResponse?, error: Error?) {
            self.data = data
            self.response = response
            self.error = error
            done.signal()
        }

        func wait() { done.wait() }

        func result() throws(TransportError) -> HTTPResponse {
            if let error {
                throw URLSessionTransport.transportError(error)
            }
            guard let http = response as? HTTPURLResponse else {
                throw TransportError(reason: "the answer was not HTTP", mayHaveBeenSent: true)
            }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data())
        }
    }

    /// A URLSession error as a transport error: only failures to connect are known not to have sent anything.
    static func transportError(_ error: Error) -> TransportError {
        let nsError = error as NSError
        let text = nsError.localizedDescription
        // FoundationNetworking reports libcurl's certificate failures with a generic code.
        if text.range(of: "certificate", options: .caseInsensitive) != nil || text.range(of: "SSL", options: .caseInsensitive) != nil {
            return TransportError(reason: "TLS failed: the server's certificate is not trusted (\(text))", mayHaveBeenSent: false, retryable: false)
        }
        guard nsError.domain == NSURLErrorDomain else {
            return TransportError(reason: nsError.localizedDescription, mayHaveBeenSent: true)
        }
        switch nsError.code {
        case NSURLErrorCannotConnectToHost:
            return TransportError(reason: "connection refused (is the endpoint up and the URL right?)", mayHaveBeenSent: false)
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed:
            return TransportError(reason: "the host name cannot be resolved", mayHaveBeenSent: false)
        case NSURLErrorNotConnectedToInternet:
            return TransportError(reason: "no network connection", mayHaveBeenSent: false)
        case NSURLErrorTimedOut:
            return TransportError(reason: "no answer within the timeout", mayHaveBeenSent: true)
        case NSURLErrorNetworkConnectionLost:
            return TransportError(reason: "the connection was closed before the answer arrived", mayHaveBeenSent: true)
        case NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateHasUnknownRoot,
             NSURLErrorServerCertificateNotYetValid, NSURLErrorSecureConnectionFailed:
            return TransportError(reason: "TLS failed: the server's certificate is not trusted (\(text))",
                                  mayHaveBeenSent: false, retryable: false)
        case NSURLErrorBadServerResponse:
            return TransportError(reason: "the server's answer was not valid HTTP (or the connection was dropped)", mayHaveBeenSent: true)
        case NSURLErrorCancelled:
            return TransportError(reason: "the request was cancelled", mayHaveBeenSent: true)
        default:
            return TransportError(reason: "\(nsError.localizedDescription) (URLError \(nsError.code))", mayHaveBeenSent: true)
        }
    }
}

/// Refuses every redirect: the response is handed back as it is (a 3xx), and becomes an error.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
