import Foundation
import Testing
@testable import ReconcileKit

/// The run lock: a live holder refuses the run, a dead one (or one with a reused process id) is taken
/// over, one on another host needs --break-lock; and runs leave the lock free.
final class RunLockTests {
    let bench: SafetyBench
    private var children: [Process] = []

    init() throws {
        bench = try SafetyBench()
    }

    deinit {
        for child in children where child.isRunning { child.terminate() }
    }

    /// A process that is running, and its start mark.
    private func liveProcess() throws -> (pid: Int32, start: String?) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        children.append(child)
        return (child.processIdentifier, ProcessIdentity.startMark(of: child.processIdentifier))
    }

    /// A process that has exited (and been reaped), and the start mark it had.
    private func deadProcess() throws -> (pid: Int32, start: String?) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "read line"]
        child.standardInput = Pipe()
        try child.run()
        let start = ProcessIdentity.startMark(of: child.processIdentifier)
        try (child.standardInput as! Pipe).fileHandleForWriting.close()
        child.waitUntilExit()
        return (child.processIdentifier, start)
    }

    /// Records a run in progress holding the lock, as a run of another process would.
    private func hold(pid: Int32, start: String?, host: String = ProcessIdentity.hostName()) throws {
        try bench.database.execute("INSERT INTO runs (id, started_at, mode) VALUES (7, '2026-03-01T02:30:00.000Z', 'apply')")
        try bench.database.prepare("""
            INSERT INTO run_lock (id, run_id, command, pid, process_start, host, since)
            VALUES (1, 7, 'apply', ?, ?, ?, '2026-03-01T02:30:00.000Z')
            """).run(.integer(Int64(pid)), SQLValue(start), .text(host))
    }

    @Test func liveHolderRefusesTheRunSayingWhoHoldsItSinceWhen() throws {
        let (pid, start) = try liveProcess()
        try hold(pid: pid, start: start)
        let host = ProcessIdentity.hostName()

        let error = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(2)) }
        let holder = LockHolder(runID: 7, command: "apply", pid: pid, host: host, since: "2026-03-01T02:30:00.000Z", processStart: start)
        #expect(error == .locked(store: bench.store.path, holder: holder, checkable: true))
        #expect(error.description == "\(bench.store.path) is in use by run 7 (reconcile apply), process \(pid) on host \(host), "
            + "since 2026-03-01T02:30:00.000Z; nothing was done. Only one run at a time: run again when it has finished "
            + "(a lock left by a killed run is taken over automatically).")
        #expect(try bench.store.users().isEmpty)
        #expect(try bench.rows("SELECT id, outcome FROM runs") == [[7, .null]])
        #expect(try RunLock(state: bench.store.runState).holder() == holder)
    }

    @Test func lockOfAProcessThatDiedIsTakenOverAndItsRunMarkedInterrupted() throws {
        let (pid, start) = try deadProcess()
        try hold(pid: pid, start: start)
        let host = ProcessIdentity.hostName()

        let outcome = try bench.run(SafetyBench.users(2))
        #expect(outcome.runID == 8)
        #expect(outcome.result.applied == [.create: 2])
        #expect(bench.notices == ["took over the lock of run 7 (process \(pid) on host \(host), since 2026-03-01T02:30:00.000Z), "
            + "whose process is no longer running"])
        #expect(try bench.rows("SELECT id, outcome, message FROM runs ORDER BY id") == [
            [7, "interrupted", "the process stopped before the run finished (killed or crashed)"],
            [8, "success", .text("took over the lock of run 7 (process \(pid) on host \(host), since 2026-03-01T02:30:00.000Z), "
                + "whose process is no longer running")],
        ])
        #expect(try RunLock(state: bench.store.runState).holder() == nil)
    }

    @Test func processIdReusedByAnotherProcessDoesNotKeepTheLock() throws {
        // This very process is alive, but it is not the process that took the lock.
        try hold(pid: getpid(), start: "another-boot:12345")
        let outcome = try bench.run(SafetyBench.users(1))
        #expect(outcome.result.applied == [.create: 1])
    }

    @Test func holderOnAnotherHostNeedsBreakLock() throws {
        try hold(pid: 4242, start: nil, host: "batch-02.contoso.example")
        let error = try #require(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(1)) }
        #expect(error.description == "\(bench.store.path) is locked by run 7 (reconcile apply), process 4242 on host "
            + "batch-02.contoso.example, since 2026-03-01T02:30:00.000Z; this host cannot check whether that process is still "
            + "running, so nothing was done. If no reconcile is running on batch-02.contoso.example, run again with --break-lock.")

        let guarded = GuardedRun(
            target: bench.target, state: bench.store.runState, settings: SafetySettings(),
            options: .init(mode: .apply, breakLock: true), clock: { Date() })
        let users = SafetyBench.users(1)
        let snapshot = StoreFixtures.snapshot(users)
        let outcome = try guarded.run(.snapshot(users: 1, sha256: snapshot.sha256, plan: { [store = bench.store] in
            let state = try store.targetState()
            return (Planner(mapping: .uiPath).plan(snapshot: snapshot, target: state, createdAt: StageInputs.createdAt), state)
        }), show: { _ in })
        #expect(outcome.result.applied == [.create: 1])
    }

    @Test func breakLockNeverTakesTheLockOfALiveProcessOnThisHost() throws {
        let (pid, start) = try liveProcess()
        try hold(pid: pid, start: start)
        let guarded = GuardedRun(
            target: bench.target, state: bench.store.runState, settings: SafetySettings(),
            options: .init(mode: .apply, breakLock: true), clock: { Date() })
        let error = try #require(throws: SafetyError.self) {
            try guarded.run(.reviewed(try StoreFixtures.plan(actions: [], against: self.bench.store)), show: { _ in })
        }
        guard case .locked(_, let holder, true) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(holder.pid == pid)
    }

    @Test func everyRunReleasesTheLockHoweverItEnds() throws {
        let lock = RunLock(state: bench.store.runState)
        try bench.run(SafetyBench.users(3))
        #expect(try lock.holder() == nil)
        #expect(throws: SafetyError.self) { try self.bench.run([]) }
        #expect(try lock.holder() == nil)
        bench.target.probeFailure = TargetUnavailable(.unreachable, "down")
        #expect(throws: SafetyError.self) { try self.bench.run(SafetyBench.users(3)) }
        #expect(try lock.holder() == nil)
    }

    @Test func processIdentityTellsLiveFromDead() throws {
        let me = ProcessIdentity.current()
        #expect(me.isRunning() == true)
        let (pid, start) = try deadProcess()
        #expect(ProcessIdentity(pid: pid, start: start, host: me.host).isRunning() == false)
        #expect(ProcessIdentity(pid: me.pid, start: me.start, host: "elsewhere.example").isRunning() == nil)
    }
}
