import Foundation

/// Opens a reconcile store file: recognises it, creates it with its schema, migrates it.
///
/// A reconcile file is an SQLite database whose `application_id` is `StoreFile.applicationID`, and
/// whose `user_version` is the number of migrations applied. Anything else that exists at the path
/// is refused before a single byte of it is written.
enum StoreFile {
    /// 'RCNC' in ASCII: marks the file as ours (SQLite file format §1.3.12).
    static let applicationID: Int32 = 0x5243_4E43

    /// What the store holds: `scim` = SCIM users and run state (the embedded store); `state` = run
    /// state only (the state file kept beside a live SCIM endpoint).
    enum Kind: String {
        case scim
        case state
    }

    /// Ordered migrations; migration N brings `user_version` from N-1 to N. Never edit a released one.
    static let migrations: [String] = [
        """
        CREATE TABLE store_info (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            external_id TEXT,
            user_name TEXT NOT NULL,
            user_name_key TEXT NOT NULL UNIQUE,
            active INTEGER NOT NULL,
            display_name TEXT,
            title TEXT,
            email TEXT,
            given_name TEXT,
            family_name TEXT,
            locality TEXT,
            organization TEXT,
            department TEXT,
            resource TEXT NOT NULL,
            created TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            version INTEGER NOT NULL
        );
        CREATE INDEX users_external_id ON users (external_id);
        CREATE TABLE links (
            source_id TEXT PRIMARY KEY,
            target_id TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            run_id INTEGER
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            mode TEXT NOT NULL,
            snapshot_sha256 TEXT,
            outcome TEXT,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            linked INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE provisioning_log (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id),
            change_id TEXT NOT NULL,
            time TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            source_id TEXT,
            target_id TEXT,
            user_name TEXT,
            changes TEXT,
            error_code TEXT,
            reason TEXT,
            duration_ms REAL
        );
        CREATE INDEX provisioning_log_run ON provisioning_log (run_id);
        CREATE INDEX provisioning_log_source ON provisioning_log (source_id);
        INSERT INTO store_info (key, value) VALUES ('generation', '0');
        CREATE TRIGGER users_insert_generation AFTER INSERT ON users BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        CREATE TRIGGER users_update_generation AFTER UPDATE ON users BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        CREATE TRIGGER users_delete_generation AFTER DELETE ON users BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        CREATE TRIGGER links_insert_generation AFTER INSERT ON links BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        CREATE TRIGGER links_update_generation AFTER UPDATE ON links BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        CREATE TRIGGER links_delete_generation AFTER DELETE ON links BEGIN
            UPDATE store_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
        END;
        """,
        // 2: safe unattended runs: the run lock, quarantine, escrowed failures, and what the guards
        // and `reconcile status` need to know about each run.
        """
        ALTER TABLE runs ADD COLUMN snapshot_users INTEGER;
        ALTER TABLE runs ADD COLUMN no_change INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN staged INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN deferred INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN message TEXT;
        CREATE TABLE run_lock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            run_id INTEGER NOT NULL,
            command TEXT NOT NULL,
            pid INTEGER NOT NULL,
            process_start TEXT,
            host TEXT NOT NULL,
            since TEXT NOT NULL
        );
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            since TEXT NOT NULL,
            run_id INTEGER,
            last_checked TEXT
        );
        CREATE TABLE escrow (
            key TEXT PRIMARY KEY,
            source_id TEXT,
            target_id TEXT,
            user_name TEXT NOT NULL,
            action TEXT NOT NULL,
            error_code TEXT,
            error TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            first_failed TEXT NOT NULL,
            last_failed TEXT NOT NULL,
            next_retry TEXT NOT NULL,
            given_up TEXT,
            run_id INTEGER
        );
        CREATE INDEX provisioning_log_time ON provisioning_log (time);
        CREATE INDEX provisioning_log_user ON provisioning_log (user_name COLLATE NOCASE);
        """,
        // 3: the digest of the mapped values a run wrote to a user, and the version it was written
        // with, so a nightly run compares a user without reading the resource (DesiredUser.updateDigest).
        // The index covers what planning reads of every user, so that scan reads the index, not the
        // table with every resource's JSON (a tenth of the pages at a million users).
        """
        ALTER TABLE users ADD COLUMN applied_digest INTEGER;
        ALTER TABLE users ADD COLUMN digest_version INTEGER;
        CREATE INDEX users_planning ON users (id, external_id, user_name, active, version, applied_digest, digest_version);
        """,
        // 4: the digest of the directory record (and of the mapping) the applied digest was made
        // from, so a nightly run does not map a record that has not changed (`SourceDigest`). It is
        // read with the applied digest, so the covering index takes it in.
        """
        ALTER TABLE users ADD COLUMN source_digest INTEGER;
        DROP INDEX users_planning;
        CREATE INDEX users_planning ON users (id, external_id, user_name, active, version, applied_digest, digest_version, source_digest);
        """,
        // 5: no index of the log by userName or source id. `reconcile logs --user` matches the
        // userName, source id or target id, and an OR of terms one of which has no index is a scan
        // of the log whatever the others have (a quarter of a second at a million records); so
        // these two served no query, while every change written took a random page of each: about
        // two in five of the pages a nightly apply wrote.
        """
        DROP INDEX IF EXISTS provisioning_log_source;
        DROP INDEX IF EXISTS provisioning_log_user;
        """,
    ]

