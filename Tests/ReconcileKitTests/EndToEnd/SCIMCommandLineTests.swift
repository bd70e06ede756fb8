import Foundation
import Testing
@testable import ReconcileKit

/// The built binary against scim2-server 0.8.3 on 127.0.0.1: `check`, the plan/apply/plan-again
/// cycle, the next day through a reviewed plan, client credentials, and what is refused.
final class SCIMCommandLineTests {
    let folder = TestSupport.temporaryFolder()
    let tokenFile: String
    let state: String

    init() throws {
        tokenFile = folder + "/token"
        state = folder + "/state.db"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data((SCIMTestServer.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func reconcile(_ arguments: [String]) throws -> TestSupport.Run {
        try TestSupport.run(arguments)
    }

    func endpoint(_ url: String) -> [String] {
        ["--target", url, "--token-file", tokenFile, "--state", state]
    }

    @Test func checkPrintsWhatTheEndpointSupports() throws {
        let tenant = try SCIMTestServer.tenant()
        let run = try reconcile(["check", "--target", tenant, "--token-file", tokenFile])
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let stdout = run.stdout.replacing(/in \d+ ms/, with: "in N ms")
        #expect(stdout == """
            OK: \(tenant) answers as a SCIM 2.0 service provider (bearer token from \(tokenFile)).
            ServiceProviderConfig: patch yes, bulk yes (maxOperations 1000, maxPayloadSize 1048576 bytes), filter yes (maxResults 1000), sort yes, etag yes.
            Test query: userName eq "<random GUID>" answered an empty ListResponse in N ms.

            """)
    }

    @Test func checkOpensTheEmbeddedStore() throws {
        let store = folder + "/store.db"
        let missing = try reconcile(["check", "--store", store])
        #expect(missing.status == 1)
        #expect(missing.stderr == "reconcile: cannot open store \(store): no such store; run with --apply to create it\n")
        try #require(try reconcile(["--snapshot", TestSupport.sample("graph"), "--store", store, "--apply"]).status == 0)
        let run = try reconcile(["check", "--store", store])
        #expect(run.status == 0)
        #expect(run.stdout == "OK: \(store) is a reconcile store holding 22 users (22 managed by this job).\n")
    }

    @Test func checkWithARefusedTokenFailsInOneSentence() throws {
        let tenant = try SCIMTestServer.tenant()
        let run = try TestSupport.run(["check", "--target", tenant, "--token-env", "RECONCILE_TEST_TOKEN"],
                                      environment: ["RECONCILE_TEST_TOKEN": "not-the-token-42"])
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr.hasPrefix("reconcile: check failed: GET \(tenant)/Users?filter=userName%20eq%20%22"))
        #expect(run.stderr.hasSuffix(" answered 401 Unauthorized: Authorization failure. The authorization header is invalid or missing; "
            + "the token was refused: check --token-file/--token-env, or the client credentials\n"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(!run.stderr.contains("not-the-token-42"))
    }

    @Test func secretsOnTheCommandLineAndPlainHTTPElsewhereAreRefused() throws {
        let secret = try reconcile(["check", "--target", "https://scim.example/v2", "--token", "abc"])
        #expect(secret.status == 64)
        #expect(secret.stderr == "reconcile: secrets are not taken on the command line (other users can read it in the process list): "
            + "put it in a file (--token-file, --client-secret-file) or an environment variable (--token-env, --client-secret-env)"
            + CommandLineTests.usageHint)
        let plain = try reconcile(["check", "--target", "http://scim.example/v2", "--token-file", tokenFile])
        #expect(plain.status == 1)
        #expect(plain.stderr == "reconcile: check failed: --target http://scim.example/v2 is not https: reconcile sends credentials only "
            + "over TLS (plain http is allowed to 127.0.0.0/8, ::1 and localhost only)\n")
        let noState = try reconcile(["--snapshot", TestSupport.sample("graph"), "--target", "https://scim.example/v2", "--token-file", tokenFile, "--plan"])
        #expect(noState.status == 64)
        #expect(noState.stderr == "reconcile: --target needs --state FILE: the local file that keeps this job's links, runs and provisioning log"
            + CommandLineTests.usageHint)
        let both = try reconcile(["--snapshot", TestSupport.sample("graph"), "--store", folder + "/s.db"] + endpoint("https://scim.example/v2") + ["--plan"])
        #expect(both.status == 64)
        #expect(both.stderr == "reconcile: --store and --target cannot be combined: choose one" + CommandLineTests.usageHint)
    }

    @Test func planApplyThenNothingToDoAgainstTheEndpoint() throws {
        let tenant = try SCIMTestServer.tenant()
        let graph = TestSupport.sample("graph")
        let planned = try reconcile(["--snapshot", graph, "--plan"] + endpoint(tenant))
        #expect(planned.status == 0)
        #expect(planned.stderr == "reconcile: state file \(state) does not exist yet; planning as if this job managed no users yet (--apply creates it)\n")
        #expect(planned.stdout.hasPrefix("""
            Plan: 22 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 0 unchanged, 3 disabled and not provisioned.
            Snapshot 25 users (sha256 \(try CommandLineSupport.shortSHA(graph))); target scim \(tenant).
            """))
        #expect(!FileManager.default.fileExists(atPath: state))

        let applied = try reconcile(["--snapshot", graph, "--apply"] + endpoint(tenant))
        #expect(applied.status == 0)
        #expect(applied.stderr == "reconcile: created new state file \(state) (schema version \(StoreFile.migrations.count))\n")
        #expect(applied.stdout.hasSuffix("Applied 22 changes in run 1.\n"))
        #expect(try SCIMTestServer.users(tenant).count == 22)

        let again = try reconcile(["--snapshot", graph, "--plan"] + endpoint(tenant))
        #expect(again.status == 0)
        #expect(again.stderr == "")
        #expect(again.stdout.hasSuffix("Nothing to do: the target matches the snapshot.\n"))
        #expect(again.stdout.hasPrefix("Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 22 unchanged"))
    }

    @Test func theNextDayThroughAReviewedPlanAndAStalePlanRefused() throws {
        let tenant = try SCIMTestServer.tenant()
        let applied = try reconcile(["--snapshot", TestSupport.sample("graph"), "--apply", "--max-in-flight", "1"] + endpoint(tenant))
        try #require(applied.status == 0, "day one: \(applied.stderr)")
        let planFile = folder + "/next-day.json"
        let planned = try reconcile(["--snapshot", TestSupport.sample("graph-next-day"), "--plan", "--out", planFile] + endpoint(tenant))
        #expect(planned.status == 0)
        #expect(planned.stdout.hasPrefix("Plan: 1 to create, 2 to update, 0 to link, 2 to disable, 0 to delete, 0 skipped, 18 unchanged"))
        let plan = try CommandLineSupport.json(String(decoding: TestSupport.bytes(planFile), as: UTF8.self))
        #expect(plan["target"]?["kind"] == .string("scim"))
        #expect(plan["target"]?["location"] == .string(tenant))
        #expect(plan["target"]?["fingerprint"]?.stringValue?.hasPrefix("scim-") == true)

        let reviewed = try reconcile(["--apply-plan", planFile] + endpoint(tenant))
        #expect(reviewed.status == 0)
        #expect(reviewed.stderr == "")
        #expect(reviewed.stdout == "Applied 5 changes in run 2.\n")

        let stale = try reconcile(["--apply-plan", planFile] + endpoint(tenant))
        #expect(stale.status == 6)
        #expect(stale.stderr.hasPrefix("reconcile: the store changed since the plan was made (planned against scim-"))

        let after = try reconcile(["--snapshot", TestSupport.sample("graph-next-day"), "--plan"] + endpoint(tenant))
        #expect(after.stdout.hasSuffix("Nothing to do: the target matches the snapshot.\n"))
        let users = try SCIMTestServer.users(tenant)
        #expect(users["marcus.chen@contosopharma.example"]?["active"] == .bool(false))
        #expect(users["anna.weber@contosopharma.example"]?["name"]?["familyName"] == .string("Weber"))
    }

    @Test func clientCredentialsGetATokenFromTheTokenEndpoint() throws {
        let fixture = try SCIMFixture(proxy: .object(["oauth": .object([
            "client_id": .string("reconcile-app"), "client_secret": .string("cs-e2e-0b7e"), "upstream_token": .string(SCIMTestServer.token),
        ])]))
        let secretFile = folder + "/client-secret"
        _ = FileManager.default.createFile(atPath: secretFile, contents: Data("cs-e2e-0b7e\n".utf8), attributes: [.posixPermissions: 0o600])
        let token = fixture.proxy!.tokenEndpoint
        let run = try reconcile(["check", "--target", fixture.url, "--token-endpoint", token, "--client-id", "reconcile-app",
                                 "--client-secret-file", secretFile, "--scope", "SCIM"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("OK: \(fixture.url) answers as a SCIM 2.0 service provider (OAuth 2.0 client credentials for reconcile-app from \(token)).\n"))
        #expect(try fixture.requests().first == "POST /token 200")

        let refused = try reconcile(["check", "--target", fixture.url, "--token-endpoint", token, "--client-id", "someone-else",
                                     "--client-secret-file", secretFile])
        #expect(refused.status == 1)
        #expect(refused.stderr == "reconcile: check failed: the token endpoint \(token) answered 401 Unauthorized: invalid_client (unknown client); "
            + "check --token-endpoint, --client-id, the client secret and --scope\n")
    }
}
