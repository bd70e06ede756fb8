import Foundation
import Testing
@testable import ReconcileKit

/// The SCIM target against scim2-server 0.8.3 on 127.0.0.1 (bearer token on): Test Connection,
/// the plan/apply/plan-is-empty cycle and the next day, Bulk, paging, per-user queries, adoption.
final class SCIMTargetTests {
    private static let chloe = "d4e4f639-d0d9-488a-8968-dbdcdc7cbfb5"

    // MARK: - Test Connection

    @Test func checkReportsWhatTheEndpointSupports() throws {
        let fixture = try SCIMFixture()
        let check = try ConnectionCheck.run(try SCIMTestServer.client(fixture.tenant), authentication: "bearer token from token.txt")
        let text = check.text.replacingOccurrences(of: "in \(check.milliseconds) ms", with: "in N ms")
        #expect(text == """
            OK: \(fixture.tenant) answers as a SCIM 2.0 service provider (bearer token from token.txt).
            ServiceProviderConfig: patch yes, bulk yes (maxOperations 1000, maxPayloadSize 1048576 bytes), filter yes (maxResults 1000), sort yes, etag yes.
            Test query: userName eq "<random GUID>" answered an empty ListResponse in N ms.

            """)
    }

    @Test func checkNamesTheRequestTheStatusAndTheServersDetailWhenTheTokenIsRefused() throws {
        let fixture = try SCIMFixture()
        let client = try SCIMTestServer.client(fixture.tenant, token: "wrong-token-1234")
        do {
            _ = try ConnectionCheck.run(client, authentication: "bearer token")
            Issue.record("a wrong token passed the check")
        } catch {
            let text = error.description
            #expect(text.hasPrefix("GET \(fixture.tenant)/Users?filter=userName%20eq%20%22"))
            #expect(text.hasSuffix("%22 answered 401 Unauthorized: Authorization failure. The authorization header is invalid or missing; "
                + "the token was refused: check --token-file/--token-env, or the client credentials"))
            #expect(!text.contains("wrong-token-1234"))
            #expect(error.stopsRun)
        }
        let target = try fixture.target(token: "wrong-token-1234")
        #expect(throws: TargetUnavailable.self) { try target.probe() }
    }

    // MARK: - The cycle

    @Test func planApplyPlanIsEmptyThenTheNextDay() throws {
        let fixture = try SCIMFixture()
        let target = try fixture.target(maxInFlight: 4)
        #expect(target.kind == "scim")
        #expect(target.location == fixture.tenant)

        let first = try fixture.plan(sample: "graph", target)
        #expect(first.count(.create) == 22)
        let applied = try target.apply(first, mode: "apply", checkFingerprint: false)
        #expect(applied.applied == [.create: 22])
        #expect(applied.failures.isEmpty)
        #expect(try target.runState.linksBySource().count == 22)

        let again = try fixture.plan(sample: "graph", target)
        #expect(!again.hasChanges)
        #expect(again.noChange == 22)
        #expect(again.target.fingerprint == applied.fingerprint)

        let chloeBefore = try fixture.users()["chloe.lefevre@contosopharma.example"]
        #expect(chloeBefore == nil)
        let nextDay = try fixture.plan(sample: "graph-next-day", target)
        let counts: [Int] = [nextDay.count(.create), nextDay.count(.update), nextDay.count(.disable)]
        #expect(counts == [1, 2, 2])
        let second = try target.apply(nextDay, mode: "apply", checkFingerprint: true)
        #expect(second.applied == [.create: 1, .update: 2, .disable: 2])
        #expect(second.failures.isEmpty)
        #expect(!(try fixture.plan(sample: "graph-next-day", target).hasChanges))

        let users = try fixture.users()
        #expect(users["anna.schmidt@contosopharma.example"] == nil)
        let anna = try #require(users["anna.weber@contosopharma.example"])
        #expect(anna["displayName"] == .string("Anna Weber"))
        #expect(anna["emails"] == .array([.object([
            "type": .string("work"), "value": .string("anna.weber@contosopharma.example"), "primary": .bool(true),
        ])]))
        #expect(users["marcus.chen@contosopharma.example"]?["active"] == .bool(false))
        #expect(users["rafael.oliveira@contosopharma.example"]?["active"] == .bool(false))
        let chloe = try #require(users["chloe.lefevre@contosopharma.example"])
        #expect(chloe["externalId"] == .string(Self.chloe))
        #expect(chloe["addresses"] == .array([.object(["type": .string("work"), "locality": .string("Basel"), "primary": .bool(true)])]))
        #expect(chloe[SCIMPath.enterpriseSchema] == .object(["department": .string("Research"), "organization": .string("Contoso Pharma")]))
    }

    @Test func aReviewedPlanIsRefusedOnceAnyoneChangedAUser() throws {
        let fixture = try SCIMFixture()
        let target = try fixture.target()
        _ = try target.apply(try fixture.plan(sample: "graph", target), mode: "apply", checkFingerprint: false)
        let plan = try fixture.plan(sample: "graph-next-day", target)
        let id = try #require(fixture.users()["arjun.mehta@contosopharma.example"]?["id"]?.stringValue)
        let patched = try SCIMTestServer.request("PATCH", fixture.tenant + "/Users/" + id, .object([
            "Operations": .array([.object(["op": .string("replace"), "path": .string("nickName"), "value": .string("AJ")])]),
        ]))
        #expect(patched.status == 204)
        #expect(throws: ApplyError.self) { try target.apply(plan, mode: "apply-plan", checkFingerprint: true) }
        #expect(try fixture.users()["chloe.lefevre@contosopharma.example"] == nil)
    }

    // MARK: - Bulk, paging, queries

    /// A ServiceProviderConfig served by the proxy in place of scim2-server's, plus more `rules`.
    private static func serviceProviderConfig(patch: Bool = true, maxOperations: Int, rules: [JSONValue] = []) -> JSONValue {
        .object(["rules": .array([FaultProxy.rule("GET", "/ServiceProviderConfig$", "respond", times: 1, extra: [
            "status": .number(200), "headers": .object(["Content-Type": .string("application/scim+json")]),
            "body": .object([
                "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")]),
                "patch": .object(["supported": .bool(patch)]),
                "bulk": .object(["supported": .bool(maxOperations > 0), "maxOperations": .number(maxOperations), "maxPayloadSize": .number(1_048_576)]),
                "filter": .object(["supported": .bool(true), "maxResults": .number(1000)]),
                "sort": .object(["supported": .bool(true)]), "etag": .object(["supported": .bool(true)]),
                "changePassword": .object(["supported": .bool(false)]),
            ]),
        ])] + rules)])
    }

    private static func smallBulk(maxOperations: Int) -> JSONValue {
        serviceProviderConfig(maxOperations: maxOperations)
    }

    @Test func bulkSendsOperationsWithinMaxOperations() throws {
        let fixture = try SCIMFixture(proxy: Self.smallBulk(maxOperations: 5))
        let target = try fixture.target(bulk: true)
        #expect(target.usesBulk)
        #expect(target.batchSize == 5)
        let result = try target.apply(try fixture.plan(sample: "graph", target), mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.create: 22])
        let bulks = try fixture.proxy!.log().filter { $0.path.hasSuffix("/Bulk") }
        #expect(bulks.map(\.operations) == [5, 5, 5, 5, 2])
        #expect(bulks.allSatisfy { $0.status == 200 })
        #expect(try fixture.users().count == 22)

        let nextDay = try fixture.plan(sample: "graph-next-day", target)
        let second = try target.apply(nextDay, mode: "apply", checkFingerprint: true)
        #expect(second.applied == [.create: 1, .update: 2, .disable: 2])
        #expect(!(try fixture.plan(sample: "graph-next-day", target).hasChanges))
    }

    @Test func aBulkRequestTooLargeIsSplitAndALostBulkAnswerIsLookedUpUserByUser() throws {
        let fixture = try SCIMFixture(proxy: Self.serviceProviderConfig(maxOperations: 4, rules: [
            FaultProxy.rule("POST", "/Bulk$", "respond", extra: ["status": .number(413), "body": .object(["status": .string("413")])]),
            FaultProxy.rule("POST", "/Bulk$", "drop_after"),
        ]))
        let target = try fixture.target(bulk: true)
        let result = try target.apply(try fixture.plan([StoreFixtures.alice(), StoreFixtures.bob(), StoreFixtures.carol()], target),
                                      mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.create: 3])
        let log = try fixture.proxy!.log()
        // 3 operations refused as too large, then halves of 1 and 2: the first half's answer is lost.
        #expect(log.filter { $0.path.hasSuffix("/Bulk") }.map { "\($0.operations ?? 0) \($0.status ?? 0) \($0.action ?? "-")" }
            == ["3 413 respond", "1 200 drop_after", "2 200 -"])
        // The lost one was found by its externalId, not created again.
        #expect(!log.contains { $0.method == "POST" && $0.path.hasSuffix("/Users") })
        #expect(try fixture.users().count == 3)
        #expect(target.writer.adoptions.load(ordering: .relaxed) == 1)
    }

    @Test func anEndpointWithoutPatchGetsTheWholeUserWithPut() throws {
        let fixture = try SCIMFixture(proxy: Self.serviceProviderConfig(patch: false, maxOperations: 0))
        let target = try fixture.target()
        #expect(!target.usesBulk)
        _ = try target.apply(try fixture.plan([StoreFixtures.alice()], target), mode: "apply", checkFingerprint: false)
        let result = try target.apply(try fixture.plan([StoreFixtures.alice(jobTitle: "Head of Chemistry", enabled: false)], target),
                                      mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.disable: 1])
        let id = try #require(fixture.users()["alice@contoso.example"]?["id"]?.stringValue)
        #expect(try fixture.requests().contains("PUT /Users/\(id) 200"))
        #expect(!(try fixture.requests().contains { $0.hasPrefix("PATCH") }))
        let alice = try #require(fixture.users()["alice@contoso.example"])
        #expect(alice["active"] == .bool(false))
        #expect(alice["title"] == .string("Head of Chemistry"))
        #expect(alice["externalId"] == .string("alice-id"))
        #expect(alice[SCIMPath.enterpriseSchema]?["department"] == .string("Research"))
    }

    @Test func managedUsersMissingFromTheSnapshotAreDeletedWithIfMatch() throws {
        let fixture = try SCIMFixture(proxy: .object([:]))
        let target = try fixture.target()
        _ = try target.apply(try fixture.plan([StoreFixtures.alice(), StoreFixtures.carol()], target), mode: "apply", checkFingerprint: false)
        let carol = try #require(fixture.users()["carol@contoso.example"]?["id"]?.stringValue)
        let plan = try fixture.plan(StoreFixtures.snapshot([StoreFixtures.alice()]), target, deleteMissing: true)
        #expect(plan.actions.map(\.kind) == [.delete])
        let result = try target.apply(plan, mode: "apply", checkFingerprint: true)
        #expect(result.applied == [.delete: 1])
        #expect(try fixture.requests().contains("DELETE /Users/\(carol) 204"))
        #expect(try fixture.users().keys.sorted() == ["alice@contoso.example"])
        #expect(try target.runState.linksBySource().keys.sorted() == ["alice-id"])
    }

    @Test func listingReadsEveryPageSortedById() throws {
        let fixture = try SCIMFixture(proxy: .object([:]))
        let target = try fixture.target()
        _ = try target.apply(try fixture.plan(sample: "graph", target), mode: "apply", checkFingerprint: false)
        target.pageSize = 5
        let before = try fixture.proxy!.log().count
        #expect(try target.users().count == 22)
        let pages = try fixture.proxy!.log().dropFirst(before).map(\.path)
        #expect(pages.count == 5)
        #expect(pages.allSatisfy { $0.contains("count=5") && $0.contains("sortBy=id") })
        #expect(pages.map { $0.split(separator: "?")[1].split(separator: "&")[0] } == ["startIndex=1", "startIndex=6", "startIndex=11", "startIndex=16", "startIndex=21"])
    }

    @Test func anEndpointThatCannotListIsReadWithPerUserQueries() throws {
        let fixture = try SCIMFixture(proxy: .object(["rules": .array([
            FaultProxy.rule("GET", #"/Users\?startIndex"#, "respond", times: 1000, extra: [
                "status": .number(403), "body": .object(["status": .string("403"), "detail": .string("listing is not allowed")]),
            ]),
        ])]))
        var notices: [String] = []
        let target = try fixture.target(notice: { notices.append($0) })
        let plan = try fixture.plan(sample: "graph", target)
        #expect(target.readMode == .queries)
        #expect(notices.count == 1)
        #expect(notices.first?.hasSuffix("listing is not allowed; reading them with per-user filter queries instead)") == false)
        #expect(notices.first?.hasPrefix("the endpoint does not list users (GET ") == true)
        #expect(plan.count(.create) == 22)
        _ = try target.apply(plan, mode: "apply", checkFingerprint: false)
        let again = try fixture.plan(sample: "graph", target)
        #expect(!again.hasChanges)
        #expect(again.noChange == 22)
        let queries = try fixture.proxy!.log().filter { $0.path.contains("filter=") }
        #expect(queries.contains { $0.path.contains("filter=externalId%20eq%20%22") })
    }

    // MARK: - Adopting instead of duplicating

    @Test func aConflictingCreateAdoptsAUserWithoutExternalId() throws {
        let fixture = try SCIMFixture()
        let target = try fixture.target()
        let plan = try fixture.plan([StoreFixtures.alice()], target)
        let existing = try fixture.createOnServer(.object(["userName": .string("ALICE@contoso.example"), "displayName": .string("Old")]))
        let result = try target.apply(plan, mode: "apply", checkFingerprint: false)
        #expect(result.applied == [.create: 1])
        #expect(try target.runState.linksBySource() == ["alice-id": existing])
        let users = try fixture.users()
        #expect(users.count == 1)
        let alice = try #require(users["ALICE@contoso.example"] ?? users["alice@contoso.example"])
        #expect(alice["externalId"] == .string("alice-id"))
        #expect(alice["displayName"] == .string("Alice Martin"))
        #expect(target.writer.adoptions.load(ordering: .relaxed) == 1)
    }

    @Test func aConflictingCreateNeverTakesOverSomeoneElsesAccount() throws {
        let fixture = try SCIMFixture()
        let target = try fixture.target()
        let plan = try fixture.plan([StoreFixtures.alice()], target)
        let existing = try fixture.createOnServer(.object(["userName": .string("alice@contoso.example"), "externalId": .string("departed-id")]))
        let result = try target.apply(plan, mode: "apply", checkFingerprint: false)
        #expect(result.applied.isEmpty)
        #expect(result.failures.map(\.message) == [
            "userName alice@contoso.example is taken by target user \(existing), whose externalId departed-id belongs to someone else; it was not adopted",
        ])
        #expect(try target.runState.linksBySource().isEmpty)
        #expect(try fixture.users()["alice@contoso.example"]?["externalId"] == .string("departed-id"))
    }
}