    /// Whether a store exists at `path` (as a file of any kind).
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Opens the store at `path`, creating it when missing (and `create` allows it), migrating it when older.
    /// - Parameter created: called with a sentence for stderr when a new store was created.
    /// - Throws: `StoreError.notAStore` for any existing file that is not ours; nothing is written to it.
    static func open(_ path: String, kind: Kind, create: Bool, created: (String) -> Void = { _ in }) throws -> Database {
        if !exists(path) {
            guard create else {
                throw StoreError.cannotOpen(path: path, message: "no such store; run with --apply to create it")
            }
            if try createFile(path, kind: kind) {
                created("created new \(kind == .scim ? "store" : "state file") \(path) (schema version \(migrations.count))")
            }
        }
        guard Database.isSQLiteFile(path: path) else {
            throw StoreError.notAStore(path: path, reason: "not an SQLite database")
        }
        let database = try Database(path: path, create: false)
        let id = try database.applicationID()
        guard id == applicationID else {
            throw StoreError.notAStore(path: path, reason: id == 0
                ? "an SQLite database of another program" : String(format: "application_id 0x%08x", id))
        }
        guard try database.scalarText("SELECT value FROM store_info WHERE key = 'kind'") == kind.rawValue else {
            let expected = kind == .scim ? "an embedded SCIM store" : "a state file"
            throw StoreError.notAStore(path: path, reason: "it is not \(expected)")
        }
        let version = try database.userVersion
        if version > migrations.count {
            throw StoreError.newerSchema(path: path, found: version, supported: migrations.count)
        }
        try database.execute("PRAGMA synchronous = NORMAL")
        // A run killed during a bulk load leaves the store in rollback-journal mode
        // (`BulkLoad.withRollbackJournal`); reading it above rolled the load back. If another
        // connection keeps the mode from changing now, a later open changes it.
        if try database.scalarText("PRAGMA journal_mode") != "wal" {
            _ = try? database.scalarText("PRAGMA journal_mode = WAL")
        }
        if version < migrations.count {
            try database.inTransaction {
                for migration in migrations[version...] {
                    try database.execute(migration)
                }
                try database.setUserVersion(migrations.count)
            }
        }
        return database
    }

    /// Creates a complete new store under a temporary name and renames it into place, so a run killed
    /// while creating leaves no half-made file at `path` that later runs would refuse as foreign.
    /// - Returns: `false` when another run created the store first (then that store is used).
    private static func createFile(_ path: String, kind: Kind) throws -> Bool {
        let temporary = "\(path).creating-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let database = try Database(path: temporary, create: true)
            try database.execute("PRAGMA journal_mode = WAL")
            try database.inTransaction {
                try database.setApplicationID(applicationID)
                for migration in migrations {
                    try database.execute(migration)
                }
                let statement = try database.prepare("INSERT INTO store_info (key, value) VALUES (?, ?)")
                try statement.run(.text("kind"), .text(kind.rawValue))
                try statement.run(.text("store_id"), .text(UUID().uuidString.lowercased()))
                try database.setUserVersion(migrations.count)
            }
        }
        // The connection is closed here (deinit), which checkpoints and removes the -wal file.
        // link(2), unlike rename(2), never replaces a file: of two runs creating the same store at
        // once, the second finds the first's store in place and opens it, instead of swapping in its
        // own while the first is writing to the one it opened. rename(2) is the fallback for file
        // systems without hard links.
        let linked = link(temporary, path) == 0
        if linked || errno == EEXIST {
            try? FileManager.default.removeItem(atPath: temporary)
            return linked
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError.cannotOpen(path: path, message: "cannot move the new store into place: \(reason)")
        }
        return true
    }
}
