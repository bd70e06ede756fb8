import Foundation
import Testing

/// `--help` of every command, cross-checked against the parser: each option the parser accepts for a
/// command is listed in that command's help with its default, and each option listed is accepted.
///
/// The options come from the parser's sources (`case "--x"` labels and `== "--x"` comparisons under
/// `Sources/reconcile/`); which of them a command accepts is asked of the built binary, one option at a
/// time: `unknown option '--x'`, `takes no --x` or `cannot be combined` means refused, anything else
/// (a missing value, a missing required option, a run that fails) means accepted.
final class HelpCommandLineTests {
    private let folder = TestSupport.temporaryFolder()

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Every help topic: the run (empty), apply-plan, and each subcommand the main help lists.
    static let topics = ["", "apply-plan", "export", "mapping", "check", "status", "logs", "explain"]

    /// Options needed, or used as a mode, before a topic's own options; accepted by construction.
    private func prefix(_ topic: String) -> [String] {
        switch topic {
        case "": return []
        case "apply-plan": return ["--apply-plan", folder + "/plan.json"]
        default: return [topic]
        }
    }

    /// A value each option with a checked value accepts; any other option gets a path in the temporary folder.
    private static let values = [
        "--snapshot-format": "json", "--format": "json", "--deletion-threshold": "5", "--max-in-flight": "2", "--timeout": "5",
        "--run": "1", "--limit": "1", "--since": "1d", "--until": "1d", "--status": "success", "--action": "create",
        "--color": "never", "--progress": "none",
    ]

    /// Every option name the parser's sources mention in a `case` label or an `==` comparison.
    static func parserOptions() throws -> Set<String> {
        let sources = TestSupport.packageRoot + "/Sources/reconcile"
        var options: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: sources) where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard line.trimmingPrefix(while: \.isWhitespace).hasPrefix("case \"-") || line.contains("== \"-") else { continue }
                for match in line.matches(of: /"(--?[a-z][a-z0-9-]*)"/) { options.insert(String(match.1)) }
            }
        }
        return options
    }

    /// The options a help text lists: the first column of each option entry (`  --x VALUE  ...`,
    /// `  --since T, --until T  ...`), with the entry's text (its line and the indented lines under it).
    static func documentedOptions(_ help: String) -> [String: String] {
        var entries: [String: String] = [:]
        var current: [String] = []
        var text = ""
        func close() {
            for option in current { entries[option] = text }
            current = []
        }
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  -") {
                close()
                let column = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
                current = column.matches(of: /(?:^|[^A-Za-z0-9-])(--?[a-z][a-z0-9-]*)/).map { String($0.1) }
                text = String(line)
            } else if line.hasPrefix("    ") && !current.isEmpty {
                text += "\n" + line
            } else {
                close()
            }
        }
        close()
        return entries
    }

    /// Whether `reconcile <prefix> <option> [value]` gets past the parser's check of the option.
    private func accepts(_ topic: String, _ option: String) throws -> Bool {
        var run = try TestSupport.run(prefix(topic) + [option])
        if run.stderr.contains("\(option) needs a value") {
            run = try TestSupport.run(prefix(topic) + [option, Self.values[option] ?? folder + "/value"])
        }
        let refused = run.stderr.contains("unknown option '\(option)'")
            || (run.stderr.contains("takes no") && run.stderr.contains(option)) || run.stderr.contains("cannot be combined")
        return !refused
    }

    private func help(_ topic: String) throws -> String {
        let run = try TestSupport.run(topic.isEmpty ? ["--help"] : ["help", topic])
        #expect(run.status == 0, "reconcile help \(topic): \(run.stderr)")
        #expect(run.stderr == "")
        return run.stdout
    }

    @Test func everyTopicIsOneTheMainHelpLists() throws {
        let main = try help("")
        let section = main.components(separatedBy: "\nSUBCOMMANDS:\n").last?.components(separatedBy: "\n\n").first ?? ""
        let listed = section.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(["", "apply-plan"] + listed == Self.topics)
    }

    @Test(arguments: HelpCommandLineTests.topics)
    func helpListsEveryOptionTheParserAcceptsWithItsDefault(topic: String) throws {
        let text = try help(topic)
        let entries = Self.documentedOptions(text)
        let documented = Set(entries.keys)
        let known = try Self.parserOptions().union(["-h", "--help"])
        #expect(documented.isSuperset(of: ["-h", "--help"]))
        #expect(documented.subtracting(known).isEmpty, "reconcile help \(topic) lists options the parser does not have")

        let given = Set(prefix(topic).filter { $0.hasPrefix("-") })
        var accepted: Set<String> = given
        for option in known.subtracting(["-h", "--help"]).subtracting(given).sorted() where try accepts(topic, option) {
            accepted.insert(option)
        }
        let undocumented = accepted.subtracting(documented)
        #expect(undocumented.isEmpty, "reconcile \(topic.isEmpty ? "(run)" : topic) accepts \(undocumented.sorted()) but its help does not list them")
        let refused = documented.subtracting(accepted).subtracting(["-h", "--help"])
        #expect(refused.isEmpty, "reconcile help \(topic) lists \(refused.sorted()), which the parser refuses there")

        // Options that are required, or choose the mode, have no default; every other one says its default.
        let required: Set = ["--snapshot", "--store", "--state", "--target", "--plan", "--apply", "--recover", "--apply-plan", "-h", "--help"]
        for (option, entry) in entries where !required.contains(option) {
            #expect(entry.contains("(default: "), "reconcile help \(topic): \(option) does not say its default:\n\(entry)")
        }
    }

    @Test(arguments: HelpCommandLineTests.topics)
    func helpMatchesItsGoldenFileHoweverItIsAskedFor(topic: String) throws {
        let text = try help(topic)
        CommandLineSupport.expectGolden(text, named: topic.isEmpty ? "help.txt" : "help-\(topic).txt")
        let asked: [[String]] = switch topic {
        case "": [["-h"], ["help"], ["--snapshot", "x", "--plan", "--help"], ["help", "plan"], ["help", "--apply"]]
        case "apply-plan": [["--apply-plan", "plan.json", "--store", "store.db", "--help"], ["help", "--apply-plan"]]
        default: [[topic, "--help"], [topic, "-h"]]
        }
        for arguments in asked {
            let run = try TestSupport.run(arguments)
            #expect(run.status == 0)
            #expect(run.stdout == text, "reconcile \(arguments.joined(separator: " "))")
        }
    }

    @Test func helpOnAnUnknownTopicIsAUsageError() throws {
        let run = try TestSupport.run(["help", "expalin"])
        #expect(run.status == 64)
        #expect(run.stdout == "")
        #expect(run.stderr == "reconcile: there is no help on 'expalin': try 'reconcile --help', or 'reconcile help COMMAND' "
            + "for a command it lists\nRun 'reconcile --help' for usage.\n")
    }
}
