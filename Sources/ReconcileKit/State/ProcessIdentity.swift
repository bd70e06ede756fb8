import Foundation

/// A process as the run lock records it, precisely enough to tell later whether it is still running.
///
/// A process id alone is not enough: after a `kill -9` or a reboot the id can be reused by an
/// unrelated process. On Linux the lock also records the boot id and the process's start time
/// (`/proc/PID/stat` field 22), which together name one process for the life of the machine.
struct ProcessIdentity: Equatable, Sendable {
    var pid: Int32
    /// `BOOT_ID:START_TICKS`, or `nil` where `/proc` cannot tell.
    var start: String?
    var host: String

    /// This process.
    static func current() -> ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, start: startMark(of: pid), host: hostName())
    }

    /// Whether the recorded process is still running, or `nil` when this machine cannot tell (it ran
    /// on another host).
    func isRunning() -> Bool? {
        guard host == Self.hostName() else { return nil }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        guard let stat = Self.stat(of: pid) else {
            // No /proc (not Linux): kill(2) is all there is to go on.
            return true
        }
        // A zombie has exited; only its parent has not collected it yet.
        if stat.state == "Z" || stat.state == "X" { return false }
        guard let start else { return true }
        return Self.startMark(of: pid) == start
    }

    /// The machine's name as `gethostname(2)` gives it (no DNS lookup).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func startMark(of pid: Int32) -> String? {
        guard let stat = stat(of: pid) else { return nil }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return "\(boot):\(stat.startTicks)"
    }

    /// The state letter and start time of `pid` from `/proc/PID/stat`, or `nil` without `/proc`.
    private static func stat(of pid: Int32) -> (state: Character, startTicks: String)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces and parentheses itself;
        // the fields after the last ")" start with field 3, the state.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first else { return nil }
        return (state, String(fields[19]))
    }
}
