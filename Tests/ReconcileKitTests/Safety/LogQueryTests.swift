import Foundation
import Testing
@testable import ReconcileKit

/// `reconcile logs`: filters by user, run, status, action and time, the three formats, CSV formula
/// neutralisation, and retention.
final class LogQueryTests {
    let bench: SafetyBench
    static let dayOne = "2026-03-02T02:30:00.000Z"
    static let dayTwo = "2026-03-03T02:30:00.000Z"

    /// Run 1 creates three users; run 2 renames one, disables one, leaves one unchanged and fails to
    /// create a fourth.
    init() throws {
        bench = try SafetyBench()
        // These tests read the noChange records too (off by default).
        bench.settings.logUnchanged = true
        try bench.run(SafetyBench.users(3))
        bench.clock.advance(hours: 24)
        bench.target.failing = ["user0004@contoso.example"]
        var users = SafetyBench.users(4, disabled: [3])
        users[0] = StoreFixtures.user("id-0001", upn: "user0001@contoso.example", displayName: "User One", record: 1)
        try bench.run(users)
    }

    private func query(_ configure: (inout LogQuery) -> Void) throws -> [LogRecord] {
        var query = LogQuery()
        configure(&query)
        return try query.records(in: bench.store.runState)
    }

    private func targetID(_ source: String) throws -> String {
        try #require(try bench.store.links()[source])
    }

