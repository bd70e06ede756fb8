import ReconcileKit

/// What the command line asks for.
enum Command {
    case run(RunOptions)
    case applyPlan(planFile: String, store: String, options: RunOptions)
    case status(StatusOptions)
    case logs(LogsOptions)
    case export(store: String)
    case mapping(config: String?, format: RunOptions.Format)
    case check(CheckTarget)
    case applyPlanToEndpoint(planFile: String, endpoint: EndpointOptions, options: RunOptions)
    case explain(ExplainOptions)
    case help(String)
}

/// `reconcile --snapshot PATH --store DB (--plan | --apply) ...`
struct RunOptions {
    enum Mode { case plan, apply }
    enum Format: String { case text, json }

    var snapshot = ""
    /// `nil`: judged from each file's content.
    var snapshotFormat: SnapshotFormat?
    var assignments: String?
    var store = ""
    var mode = Mode.plan
    var out: String?
    var format = Format.text
    var detailedExitcode = false
    var deleteMissing = false
    var config: String?
    /// A live SCIM endpoint (`--target URL` ...) instead of `--store`.
    var endpoint: EndpointOptions?
    /// `--allow-deletions`, `--deletion-threshold`, `--recover`, `--notify-command` ... (`SafetyOptions.swift`).
    var safety = SafetyOptions()
    /// `--progress`: a bar on a terminal, plain lines otherwise (`ProgressOutput.swift`).
    var progress = ProgressMode.auto
    /// `--metrics-file FILE`: the run's metrics for node_exporter's textfile collector (`Job+Metrics.swift`).
    var metricsFile: String?
    /// `--color`: whether the printed plan is coloured (`ColorOption.swift`).
    var color = ColorOption.auto
}

