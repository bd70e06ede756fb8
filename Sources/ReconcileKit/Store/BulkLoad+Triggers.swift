import Foundation
internal import CSQLite

/// A first load without the generation triggers: each users row and links row it inserts would
/// otherwise run one more UPDATE of `store_info` (two per create), only to add one to the store's
/// generation each time.
///
/// The triggers are dropped inside the load's one transaction and created again from the SQL the
/// schema held for them before it commits, like the indexes; meanwhile SQLite's update hook counts
/// the rows the dropped triggers would have fired on, and the generation is raised by that count
/// once. Other connections, and a run after a crash or kill, never see the store without them.
extension BulkLoad {
    /// One generation trigger of the schema (`StoreFile`'s first migration): its name, its SQL, and
    /// the table and change it fires on.
    struct Trigger: Equatable {
        let name: String
        let table: String
        /// `SQLITE_INSERT`, `SQLITE_UPDATE` or `SQLITE_DELETE`, as the update hook reports it.
        let operation: Int32
        let sql: String
    }

    /// The generation triggers as the schema creates them. Only a trigger whose SQL is exactly
    /// this is dropped: one changed outside reconcile stays, and fires as it would otherwise.
    static let generationTriggers: [Trigger] = ["users", "links"].flatMap { table in
        [("INSERT", SQLITE_INSERT), ("UPDATE", SQLITE_UPDATE), ("DELETE", SQLITE_DELETE)].map { event, operation in
            let name = "\(table)_\(event.lowercased())_generation"
            return Trigger(name: name, table: table, operation: operation, sql: """
                CREATE TRIGGER \(name) AFTER \(event) ON \(table) BEGIN
                    UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
                END
                """)
        }
    }

    /// Runs `body` (the applying of a bulk load, inside its transaction) with the generation
    /// triggers dropped, then creates them again and adds to the generation what they would have
    /// added. When `body` throws, the caller's transaction rolls back, triggers included.
    static func withoutGenerationTriggers<T>(in database: Database, _ body: () throws -> T) throws -> T {
        precondition(!database.isAutocommit, "triggers are dropped only inside the transaction that creates them again")
        let dropped = try dropGenerationTriggers(in: database)
        guard !dropped.isEmpty else { return try body() }
        let counter = UnsafeMutablePointer<RowCounter>.allocate(capacity: 1)
        counter.initialize(to: RowCounter(watched: dropped))
        defer { counter.deinitialize(count: 1).deallocate() }
        sqlite3_update_hook(database.connection, { context, operation, schema, table, _ in
            guard let context, let schema, let table, strcmp(schema, "main") == 0 else { return }
            context.assumingMemoryBound(to: RowCounter.self).pointee.count(operation, on: table)
        }, counter)
        let result: T
        do {
            defer { sqlite3_update_hook(database.connection, nil, nil) }
            result = try body()
        }
        if counter.pointee.rows > 0 {
            try database.prepare("UPDATE store_info SET value = CAST(value AS INTEGER) + ? WHERE key = 'generation'")
                .run(.integer(Int64(counter.pointee.rows)))
        }
        for trigger in dropped {
            try database.execute(trigger.sql)
        }
        return result
    }

    /// Drops the schema's generation triggers that are as it made them, and returns them in the
    /// schema's order.
    static func dropGenerationTriggers(in database: Database) throws(StoreError) -> [Trigger] {
        var present: [String: String] = [:]
        let statement = try database.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
        try statement.bind([])
        while try statement.step() {
            present[statement.text(0)] = statement.text(1)
        }
        statement.reset()
        let dropped = generationTriggers.filter { present[$0.name] == $0.sql }
        for trigger in dropped {
            try database.execute("DROP TRIGGER \(trigger.name)")
        }
        return dropped
    }

    /// Counts the rows changed in the tables, by the changes, of the dropped triggers: one each,
    /// as each trigger added one per row (`FOR EACH ROW` is SQLite's only kind).
    private struct RowCounter {
        /// The change and the table's name as a C string, of each dropped trigger.
        let watched: [(operation: Int32, table: [CChar])]
        var rows = 0

        init(watched triggers: [Trigger]) {
            watched = triggers.map { ($0.operation, Array($0.table.utf8CString)) }
        }

        mutating func count(_ operation: Int32, on table: UnsafePointer<CChar>) {
            for trigger in watched where trigger.operation == operation && strcmp(table, trigger.table) == 0 {
                rows += 1
                return
            }
        }
    }
}