    @Test func textListsEveryRecordOldestFirstWithChangesAndErrors() throws {
        let (one, two, three) = (try targetID("id-0001"), try targetID("id-0002"), try targetID("id-0003"))
        #expect(LogFormat.text.write(try query { _ in }) == """
            \(Self.dayOne)  run 1  create    success  user0001@contoso.example  (source id-0001, target \(one))
            \(Self.dayOne)  run 1  create    success  user0002@contoso.example  (source id-0002, target \(two))
            \(Self.dayOne)  run 1  create    success  user0003@contoso.example  (source id-0003, target \(three))
            \(Self.dayTwo)  run 2  disable   success  user0003@contoso.example  (source id-0003, target \(three))
                active: true -> false
                why: disabledInSource
            \(Self.dayTwo)  run 2  update    success  user0001@contoso.example  (source id-0001, target \(one))
                displayName: "User 0001" -> "User One"
            \(Self.dayTwo)  run 2  create    failure  user0004@contoso.example  (source id-0004)
                error http500: POST /Users answered 500 for user0004@contoso.example
            \(Self.dayTwo)  run 2  noChange  skipped  user0002@contoso.example  (source id-0002, target \(two))

            """)
    }

    @Test func filtersByUserInAnyCaseOrByIdRunStatusActionAndTime() throws {
        #expect(try query { $0.user = "USER0001@Contoso.Example" }.map(\.action) == ["create", "update"])
        #expect(try query { $0.user = "id-0003" }.map(\.action) == ["create", "disable"])
        let two = try targetID("id-0002")
        #expect(try query { $0.user = two }.map(\.action) == ["create", "noChange"])
        #expect(try query { $0.runID = 1 }.count == 3)
        #expect(try query { $0.runID = 2; $0.status = "failure" }.map(\.userName) == ["user0004@contoso.example"])
        #expect(try query { $0.action = "noChange" }.map(\.userName) == ["user0002@contoso.example"])
        #expect(try query { $0.status = "skipped" }.map(\.action) == ["noChange"])
        let noon = LogQuery.time("2026-03-02T12:00:00Z", now: Date())
        #expect(try query { $0.since = noon }.map(\.runID) == [2, 2, 2, 2])
        #expect(try query { $0.until = noon }.map(\.runID) == [1, 1, 1])
        #expect(try query { $0.limit = 2 }.map(\.action) == ["create", "noChange"])
        #expect(try query { $0.user = "nobody" }.isEmpty)
        #expect(LogFormat.text.write([]) == "No provisioning log records match.\n")
    }

    @Test func timesAreReadAsTimestampsDatesOrAges() {
        let now = Timestamp.parse("2026-03-04T12:00:00.000Z")!
        #expect(LogQuery.time("2026-03-03", now: now) == "2026-03-03T00:00:00.000Z")
        #expect(LogQuery.time("2026-03-03T04:30:00+02:00", now: now) == "2026-03-03T02:30:00.000Z")
        #expect(LogQuery.time("2026-03-03T02:30Z", now: now) == "2026-03-03T02:30:00.000Z")
        #expect(LogQuery.time("30m", now: now) == "2026-03-04T11:30:00.000Z")
        #expect(LogQuery.time("12h", now: now) == "2026-03-04T00:00:00.000Z")
        #expect(LogQuery.time("7d", now: now) == "2026-02-25T12:00:00.000Z")
        #expect(LogQuery.time("yesterday", now: now) == nil)
        #expect(LogQuery.time("2026-13-01", now: now) == nil)
        #expect(LogQuery.time("2026-03-03T25:00Z", now: now) == nil)
    }

    @Test func jsonHasOneObjectPerRecordWithModifiedProperties() throws {
        let records = try query { $0.runID = 2; $0.action = "update" }
        let record = try #require(records.first)
        let json = try JSONReader.parse(LogFormat.json.write(records))
        #expect(json == .array([.object([
            "runId": .number("2"), "changeId": .string(record.changeID), "time": .string(Self.dayTwo), "action": .string("update"),
            "status": .string("success"), "sourceId": .string("id-0001"), "targetId": .string(try targetID("id-0001")),
            "userName": .string("user0001@contoso.example"),
            "modifiedProperties": .array([.object(["attribute": .string("displayName"), "old": .string("User 0001"), "new": .string("User One")])]),
            "errorCode": .null, "reason": .null, "durationMs": .number(LogRecord.milliseconds(record.durationMS ?? 0)),
        ])]))
        #expect(UUID(uuidString: record.changeID) != nil)
        #expect(LogFormat.json.write([]) == "[]\n")
    }

    @Test func csvHasAHeaderQuotesWhereNeededAndCRLFLineEnds() throws {
        let records = try query { $0.runID = 2; $0.status = "failure" }
        let record = try #require(records.first)
        #expect(LogFormat.csv.write(records) == "time,runId,changeId,action,status,userName,sourceId,targetId,modifiedProperties,errorCode,reason,durationMs\r\n"
            + "\(Self.dayTwo),2,\(record.changeID),create,failure,user0004@contoso.example,id-0004,,,http500,"
            + "POST /Users answered 500 for user0004@contoso.example,\(LogRecord.milliseconds(record.durationMS ?? 0))\r\n")
        let update = try #require(try query { $0.action = "update" }.first)
        #expect(LogFormat.csv.write([update]).contains(",\"displayName: \"\"User 0001\"\" -> \"\"User One\"\"\",,,"))
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() {
        #expect(LogRecord.csvCell("=HYPERLINK(\"http://evil.example\",\"click\")") == "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"")
        #expect(LogRecord.csvCell("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0")
        #expect(LogRecord.csvCell("-2+3") == "'-2+3")
        #expect(LogRecord.csvCell("@SUM(A1:A9)") == "'@SUM(A1:A9)")
        #expect(LogRecord.csvCell("\t=1") == "'\t=1")
        #expect(LogRecord.csvCell("\r=1") == "\"'\r=1\"")
        #expect(LogRecord.csvCell("alice@contoso.example") == "alice@contoso.example")
        #expect(LogRecord.csvCell("a, b") == "\"a, b\"")
        #expect(LogRecord.csvCell("") == "")
    }

    @Test func recordsOlderThanTheRetentionPeriodArePrunedAtTheEndOfARun() throws {
        bench.settings.logRetentionDays = 30
        bench.clock.advance(hours: 24 * 30)
        try bench.run(SafetyBench.users(4, disabled: [3]), allowShrink: true)
        // Run 1 (31 days old) is gone; run 2 (30 days old) and run 3 stay.
        #expect(try query { _ in }.map(\.runID).first == 2)
        #expect(try query { $0.runID = 1 }.isEmpty)
        #expect(try bench.rows("SELECT count(*) FROM runs") == [[3]])
    }
}