/// A small argument parser in argument-parser's manner: typed options, validation with messages that say what to do.
struct ArgumentParser: ArgumentReading {
    var arguments: [String]
    /// Arguments that are not options (explain's USER), collected instead of refused when not `nil`.
    private var operands: [String]?

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var parser = ArgumentParser(arguments)
        return try parser.command()
    }

    private mutating func command() throws(UsageError) -> Command {
        if arguments.contains("--help") || arguments.contains("-h") || arguments.first == "help" {
            // `reconcile help TOPIC`, `reconcile SUBCOMMAND --help`, `reconcile --apply-plan ... --help`.
            var topic = arguments.first == "help" ? arguments.dropFirst().first { $0 != "--help" && $0 != "-h" } ?? ""
                : arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? (arguments.contains("--apply-plan") ? "apply-plan" : "")
            if topic.hasPrefix("--") { topic.removeFirst(2) }
            guard Help.text(for: topic) != nil else {
                throw UsageError("there is no help on '\(topic)': try 'reconcile --help', or 'reconcile help COMMAND' for a command it lists")
            }
            return .help(topic)
        }
        switch arguments.first {
        case "export":
            arguments.removeFirst()
            var store: String?
            while let argument = next() {
                switch argument {
                case "--store": store = try value(for: argument)
                default: throw unknown(argument, in: "export")
                }
            }
            return .export(store: try required(store, "--store DB", in: "export"))
        case "mapping":
            arguments.removeFirst()
            var config: String?
            var format = RunOptions.Format.text
            while let argument = next() {
                switch argument {
                case "--config": config = try value(for: argument)
                case "--format":
                    let text = try value(for: argument)
                    guard let chosen = RunOptions.Format(rawValue: text) else { throw UsageError("--format takes text or json, not '\(text)'") }
                    format = chosen
                default: throw unknown(argument, in: "mapping")
                }
            }
            return .mapping(config: config, format: format)
        case "status":
            return .status(try SubcommandParser.status(Array(arguments.dropFirst())))
        case "explain":
            return .explain(try ExplainOptions.parse(Array(arguments.dropFirst())))
        case "logs":
            return .logs(try SubcommandParser.logs(Array(arguments.dropFirst())))
        case "check":
            arguments.removeFirst()
            var store: String?
            var endpoint: EndpointOptions?
            while let argument = next() {
                if argument == "--store" { store = try value(for: argument); continue }
                guard try EndpointOptions.consume(argument, into: &endpoint, value: { () throws(UsageError) in try value(for: argument) }) else {
                    throw unknown(argument, in: "check")
                }
            }
            if let endpoint {
                guard store == nil else { throw UsageError("--store and --target cannot be combined: choose one") }
                return .check(.endpoint(try endpoint.validated(needsState: false)))
            }
            return .check(.store(try required(store, "--store DB or --target URL", in: "check")))
        case .none:
            throw UsageError("missing arguments: give --snapshot PATH --store DB with --plan or --apply, or --apply-plan FILE --store DB")
        default:
            return try runCommand()
        }
    }

    /// Parses a run's options (`reconcile explain` reuses them), collecting the arguments that are not options.
    static func parseRun(_ arguments: [String], operands: inout [String]) throws(UsageError) -> Command {
        var parser = ArgumentParser(arguments)
        parser.operands = []
        let command = try parser.runCommand()
        operands = parser.operands ?? []
        return command
    }

    private mutating func runCommand() throws(UsageError) -> Command {
        var options = RunOptions()
        var snapshot: String?, store: String?, planFile: String?
        var modes: [String] = []
        var given: [String] = []
        while let argument = next() {
            given.append(argument)
            switch argument {
            case "--snapshot": snapshot = try value(for: argument)
            case "--snapshot-format":
                let text = try value(for: argument)
                guard text == "auto" || SnapshotFormat(rawValue: text) != nil else {
                    throw UsageError("--snapshot-format takes auto, json, csv or bulk-csv, not '\(text)'")
                }
                options.snapshotFormat = SnapshotFormat(rawValue: text)
            case "--assignments": options.assignments = try value(for: argument)
            case "--store": store = try value(for: argument)
            case "--plan": modes.append(argument); options.mode = .plan
            case "--apply": modes.append(argument); options.mode = .apply
            case "--recover": modes.append(argument); options.mode = .apply; options.safety.recover = true
            case "--apply-plan": modes.append(argument); planFile = try value(for: argument)
            case "--out": options.out = try value(for: argument)
            case "--format":
                let text = try value(for: argument)
                guard let format = RunOptions.Format(rawValue: text) else {
                    throw UsageError("--format takes text or json, not '\(text)'")
                }
                options.format = format
            case "--detailed-exitcode": options.detailedExitcode = true
            case "--delete-missing": options.deleteMissing = true
            case "--config": options.config = try value(for: argument)
            case "--progress":
                let text = try value(for: argument)
                guard let mode = ProgressMode(rawValue: text) else { throw UsageError("--progress takes auto, bar, plain or none, not '\(text)'") }
                options.progress = mode
            case "--metrics-file", "--color":
                // The run parser also reads explain's options (operands collected); these two are for runs only.
                guard operands == nil else { throw UsageError("explain takes no \(argument): it is for runs (--plan, --apply, --apply-plan)") }
                if argument == "--metrics-file" { options.metricsFile = try value(for: argument); continue }
                let text = try value(for: argument)
                guard let color = ColorOption(rawValue: text) else { throw UsageError("--color takes auto, always or never, not '\(text)'") }
                options.color = color
            default:
                if try SafetyOptions.consume(argument, into: &options.safety, value: { () throws(UsageError) in try value(for: argument) }) {
                    continue
                }
                guard try EndpointOptions.consume(argument, into: &options.endpoint, value: { () throws(UsageError) in try value(for: argument) }) else {
                    if operands != nil && !argument.hasPrefix("-") { operands?.append(argument); continue }
                    throw unknown(argument, in: nil)
                }
            }
        }
        guard modes.count <= 1 else {
            throw UsageError("\(modes.joined(separator: " and ")) cannot be combined: choose one")
        }
        if let planFile {
            guard snapshot == nil else {
                throw UsageError("--apply-plan applies the plan as reviewed and takes no --snapshot")
            }
            guard options.assignments == nil && options.snapshotFormat == nil else {
                throw UsageError("--apply-plan applies the plan as reviewed and takes no --assignments or --snapshot-format")
            }
            // Options that shape or print a plan do nothing to a reviewed one: refused rather than ignored.
            let unused = given.filter(["--out", "--format", "--detailed-exitcode", "--delete-missing", "--allow-shrink", "--color"].contains)
            guard unused.isEmpty else {
                throw UsageError("--apply-plan applies the plan as reviewed and takes no \(unused.joined(separator: " or "))")
            }
            if let endpoint = options.endpoint {
                guard store == nil else { throw UsageError("--store and --target cannot be combined: choose one") }
                return .applyPlanToEndpoint(planFile: planFile, endpoint: try endpoint.validated(needsState: true), options: options)
            }
            return .applyPlan(planFile: planFile, store: try required(store, "--store DB", in: nil), options: options)
        }
        guard !modes.isEmpty else { throw UsageError("say what to do: --plan (show the changes) or --apply (make them)") }
        options.snapshot = try required(snapshot, "--snapshot PATH", in: nil)
        if let endpoint = options.endpoint {
            guard store == nil else { throw UsageError("--store and --target cannot be combined: choose one") }
            options.endpoint = try endpoint.validated(needsState: true)
        } else {
            options.store = try required(store, "--store DB", in: nil)
        }
        return .run(options)
    }


    private func required(_ value: String?, _ option: String, in command: String?) throws(UsageError) -> String {
        guard let value else { throw UsageError("missing \(option)\(command.map { " for '\($0)'" } ?? "")") }
        return value
    }

    private func unknown(_ argument: String, in command: String?) -> UsageError {
        if argument.hasPrefix("-") {
            return UsageError("unknown option '\(argument)'\(command.map { " for '\($0)'" } ?? "")")
        }
        return UsageError("unexpected argument '\(argument)'")
    }
}

/// A parser that takes its arguments from the front, one option or value at a time.
protocol ArgumentReading {
    /// What is left to parse.
    var arguments: [String] { get set }
}

extension ArgumentReading {
    mutating func next() -> String? {
        arguments.isEmpty ? nil : arguments.removeFirst()
    }

    /// The value after `option`: the next argument, which must not be another option (`-` is a value).
    mutating func value(for option: String) throws(UsageError) -> String {
        guard let value = next(), !value.hasPrefix("--") || value == "-" else {
            throw UsageError("\(option) needs a value")
        }
        return value
    }
}
