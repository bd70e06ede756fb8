import Foundation
import Testing

/// `--color auto|always|never` end to end: colour on a terminal or when forced, never with `NO_COLOR`
/// or `TERM=dumb`, and the same bytes as the plain plan once the colour codes are taken out.
final class ColorCommandLineTests {
    private let folder = TestSupport.temporaryFolder()
    private var store: String { folder + "/store.db" }
    private static let colorCode = "\u{1B}\\[[0-9]+m"
    /// An environment that asks for colour, so each test says what turns it off.
    private static let colorful = ["NO_COLOR": "", "TERM": "xterm-256color"]

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func plan(_ extra: [String], environment: [String: String] = colorful) throws -> TestSupport.Run {
        try TestSupport.run(["--snapshot", TestSupport.sample("graph"), "--store", store, "--plan"] + extra, environment: environment)
    }

    @Test func alwaysColorsEachGroupAndRowIntoAPipe() throws {
        let plain = try plan([])
        let colored = try plan(["--color", "always"])
        #expect(colored.status == 0)
        #expect(!plain.stdout.contains("\u{1B}"))
        #expect(colored.stdout.contains("\n\u{1B}[32mCreate (22):\u{1B}[0m\n\u{1B}[32m  + a.partner_fabrikam.example#EXT#@contosopharma.example\u{1B}[0m\n"))
        #expect(colored.stdout.replacingOccurrences(of: Self.colorCode, with: "", options: .regularExpression) == plain.stdout)
    }

    @Test(arguments: [["NO_COLOR": "1"], ["NO_COLOR": "false"], ["TERM": "dumb"]])
    func noColorOrADumbTerminalTurnsColorOffEvenWhenForced(environment: [String: String]) throws {
        let plain = try plan([], environment: Self.colorful)
        let run = try plan(["--color", "always"], environment: Self.colorful.merging(environment) { $1 })
        #expect(run.status == 0)
        #expect(run.stdout == plain.stdout)
    }

    @Test func autoColorsOnATerminalOnly() throws {
        // script(1) gives the binary a pseudo-terminal for stdout; its output has CR LF line ends.
        let command = [TestSupport.binary, "--snapshot", TestSupport.sample("graph"), "--store", store, "--plan"]
            .map { "'\($0)'" }.joined(separator: " ")
        let terminal = try TestSupport.run(["-qec", command, "/dev/null"], environment: Self.colorful, executable: "/usr/bin/script")
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("\u{1B}[32mCreate (22):\u{1B}[0m\r\n"))
        let never = try TestSupport.run(["-qec", command + " --color never", "/dev/null"], environment: Self.colorful,
                                        executable: "/usr/bin/script")
        #expect(!never.stdout.contains("\u{1B}["))
        #expect(!(try plan([])).stdout.contains("\u{1B}"))
    }

    @Test func refusesAnUnknownColorChoiceAndColorWithApplyPlan() throws {
        let unknown = try plan(["--color", "sometimes"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "reconcile: --color takes auto, always or never, not 'sometimes'\nRun 'reconcile --help' for usage.\n")
        let reviewed = try TestSupport.run(["--apply-plan", folder + "/plan.json", "--store", store, "--color", "always", "--out", "x.json"])
        #expect(reviewed.status == 64)
        #expect(reviewed.stderr == "reconcile: --apply-plan applies the plan as reviewed and takes no --color or --out\n"
            + "Run 'reconcile --help' for usage.\n")
    }
}
