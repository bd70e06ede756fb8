import Foundation
import Testing
@testable import ReconcileKit

/// Faults injected by the loopback fault proxy between the client and scim2-server: dropped
/// connections, lost answers, delays, 429 with Retry-After, 500s, 503s until the retries run out,
/// an access token that stops working, a refused token, and a user changed under a PATCH (412).
final class SCIMFaultTests {
    private static func rules(_ rules: JSONValue...) -> JSONValue {
        .object(["rules": .array(rules)])
    }

    private static let listing = #"/Users\?startIndex"#

    /// Checks the requests the proxy saw (the last `expected.count` of them with `suffix`).
    private func expectRequests(_ fixture: SCIMFixture, _ expected: [String], suffix: Bool = false,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let all = try fixture.requests()
        let seen = suffix ? Array(all.suffix(expected.count)) : all
        #expect(seen == expected, "the proxy saw \(all)", sourceLocation: sourceLocation)
    }

    /// Applies Alice (created) and returns the fixture's target.
    private func applyAlice(_ fixture: SCIMFixture, _ target: SCIMTarget) throws -> ApplyResult {
        try target.apply(try fixture.plan([StoreFixtures.alice()], target), mode: "apply", checkFingerprint: false)
    }

    @Test func anUntrustedCertificateIsRefusedBeforeAnythingIsSent() throws {
        let fixture = try SCIMFixture(proxy: .object(["tls": .bool(true)]))
        let url = fixture.url.replacingOccurrences(of: "http://", with: "https://")
        let client = try SCIMTestServer.client(url, retry: RetryPolicy(maxAttempts: 1))
        do {
            _ = try client.serviceProviderConfig()
            Issue.record("a self-signed certificate was trusted")
        } catch {
            #expect(error.description.hasPrefix("GET \(url)/ServiceProviderConfig failed: TLS failed: the server's certificate is not trusted"),
                    "\(error)")
            #expect(!error.mayHaveBeenApplied)
        }
    }

    @Test func redirectsAreNotFollowedSoTheTokenStaysWithTheEndpoint() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("GET", "/ServiceProviderConfig$", "respond", extra: [
            "status": .number(307), "headers": .object(["Location": .string("http://127.0.0.1:9/elsewhere")]),
        ])))
        let client = try SCIMTestServer.client(fixture.url)
        #expect(throws: SCIMError.status(
            method: "GET", url: fixture.url + "/ServiceProviderConfig", status: 307, scimType: nil,
            detail: "redirected to http://127.0.0.1:9/elsewhere")) {
            try client.serviceProviderConfig()
        }
        #expect(SCIMError.status(method: "GET", url: "u", status: 307, scimType: nil, detail: "redirected to v").description
            == "GET u answered 307 Redirect: redirected to v; reconcile does not follow redirects (they could carry the token elsewhere): give the final URL")
    }

    @Test func droppedConnectionsAreRetriedAndADroppedPostIsLookedUpFirst() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(
            FaultProxy.rule("GET", Self.listing, "drop", times: 2),
            FaultProxy.rule("POST", "/Users$", "drop", times: 1)))
        let target = try fixture.target()
        let result = try applyAlice(fixture, target)
        #expect(result.applied == [.create: 1])
        try expectRequests(fixture, [
            "GET /ServiceProviderConfig 200",
            "GET /Users - drop", "GET /Users - drop", "GET /Users 200",
            "POST /Users - drop",
            "GET /Users 200", "GET /Users 200",
            "POST /Users 201",
            "GET /Users 200",
        ])
        #expect(try fixture.users().keys.sorted() == ["alice@contoso.example"])
    }

    @Test func aLostAnswerToAPostIsNeverRepeatedBlindly() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("POST", "/Users$", "drop_after")))
        let target = try fixture.target()
        let result = try applyAlice(fixture, target)
        #expect(result.applied == [.create: 1])
        #expect(result.failures.isEmpty)
        let log = try fixture.proxy!.log()
        #expect(log.filter { $0.method == "POST" }.count == 1)
        #expect(log.contains { $0.path.contains("filter=externalId%20eq%20%22alice-id%22") })
        let users = try fixture.users()
        #expect(users.count == 1)
        #expect(try target.runState.linksBySource() == ["alice-id": users["alice@contoso.example"]!["id"]!.stringValue!])
        #expect(target.writer.adoptions.load(ordering: .relaxed) == 1)
    }

    @Test func aPatchWhoseAnswerTimesOutIsReReadNotRepeatedBlindly() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("PATCH", "/Users/", "delay", extra: ["seconds": .number(3)])))
        let target = try fixture.target(timeout: 1)
        _ = try applyAlice(fixture, target)
        let plan = try fixture.plan([StoreFixtures.alice(jobTitle: "Head of Chemistry")], target)
        let result = try target.apply(plan, mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.update: 1])
        #expect(target.writer.replans.load(ordering: .relaxed) == 1)
        let id = try #require(fixture.users()["alice@contoso.example"]?["id"]?.stringValue)
        // The delayed PATCH reaches the server after the retry, with a stale If-Match: refused (412),
        // so nothing is applied twice.
        Thread.sleep(forTimeInterval: 2.2)
        try expectRequests(fixture, ["GET /Users/\(id) 200", "PATCH /Users/\(id) 204", "GET /Users 200", "PATCH /Users/\(id) 412 delay"], suffix: true)
        #expect(try fixture.users()["alice@contoso.example"]?["title"] == .string("Head of Chemistry"))
        #expect(!(try fixture.plan([StoreFixtures.alice(jobTitle: "Head of Chemistry")], target).hasChanges))
    }

    @Test func tooManyRequestsWaitsAsRetryAfterSays() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("POST", "/Users$", "respond", extra: [
            "status": .number(429), "headers": .object(["Retry-After": .string("1")]),
            "body": .object(["status": .string("429"), "detail": .string("slow down")]),
        ])))
        let target = try fixture.target()
        let began = Date()
        let result = try applyAlice(fixture, target)
        #expect(Date().timeIntervalSince(began) >= 1)
        #expect(result.applied == [.create: 1])
        try expectRequests(fixture, ["POST /Users 429 respond", "POST /Users 201", "GET /Users 200"], suffix: true)
        #expect(target.client.retry.retries == 1)
    }

    @Test func serverErrorsBackOffAndAnAmbiguousPatchIsReReadFirst() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(
            FaultProxy.rule("GET", Self.listing, "respond", skip: 1, times: 2, extra: ["status": .number(500)]),
            FaultProxy.rule("PATCH", "/Users/", "respond", extra: ["status": .number(500)])))
        let target = try fixture.target()
        _ = try applyAlice(fixture, target)
        let id = try #require(fixture.users()["alice@contoso.example"]?["id"]?.stringValue)
        let result = try target.apply(try fixture.plan([StoreFixtures.alice(department: "Chemistry")], target), mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.update: 1])
        try expectRequests(fixture, [
            "GET /Users 500 respond", "GET /Users 500 respond", "GET /Users 200", "GET /Users 200",
            "PATCH /Users/\(id) 500 respond", "GET /Users/\(id) 200", "PATCH /Users/\(id) 204", "GET /Users 200",
        ], suffix: true)
        #expect(try fixture.users()["alice@contoso.example"]?[SCIMPath.enterpriseSchema]?["department"] == .string("Chemistry"))
    }

    @Test func whatStillFailsAfterTheRetriesIsOneUsersFailureNotTheRuns() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("POST", "/Users$", "respond", times: 100, extra: [
            "status": .number(503), "body": .object(["status": .string("503"), "detail": .string("maintenance")]),
        ])))
        let target = try fixture.target(retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, budget: 5))
        let result = try target.apply(try fixture.plan([StoreFixtures.alice(), StoreFixtures.carol()], target), mode: "apply", checkFingerprint: false)
        #expect(result.applied.isEmpty)
        #expect(result.outcome == "partial")
        #expect(Set(result.failures.map(\.message)) == [
            "POST \(fixture.url)/Users answered 503 Service Unavailable: maintenance (gave up after 3 attempts)",
        ])
        #expect(result.failures.count == 2)
        #expect(try fixture.requests().filter { $0.hasPrefix("POST") }.count == 6)
    }

    @Test func anExpiredAccessTokenIsRefreshedOnceAndTheRequestSucceeds() throws {
        let fixture = try SCIMFixture(proxy: .object(["oauth": .object([
            "client_id": .string("reconcile"), "client_secret": .string("cs-0b7e-secret"),
            "upstream_token": .string(SCIMTestServer.token), "uses": .number(2),
        ])]))
        let credentials = TokenProvider.Source.clientCredentials(
            tokenEndpoint: URL(string: fixture.proxy!.tokenEndpoint)!, clientID: "reconcile", clientSecret: Secret("cs-0b7e-secret"), scope: "scim")
        let target = try fixture.target(credentials: credentials)
        let result = try applyAlice(fixture, target)
        #expect(result.applied == [.create: 1])
        try expectRequests(fixture, [
            "POST /token 200", "GET /ServiceProviderConfig 200", "GET /Users 200",
            "POST /Users 401", "POST /token 200", "POST /Users 201", "GET /Users 200",
        ])
        #expect(target.client.credentials?.tokensFetched == 2)
    }

    @Test func aRefusedTokenStopsTheRunWithNothingHalfRecorded() throws {
        let fixture = try SCIMFixture()
        let plan = try fixture.plan([StoreFixtures.alice(), StoreFixtures.carol()], try fixture.target(state: "planning.db"))
        let target = try fixture.target(token: "revoked-token-5678")
        do {
            _ = try target.apply(plan, mode: "apply", checkFingerprint: false)
            Issue.record("applying with a refused token succeeded")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("POST \(fixture.url)/Users answered 401 Unauthorized: Authorization failure."))
            #expect(text.hasSuffix("; nothing was applied"))
            #expect(!text.contains("revoked-token-5678"))
        }
        #expect(try fixture.users().isEmpty)
        #expect(try target.runState.linksBySource().isEmpty)
    }

    @Test func aUserChangedUnderAPatchIsReReadAndReplanned() throws {
        let fixture = try SCIMFixture(proxy: Self.rules(FaultProxy.rule("PATCH", "/Users/", "bump")))
        let target = try fixture.target()
        _ = try applyAlice(fixture, target)
        let id = try #require(fixture.users()["alice@contoso.example"]?["id"]?.stringValue)
        let result = try target.apply(try fixture.plan([StoreFixtures.alice(jobTitle: "Head of Chemistry")], target), mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.update: 1])
        try expectRequests(fixture, ["PATCH /Users/\(id) 412 bump", "GET /Users/\(id) 200", "PATCH /Users/\(id) 204", "GET /Users 200"], suffix: true)
        #expect(target.writer.replans.load(ordering: .relaxed) == 1)
        let alice = try #require(fixture.users()["alice@contoso.example"])
        #expect(alice["title"] == .string("Head of Chemistry"))
        // The change made elsewhere is not the plan's to undo; the next plan puts it right.
        #expect(alice["displayName"] == .string("Changed Elsewhere"))
        #expect(try fixture.plan([StoreFixtures.alice(jobTitle: "Head of Chemistry")], target).count(.update) == 1)
    }
}
