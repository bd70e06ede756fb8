import Foundation
import Synchronization
import Testing
@testable import ReconcileKit

/// What goes on the wire, without a server: filter escaping, URL encoding, which URLs may carry
/// credentials, Retry-After, PATCH operations for the user as it is, and tokens.
struct SCIMWireTests {
    private static let work = SCIMPath(attribute: "emails", typeFilter: "work", subAttribute: "value")
    private static let locality = SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "locality")
    private static let department = SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "department")

    // MARK: - Filters and URLs

    @Test func filterValuesEscapeQuotesBackslashesAndControlCharacters() {
        #expect(SCIMFilter.equals(.userName, #"o"brien\x@contoso.example"#) == #"userName eq "o\"brien\\x@contoso.example""#)
        #expect(SCIMFilter.equals(.externalId, "a\tb\u{1}") == #"externalId eq "a\tb\u0001""#)
        #expect(SCIMFilter.equals(Self.work, "zoë@contoso.example") == #"emails[type eq "work"].value eq "zoë@contoso.example""#)
    }

    @Test func queryValuesArePercentEncodedIncludingPlusHashAndAmpersand() throws {
        let client = try SCIMClient(baseURL: URL(string: "https://scim.example/org/v2/")!, transport: URLSessionTransport(), credentials: nil)
        #expect(client.baseURL == "https://scim.example/org/v2")
        let filter = SCIMFilter.equals(.userName, "a+b_c#EXT#&x=y@contoso.example")
        #expect(client.url("/Users", query: [("filter", filter)])
            == "https://scim.example/org/v2/Users?filter=userName%20eq%20%22a%2Bb_c%23EXT%23%26x%3Dy%40contoso.example%22")
    }

    @Test func credentialsGoOnlyOverTLSOrToLoopback() throws {
        for url in ["https://cloud.uipath.com/org/identity_/api/scim/v2", "http://127.0.0.1:8080/v2", "http://127.9.0.1/v2",
                    "http://localhost:1/v2", "http://[::1]:9/v2"] {
            #expect(throws: Never.self) { try EndpointURL.validated(url, option: "--target") }
        }
        #expect(throws: SCIMError.insecureURL(url: "http://scim.example/v2", option: "--target")) {
            try EndpointURL.validated("http://scim.example/v2", option: "--target")
        }
        #expect(throws: SCIMError.insecureURL(url: "http://127.0.0.1.evil.example/v2", option: "--target")) {
            try EndpointURL.validated("http://127.0.0.1.evil.example/v2", option: "--target")
        }
        #expect(throws: SCIMError.invalidURL(url: "ftp://scim.example/v2", option: "--token-endpoint")) {
            try EndpointURL.validated("ftp://scim.example/v2", option: "--token-endpoint")
        }
        #expect(SCIMError.insecureURL(url: "http://scim.example/v2", option: "--target").description
            == "--target http://scim.example/v2 is not https: reconcile sends credentials only over TLS "
            + "(plain http is allowed to 127.0.0.0/8, ::1 and localhost only)")
    }

    @Test func retryAfterIsReadAsSecondsOrAsAnHTTPDate() {
        #expect(RetryPolicy.retryAfter("7") == 7)
        #expect(RetryPolicy.retryAfter(nil) == nil)
        #expect(RetryPolicy.retryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_795_940_800)
        #expect(RetryPolicy.retryAfter("Sun, 29 Nov 2026 08:26:50 GMT", now: now) == 10)
    }

    @Test func backOffDoublesWithJitterAndStopsAtTheBudget() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 8, budget: 0)
        for attempt in 1...6 {
            let ceiling = min(8, pow(2, Double(attempt - 1)))
            #expect((ceiling / 2...ceiling).contains(policy.backoff(afterAttempt: attempt)))
        }
        #expect(!policy.waitToRetry(afterAttempt: 1, retryAfter: nil))
        #expect(policy.retries == 0)
        #expect(!RetryPolicy(maxAttempts: 2).waitToRetry(afterAttempt: 2, retryAfter: 0))
    }

    // MARK: - PATCH for the user as it is

    private static let user: JSONValue = .object([
        "id": .string("u1"), "userName": .string("ann@contoso.example"), "active": .bool(true),
        "emails": .array([.object(["type": .string("home"), "value": .string("ann@home.example")])]),
        "addresses": .array([.object(["type": .string("work"), "locality": .string("Basel"), "primary": .bool(true)])]),
    ])

    @Test func addOnAMissingFilteredElementAddsTheElement() {
        let operations = PatchRequest.operations([
            PatchOperation(op: .add, path: Self.work, value: .string("ann@contoso.example")),
            PatchOperation(op: .add, path: Self.department, value: .string("Research")),
        ], current: Self.user)
        #expect(operations == [
            .object(["op": .string("add"), "path": .string("emails"),
                     "value": .array([.object(["type": .string("work"), "value": .string("ann@contoso.example")])])]),
            .object(["op": .string("add"), "path": .string(Self.department.description), "value": .string("Research")]),
        ])
    }

    @Test func replaceWhereAValueExistsAndAddWhereTheElementLacksIt() {
        let operations = PatchRequest.operations([
            PatchOperation(op: .replace, path: Self.locality, value: .string("Zürich")),
            PatchOperation(op: .add, path: SCIMPath(attribute: "addresses", typeFilter: "work", subAttribute: "region"), value: .string("ZH")),
            PatchOperation(op: .replace, path: .active, value: .bool(false)),
        ], current: Self.user)
        #expect(operations == [
            .object(["op": .string("replace"), "path": .string(#"addresses[type eq "work"].locality"#), "value": .string("Zürich")]),
            .object(["op": .string("add"), "path": .string(#"addresses[type eq "work"].region"#), "value": .string("ZH")]),
            .object(["op": .string("replace"), "path": .string("active"), "value": .bool(false)]),
        ])
    }

    @Test func removingTheLastValueOfAnElementRemovesTheElement() {
        let operations = PatchRequest.operations([
            PatchOperation(op: .remove, path: Self.locality, value: nil),
            PatchOperation(op: .remove, path: Self.work, value: nil),
        ], current: Self.user)
        #expect(operations == [.object(["op": .string("remove"), "path": .string(#"addresses[type eq "work"]"#)])])
    }

    @Test func operationsAlreadyInPlaceAreLeftOut() {
        let operations = PatchRequest.operations([
            PatchOperation(op: .replace, path: .active, value: .bool(true)),
            PatchOperation(op: .replace, path: Self.locality, value: .string("Basel")),
        ], current: Self.user.setting(.active, to: .string("True")))
        #expect(operations.isEmpty)
    }

    @Test func aPutBodyIsTheUserWithThePlannedValuesAndNoMeta() {
        let current = Self.user.setting(SCIMPath(attribute: "meta"), to: .object(["version": .string("W/\"3\"")]))
        let body = PatchRequest.replacement([PatchOperation(op: .replace, path: .active, value: .bool(false))], current: current)
        #expect(body == Self.user.setting(.active, to: .bool(false)))
    }

    // MARK: - Secrets and tokens

    @Test func secretsNeverShowInTextOrErrors() throws {
        let secret = Secret("s3cret-value")
        #expect("\(secret)" == "[redacted]")
        #expect(String(reflecting: secret) == "[redacted]")
        let folder = TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/token", contents: Data("  tok-123\n".utf8), attributes: [.posixPermissions: 0o644])
        var warnings: [String] = []
        #expect(try Secret.read(file: folder + "/token", warn: { warnings.append($0) }).value == "tok-123")
        #expect(warnings == ["warning: \(folder)/token can be read by other users (mode 644); chmod 600 it"])
        #expect(throws: SCIMError.secretUnavailable(source: "environment variable NOPE", reason: "it is not set, or empty")) {
            try Secret.read(environment: "NOPE", from: [:])
        }
        #expect(Redactor(secrets: ["tok-123"])("bad token tok-123 given") == "bad token [redacted] given")
    }

    @Test func clientCredentialsTokenIsFetchedOnceCachedAndRefreshedAfterA401() throws {
        let bodies = Mutex<[String]>([])
        let transport = FakeTransport { request in
            bodies.withLock { $0.append(String(decoding: request.body ?? Data(), as: UTF8.self)) }
            let count = bodies.withLock { $0.count }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"],
                                body: Data(#"{"access_token":"at-\#(count)","token_type":"bearer","expires_in":3600}"#.utf8))
        }
        let provider = TokenProvider(source: .clientCredentials(
            tokenEndpoint: URL(string: "https://login.example/connect/token")!, clientID: "app 1",
            clientSecret: Secret("cs+&="), scope: "SCIM"), transport: transport)
        #expect(try provider.token().value == "at-1")
        #expect(try provider.token().value == "at-1")
        #expect(provider.refresh(rejected: Secret("at-1")))
        #expect(try provider.token().value == "at-2")
        // A 401 for a token already replaced by another thread does not fetch a third one.
        #expect(provider.refresh(rejected: Secret("at-1")))
        #expect(try provider.token().value == "at-2")
        #expect(bodies.withLock { $0 } == Array(repeating: "grant_type=client_credentials&client_id=app%201&client_secret=cs%2B%26%3D&scope=SCIM", count: 2))
        #expect(!TokenProvider(source: .bearer(Secret("x")), transport: transport).refresh(rejected: Secret("x")))
    }

    @Test func aRefusedClientSecretIsReportedWithoutIt() throws {
        let transport = FakeTransport { _ in
            HTTPResponse(status: 400, headers: [:], body: Data(#"{"error":"invalid_client","error_description":"secret cs-9876 is wrong"}"#.utf8))
        }
        let provider = TokenProvider(source: .clientCredentials(
            tokenEndpoint: URL(string: "https://login.example/connect/token")!, clientID: "app", clientSecret: Secret("cs-9876"), scope: nil),
            transport: transport)
        #expect(throws: SCIMError.tokenRequest(url: "https://login.example/connect/token", status: 400, error: "invalid_client",
                                               detail: "secret [redacted] is wrong")) {
            try provider.token()
        }
        #expect(SCIMError.tokenRequest(url: "https://login.example/connect/token", status: 400, error: "invalid_client", detail: "x").description
            == "the token endpoint https://login.example/connect/token answered 400 Bad Request: invalid_client (x); "
            + "check --token-endpoint, --client-id, the client secret and --scope")
    }
}

/// A transport answering from a closure, for tests that need no server.
struct FakeTransport: HTTPTransport {
    let answer: @Sendable (HTTPRequest) -> HTTPResponse

    init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.answer = answer
    }

    func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        answer(request)
    }
}
