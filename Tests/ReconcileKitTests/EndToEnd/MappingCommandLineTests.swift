import Foundation
import Testing
@testable import ReconcileKit

/// End-to-end runs of the built binary with a configured mapping: `reconcile mapping`, the custom
/// sample mapping planned and applied, onCreate and defaultIfNull over two days, and managers
/// within one run and across runs. Each test has its own folder and store.
final class MappingCommandLineTests: StoreCommandLineSuite {
    let folder: String
    let store: String
    let managers = TestSupport.sample("graph-managers")
    let custom = TestSupport.sample("config/uipath-custom.json")

    // Source ids of samples/graph-managers (samples/README.md).
    static let ingrid = "5f1e0c3a-9b2d-4c7e-8a41-6d2f90b3c511"
    static let tomas = "8c4a7e21-3f5b-4d09-b6e2-1a9c7d3f0e42"
    static let mei = "b7e3d951-2a6c-4f18-8d37-5c0e9a4b1f26"
    static let olu = "e4a82c07-6d19-4b3f-a5e8-0f7b2c9d4a13"
    static let grace = "9a0f3b68-c5d2-4e71-b8a4-3e6d1f9c0b57"
    static let sven = "c3d7a9e5-1f4b-4c62-9d08-7b5e2a1f6c39"
    static let nadia = "6e2b8d40-a7c1-4f95-b3e6-0d9f5c2a8e17"

    static let enterprise = SCIMPath.enterpriseSchema

