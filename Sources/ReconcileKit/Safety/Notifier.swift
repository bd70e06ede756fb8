import Foundation

/// Runs the admin's notification command (`--notify-command CMD`) when a run needs attention:
/// `/bin/sh -c CMD` with a short summary on stdin and `RECONCILE_*` variables in its environment,
/// so the command can be `mail -s "reconcile" admins@example.com`, a chat webhook script, or a
/// monitoring hook.
///
/// A failing or hanging notification never changes the run's outcome: it is reported as one line
/// for stderr. The command's own output is captured, never mixed into reconcile's stdout. It runs
/// in a process group of its own, so a command that hangs is stopped with everything it started.
public struct Notifier: Sendable {
    /// The shell command line, run with `/bin/sh -c`.
    public let command: String
    /// How long the command may run before it is stopped (SIGTERM, then SIGKILL).
    public var timeout: TimeInterval = 60

    /// A notifier for `command`, stopped after `timeout` seconds.
    public init(command: String, timeout: TimeInterval = 60) {
        self.command = command
        self.timeout = timeout
    }

    /// Runs the command.
    /// - Returns: `nil` when it exited 0, otherwise a sentence saying how it failed.
    public func send(_ summary: String, environment: [String: String]) -> String? {
        // A command that does not read its stdin must not kill reconcile with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
            return "the notify command could not be started: \(String(cString: strerror(errno)))"
        }
        let pid: pid_t
        do {
            pid = try spawn(stdin: input[0], stdout: output[1], stderr: errors[1], closing: input + output + errors, environment: environment)
        } catch {
            for fd in input + output + errors { close(fd) }
            return "the notify command could not be started: \(error)"
        }
        for fd in [input[0], output[1], errors[1]] { close(fd) }

        // Drain both pipes while waiting, so a talkative command cannot block on a full pipe.
        let drained = DispatchGroup()
        nonisolated(unsafe) var errorText = Data()
        for (fd, keep) in [(output[0], false), (errors[0], true)] {
            drained.enter()
            DispatchQueue.global().async {
                let data = FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile()
                if keep { errorText = data }
                drained.leave()
            }
        }
        let writer = FileHandle(fileDescriptor: input[1], closeOnDealloc: true)
        try? writer.write(contentsOf: Data(summary.utf8))
        try? writer.close()

        let exited = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status: Int32 = 0
        DispatchQueue.global().async {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exited.signal()
        }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(-pid, SIGTERM)
            if exited.wait(timeout: .now() + 2) == .timedOut {
                kill(-pid, SIGKILL)
                exited.wait()
            }
            _ = drained.wait(timeout: .now() + 1)
            let seconds = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
            return "the notify command did not finish within \(seconds) seconds and was stopped"
        }
        _ = drained.wait(timeout: .now() + 5)
        let signal = status & 0x7F
        let code = (status >> 8) & 0xFF
        guard signal == 0 && code == 0 else {
            let how = signal == 0 ? "exited with status \(code)" : "was killed by signal \(signal)"
            let said = String(decoding: errorText, as: UTF8.self).split(separator: "\n").first.map { ": \($0)" } ?? ""
            return "the notify command \(how)\(said)"
        }
        return nil
    }

    /// Starts `/bin/sh -c command` in a new process group with the given descriptors as 0, 1 and 2.
    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32, closing: [Int32], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        for fd in closing { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let arguments = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard code == 0 else { throw NotifierError(message: String(cString: strerror(code))) }
        return pid
    }
}

/// Why the notify command could not be started.
struct NotifierError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
