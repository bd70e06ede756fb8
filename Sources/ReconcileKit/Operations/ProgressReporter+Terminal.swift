import Foundation

/// What `--progress` asks for.
public enum ProgressMode: String, CaseIterable, Sendable {
    /// A bar when stderr is a terminal (and `TERM` is not `dumb`), plain lines otherwise.
    case auto
    /// The bar, wherever stderr goes.
    case bar
    /// Plain lines, wherever stderr goes.
    case plain
    /// No progress at all.
    case none
}

/// A progress setting that cannot be used.
public enum ProgressError: Error, CustomStringConvertible, Equatable {
    /// The interval variable does not hold a number of seconds.
    case badInterval(String)

    public var description: String {
        switch self {
        case .badInterval(let value):
            return "\(ProgressReporter.intervalVariable) is '\(value)', not a number of seconds: set it to the seconds "
                + "between progress lines (5 is the default, 0 writes every step), or unset it"
        }
    }
}

extension ProgressReporter {
    /// The environment variable that sets the seconds between plain lines (and before the bar shows).
    public static let intervalVariable = "RECONCILE_PROGRESS_INTERVAL"

    /// The reporter `mode` asks for on this process's stderr, or nil for none.
    /// - Parameter environment: `TERM`, `COLUMNS` and `RECONCILE_PROGRESS_INTERVAL` are read from it.
    /// - Throws: `ProgressError.badInterval` when the interval variable is not a number of seconds.
    public static func standardError(mode: ProgressMode, environment: [String: String]) throws(ProgressError) -> ProgressReporter? {
        let isTerminal = isatty(STDERR_FILENO) == 1
        guard let style = style(mode: mode, isTerminal: isTerminal, environment: environment) else { return nil }
        return ProgressReporter(
            style: style, interval: try interval(environment), width: isTerminal ? terminalWidth(environment) : 80)
    }

    /// The style for `mode`: `auto` draws the bar only on a terminal that is not `TERM=dumb`.
    static func style(mode: ProgressMode, isTerminal: Bool, environment: [String: String]) -> Style? {
        switch mode {
        case .none: return nil
        case .bar: return .bar
        case .plain: return .plain
        case .auto: return isTerminal && environment["TERM"] != "dumb" ? .bar : .plain
        }
    }

    /// The interval variable's seconds, 5 when it is unset or empty.
    static func interval(_ environment: [String: String]) throws(ProgressError) -> Double {
        guard let text = environment[intervalVariable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return 5 }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { throw .badInterval(text) }
        return seconds
    }

    /// Columns of the terminal on stderr: asked of the terminal, else `COLUMNS`, else 80.
    static func terminalWidth(_ environment: [String: String]) -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