    init() {
        folder = TestSupport.temporaryFolder()
        store = folder + "/store.db"
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The managers sample with `edit` applied to its users (members by id), written to a new file.
    func nextDay(_ edit: (inout [String: [String: JSONValue]], inout [String]) -> Void) throws -> String {
        let document = try JSONReader.parse(contentsOf: managers + "/users.json")
        var order = try #require(document["value"]?.arrayValue).compactMap { $0["id"]?.stringValue }
        var users: [String: [String: JSONValue]] = [:]
        for user in document["value"]?.arrayValue ?? [] { users[user["id"]!.stringValue!] = user.objectValue }
        edit(&users, &order)
        let value = JSONValue.array(order.compactMap { users[$0].map(JSONValue.object) })
        let path = folder + "/next-day.json"
        try Data(JSONWriter.write(.object(["value": value]), pretty: true).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Adds Nadia Haddad, a new hire in Research like Olu, with `department` and `manager` (source ids).
    static func addNadia(_ users: inout [String: [String: JSONValue]], _ order: inout [String], department: JSONValue, manager: String?) {
        var record = users[olu]!
        record["id"] = .string(nadia)
        record["userPrincipalName"] = .string("nadia.haddad@contosopharma.example")
        record["mail"] = .string("nadia.haddad@contosopharma.example")
        record["displayName"] = .string("Nadia Haddad")
        record["givenName"] = .string("Nadia")
        record["surname"] = .string("Haddad")
        record["employeeId"] = .string("CP100700")
        record["department"] = department
        record["manager"] = manager.map { .object(["id": .string($0)]) }
        users[nadia] = record
        order.append(nadia)
    }

    func applyDayOne() throws {
        try applyToStore(managers, "--config", custom)
    }

    /// Plan text with the padding before each attribute row's colon taken out, so a row reads
    /// `enterprise:department: "Unassigned"` however wide its neighbours are.
    static func rows(_ text: String) -> String {
        text.replacing(#/ +: /#, with: ": ")
    }

    /// Each stored user's userName -> the resource.
    func resources() throws -> [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: try CommandLineSupport.users(of: store).map { ($0.userName, $0.resource) })
    }

    func targetID(_ source: String) throws -> String {
        try #require(try CommandLineSupport.links(of: store)[source])
    }

    /// The stored manager id of the user `userName`.
    func manager(of userName: String) throws -> String? {
        try resources()[userName]?[Self.enterprise]?["manager"]?["value"]?.stringValue
    }

    // MARK: - reconcile mapping

    @Test func mappingPrintsTheDefaultTable() throws {
        let run = try reconcile("mapping")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        CommandLineSupport.expectGolden(run.stdout, named: "mapping-default.txt")
    }

    @Test func mappingPrintsAConfiguredTableWhoseJSONLoadsBackAsTheSameMapping() throws {
        let table = try reconcile("mapping", "--config", custom)
        #expect(table.status == 0)
        CommandLineSupport.expectGolden(table.stdout.replacingOccurrences(of: custom, with: "samples/config/uipath-custom.json"),
                                        named: "mapping-custom.txt")

        let json = try reconcile("mapping", "--config", custom, "--format", "json")
        #expect(json.status == 0)
        let saved = folder + "/saved.json"
        try Data(json.stdout.utf8).write(to: URL(fileURLWithPath: saved))
        #expect(try Configuration.load(path: saved).mapping == Configuration.load(path: custom).mapping)
        let again = try reconcile("mapping", "--config", saved)
        #expect(again.stdout.replacingOccurrences(of: saved, with: custom) == table.stdout)

        let defaults = try reconcile("mapping", "--format", "json")
        #expect(try CommandLineSupport.json(defaults.stdout) == Mapping.uiPath.configurationJSON)
    }

    @Test func mappingOfAConfigurationWithoutAMappingIsTheDefault() throws {
        let config = TestSupport.write(#"{"description": "no mapping here"}"#, name: "config.json")
        let run = try reconcile("mapping", "--config", config)
        #expect(run.stdout.hasPrefix("Mapping: the default UiPath mapping (\(config) has no mapping), 11 entries;"))
    }

    @Test func aBadMappingIsRefusedNamingTheEntryAndColumn() throws {
        let config = TestSupport.write(#"""
            {"mapping": [
              {"target": "externalId", "source": "id", "matchingPrecedence": 1},
              {"target": "userName", "source": "userPrincipalName", "matchingPrecedence": 2},
              {"target": "title", "expression": "Switch([jobTitle] \"a\", \"b\")"}
            ]}
            """#, name: "config.json")
        for arguments in [["mapping", "--config", config], ["--snapshot", managers, "--store", store, "--plan", "--config", config]] {
            let run = try TestSupport.run(arguments)
            #expect(run.status == 1)
            #expect(run.stdout == "")
            #expect(run.stderr == #"reconcile: \#(config): mapping[2] (target title): expression column 19: expected "," or ")" after argument 1 of Switch, found '"a", "b")'"# + "\n")
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func mappingUsageErrorsExit64() throws {
        for (arguments, message) in [
            (["mapping", "--format", "xml"], "--format takes text or json, not 'xml'"),
            (["mapping", "--store", "store.db"], "unknown option '--store' for 'mapping'"),
            (["mapping", "extra"], "unexpected argument 'extra'"),
        ] {
            let run = try TestSupport.run(arguments)
            #expect(run.status == 64)
            #expect(run.stderr == "reconcile: \(message)\nRun 'reconcile --help' for usage.\n")
        }
        let help = try reconcile("mapping", "--help")
        #expect(help.status == 0)
        CommandLineSupport.expectGolden(help.stdout, named: "help-mapping.txt")
    }

    // MARK: - A custom mapping end to end

    @Test func customMappingPlanShowsExactlyTheMappedAttributes() throws {
        let run = try reconcile("--snapshot", managers, "--store", store, "--plan", "--config", custom)
        #expect(run.status == 0)
        CommandLineSupport.expectGolden(run.stdout.replacingOccurrences(of: store, with: "store.db"), named: "plan-custom-mapping.txt")
        #expect(run.stderr == """
            reconcile: store \(store) does not exist yet; planning against an empty store (--apply creates it)
            reconcile: warning: grace.whitfield@contosopharma.example: enterprise:manager left unset: manager f0c6a2d8-4b7e-4913-a5c1-8e2d6b0f9a74 is not in the snapshot and not managed by this job
            reconcile: warning: sven.lindqvist@contosopharma.example: enterprise:manager left unset: manager piet.devries@contosopharma.example (2d9b6f14-7c3e-4a8b-9e05-c1f4a7b2d963) is disabled in the directory and has no account

            """)
    }

    @Test func customMappingAppliesAsPlannedWithManagersTopDown() throws {
        try applyDayOne()
        let stored = try resources()
        #expect(stored.count == 6)
        let ingrid = try #require(stored["ingrid.bauer@contosopharma.example"])
        #expect(ingrid["phoneNumbers"] == .array([.object(["primary": .bool(true), "type": .string("work"), "value": .string("+41 61 555 0101")])]))
        #expect(ingrid[Self.enterprise] == .object([
            "department": .string("Executive Office"), "employeeNumber": .string("CP100001"), "organization": .string("Contoso Pharma"),
        ]))
        #expect(ingrid["schemas"] == .array([.string(SCIMPath.coreSchema), .string(Self.enterprise)]))
        let tomas = try #require(stored["tomas.rivera@contosopharma.example"])
        #expect(tomas["phoneNumbers"] == .array([
            .object(["primary": .bool(true), "type": .string("mobile"), "value": .string("+1 617 555 0177")]),
            .object(["type": .string("work"), "value": .string("+1 617 555 0100")]),
        ]))
        #expect(try manager(of: "tomas.rivera@contosopharma.example") == (try targetID(Self.ingrid)))
        #expect(try manager(of: "mei.tanaka@contosopharma.example") == (try targetID(Self.tomas)))
        #expect(try manager(of: "olu.adeyemi@contosopharma.example") == (try targetID(Self.tomas)))
        #expect(try manager(of: "grace.whitfield@contosopharma.example") == nil)
        #expect(try manager(of: "sven.lindqvist@contosopharma.example") == nil)

        let again = try reconcile("--snapshot", managers, "--store", store, "--plan", "--config", custom)
        #expect(again.stdout.contains("Nothing to do: the target matches the snapshot."))
        #expect(again.stdout.hasPrefix("Plan: 0 to create, 0 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 6 unchanged, 1 disabled and not provisioned."))
    }

    @Test func onCreateAttributesAreNeverUpdatedAndDefaultsOnlyFillCreates() throws {
        try applyDayOne()
        let next = try nextDay { users, order in
            users[Self.mei]?["employeeId"] = .string("CP999999")
            users[Self.mei]?["jobTitle"] = .string("Senior Research Scientist")
            users[Self.olu]?["department"] = .null
            Self.addNadia(&users, &order, department: .null, manager: Self.tomas)
        }
        let plan = try reconcile("--snapshot", next, "--store", store, "--plan", "--config", custom)
        #expect(plan.status == 0)
        #expect(plan.stdout.hasPrefix("Plan: 1 to create, 1 to update, 0 to link, 0 to disable, 0 to delete, 0 skipped, 5 unchanged, 1 disabled and not provisioned."))
        // The employee number (onCreate) stays; Olu's department (with a default) is not cleared.
        #expect(plan.stdout.contains("""
            Update (1):
              ~ mei.tanaka@contosopharma.example  \(try targetID(Self.mei))
                  title: "Research Scientist" -> "Senior Research Scientist"

            """))
        #expect(Self.rows(plan.stdout).contains("""
                  enterprise:department: "Unassigned"
                  enterprise:employeeNumber: "CP100700"
            """))
        let applied = try reconcile("--snapshot", next, "--store", store, "--apply", "--config", custom)
        #expect(applied.status == 0)
        let stored = try resources()
        #expect(stored["mei.tanaka@contosopharma.example"]?[Self.enterprise]?["employeeNumber"] == .string("CP100418"))
        #expect(stored["olu.adeyemi@contosopharma.example"]?[Self.enterprise]?["department"] == .string("Research"))
        #expect(stored["nadia.haddad@contosopharma.example"]?[Self.enterprise]?["department"] == .string("Unassigned"))

        // A department set later replaces the default; the default is never written on an update.
        let later = try nextDay { users, order in
            users[Self.olu]?["department"] = .string("Clinical Operations")
            Self.addNadia(&users, &order, department: .string("Research"), manager: Self.tomas)
        }
        let third = try reconcile("--snapshot", later, "--store", store, "--plan", "--config", custom)
        #expect(third.stdout.contains(#"      enterprise:department: "Research" -> "Clinical Operations""#))
        #expect(CommandLineSupport.containsRow(third.stdout, """
              ~ nadia.haddad@contosopharma.example  \(try targetID(Self.nadia))
                  enterprise:department: "Unassigned" -> "Research"
            """))
        #expect(!third.stdout.contains("employeeNumber"))
    }

    @Test func managersResolveAcrossRunsAndToUsersCreatedInTheSameRun() throws {
        try applyDayOne()
        let next = try nextDay { users, order in
            Self.addNadia(&users, &order, department: .string("Research"), manager: Self.ingrid)
            users[Self.grace]?["manager"] = .object(["id": .string(Self.nadia)])
            users[Self.sven]?["manager"] = .object(["id": .string(Self.ingrid)])
        }
        let planFile = folder + "/plan.json"
        let plan = try reconcile("--snapshot", next, "--store", store, "--plan", "--config", custom, "--out", planFile)
        #expect(plan.status == 0)
        #expect(plan.stderr == "")
        let ingridID = try targetID(Self.ingrid)
        #expect(plan.stdout.contains("""
            Update (2):
              ~ grace.whitfield@contosopharma.example  \(try targetID(Self.grace))
                  enterprise:manager: (none) -> nadia.haddad@contosopharma.example (created in this run)
              ~ sven.lindqvist@contosopharma.example   \(try targetID(Self.sven))
                  enterprise:manager: (none) -> "\(ingridID)"

            """))
        #expect(Self.rows(plan.stdout).contains("""
              + nadia.haddad@contosopharma.example
            """))
        #expect(Self.rows(plan.stdout).contains("      enterprise:manager: \"\(ingridID)\"\n"))

        let applied = try reconcile("--apply-plan", planFile, "--store", store)
        #expect(applied.status == 0)
        #expect(applied.stdout == "Applied 3 changes in run 2.\n")
        #expect(try manager(of: "grace.whitfield@contosopharma.example") == (try targetID(Self.nadia)))
        #expect(try manager(of: "sven.lindqvist@contosopharma.example") == ingridID)
        #expect(try manager(of: "nadia.haddad@contosopharma.example") == ingridID)

        let after = try reconcile("--snapshot", next, "--store", store, "--plan", "--config", custom)
        #expect(after.stderr == "")
        #expect(after.stdout.contains("Nothing to do: the target matches the snapshot."))
    }
}
