import Foundation
import Testing
@testable import ReconcileKit

/// `reconcile explain USER` against a live endpoint (scim2-server on 127.0.0.1): read-only without
/// `--apply` (no state file made, nothing sent but reads), and one user provisioned with it.
final class ExplainEndpointTests {
    let folder = TestSupport.temporaryFolder()
    let tokenFile: String
    let state: String
    let dayOne = TestSupport.fixture("explain/day-one.json")

    init() throws {
        tokenFile = folder + "/token"
        state = folder + "/state.db"
        _ = FileManager.default.createFile(
            atPath: tokenFile, contents: Data((SCIMTestServer.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func explain(_ user: String, _ tenant: String, _ extra: String...) throws -> TestSupport.Run {
        try TestSupport.run(["explain", user, "--snapshot", dayOne, "--target", tenant, "--token-file", tokenFile, "--state", state] + extra)
    }

    @Test func explainsAgainstTheEndpointThenProvisionsJustThatUser() throws {
        let tenant = try SCIMTestServer.tenant()
        let read = try explain("carol.diaz@contoso.example", tenant)
        #expect(read.status == 0)
        #expect(read.stderr
            == "reconcile: state file \(state) does not exist yet; planning as if this job managed no users yet (--apply creates it)\n")
        #expect(read.stdout.contains("Target scim \(tenant): 0 users, 0 managed by this job.\n"))
        #expect(read.stdout.contains("5. Action: create: "))
        #expect(read.stdout.contains("     run state:           none yet (no runs, quarantine or escrowed failures)\n"))
        #expect(!FileManager.default.fileExists(atPath: state))
        #expect(try SCIMTestServer.users(tenant).isEmpty)

        let applied = try explain("carol.diaz@contoso.example", tenant, "--apply")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.hasSuffix("   --apply applies this create.\nApplied 1 change in run 1.\n"))
        let users = try SCIMTestServer.users(tenant)
        #expect(users.keys.sorted() == ["carol.diaz@contoso.example"])
        #expect(users["carol.diaz@contoso.example"]?["title"] == .string("Sales Manager"))

        let again = try explain("carol.diaz@contoso.example", tenant)
        #expect(again.status == 0)
        #expect(again.stderr == "")
        #expect(again.stdout.contains("3. Match: linked by an earlier run to target user "))
        #expect(again.stdout.contains("5. Action: noChange: "))
        let other = try explain("alice.martin@contoso.example", tenant, "--format", "json")
        let document = try CommandLineSupport.json(other.stdout)
        #expect(document["action"]?["outcome"] == .string("create"))
        #expect(document["target"]?["kind"] == .string("scim"))
    }
}
