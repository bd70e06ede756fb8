import Foundation
import Synchronization

/// Progress of a long run's stages on stderr (DESIGN §3): a bar redrawn in place on a terminal, a
/// plain line every few seconds otherwise (cron, a log file).
///
/// A run of 1,000,000 users goes through these stages, each begun by its caller with the total it
/// knows up front: reading the export (bytes of the export's files), reading the store (rows, from
/// a count), planning (users) and applying (actions, from the plan). Stages end with `finish()`, or
/// when the next one begins.
///
/// Nothing at all is written for a stage shorter than the interval, so small runs print what they
/// always printed. `advance(by:)` is cheap enough to call once per user: it takes a lock and adds,
/// and looks at the clock only every so many calls (fewer the faster the calls come); output is
/// formatted only when a line is due. Safe to call from any thread.
public final class ProgressReporter: Sendable {
    /// How progress is drawn.
    public enum Style: Sendable {
        /// One line redrawn with `\r` and erase-to-end-of-line, at most 10 times a second.
        case bar
        /// A line every interval, and a closing line for each stage that took longer than it.
        case plain
    }

    public let style: Style
    /// Seconds between plain lines; a stage shorter than this prints nothing.
    public let interval: Double
    /// Columns of the terminal the bar must fit in.
    let width: Int
    private let clock: @Sendable () -> UInt64
    private let write: @Sendable (String) -> Void
    private let state = Mutex(State())

    /// The bar waits this long before it first shows (a quick stage leaves no trace), and is redrawn
    /// at most this often, in nanoseconds.
    private var barDelay: UInt64 { Self.nanoseconds(min(1, interval)) }
    private var redrawPeriod: UInt64 { Self.nanoseconds(min(0.1, interval)) }

    /// - Parameters:
    ///   - style: a bar for a terminal, plain lines for anything else.
    ///   - interval: seconds between plain lines (default 5); 0 writes a line at every clock check.
    ///   - width: the terminal's columns; the bar shrinks, then goes, to keep the line in them.
    ///   - clock: monotonic nanoseconds (injected by tests).
    ///   - write: receives the text for stderr (injected by tests).
    public init(
        style: Style, interval: Double = 5, width: Int = 80,
        clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds },
        write: @escaping @Sendable (String) -> Void = ProgressReporter.writeToStandardError
    ) {
        self.style = style
        self.interval = max(0, interval)
        self.width = width
        self.clock = clock
        self.write = write
    }

    /// Starts a stage, ending the one before it.
    /// - Parameters:
    ///   - stage: its name as shown, such as `applying`.
    ///   - total: the amount of work, when known up front; `nil` shows a count without a percentage.
    ///   - unit: what is counted: `bytes` is shown in kB/MB/GB; anything else (`users`, `rows`) as a count.
    public func begin(stage: String, total: Int?, unit: String) {
        let now = clock()
        state.withLock { state in
            end(&state, at: now)
            state = State()
            state.stage = Stage(name: stage, total: total, unit: unit, started: now)
            state.lastCheck = now
            state.due = now + (style == .bar ? barDelay : Self.nanoseconds(interval))
        }
    }

    /// Counts `count` more units of work done in the current stage.
    public func advance(by count: Int = 1) {
        state.withLock { state in
            state.done += count
            state.countdown -= 1
            if state.countdown <= 0 { check(&state) }
        }
    }

    /// Sets the work done in the current stage to `done` units.
    public func set(done: Int) {
        state.withLock { state in
            state.done = done
            state.countdown -= 1
            if state.countdown <= 0 { check(&state) }
        }
    }

    /// Ends the current stage: a bar is finalised with the stage's time, a plain run gets a closing
    /// line if the stage took at least the interval. Does nothing when no stage is running.
    public func finish() {
        let now = clock()
        state.withLock { state in
            end(&state, at: now)
            state = State()
        }
    }

    /// Writes `text` (whole lines for stderr) without mangling the bar: the bar is erased first and
    /// drawn again at the next clock check.
    public func note(_ text: String) {
        state.withLock { state in
            if state.onScreen {
                write("\r\u{1B}[K")
                state.onScreen = false
                state.due = 0
            }
            write(text)
        }
    }

    /// Writes to the process's stderr, unbuffered.
    public static let writeToStandardError: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }

    // MARK: - Throttling

    fileprivate struct Stage {
        let name: String
        let total: Int?
        let unit: String
        let started: UInt64
    }

    private struct State {
        var stage: Stage?
        var done = 0
        /// Calls left before the next clock check, and the number of calls between checks.
        var countdown = 1
        var stride = 1
        var lastCheck: UInt64 = 0
        /// When the next line or redraw is due.
        var due: UInt64 = 0
        /// The bar is on the terminal's current line.
        var onScreen = false
    }

    /// Reads the clock, adapts how often it is read to how fast calls come, and draws when due.
    private func check(_ state: inout State) {
        let now = clock()
        let sinceLast = now &- state.lastCheck
        state.lastCheck = now
        // Aim for a clock check every 1 to 50 ms whatever the caller's pace: per user or per batch.
        if sinceLast < 1_000_000 {
            state.stride = min(state.stride * 2, 1_024)
        } else if sinceLast > 50_000_000 {
            state.stride = max(state.stride / 2, 1)
        }
        state.countdown = state.stride
        guard let stage = state.stage, now >= state.due else { return }
        let moment = Moment(stage: stage, done: state.done, elapsed: now &- stage.started)
        switch style {
        case .bar:
            write("\r" + barLine(moment, final: false) + "\u{1B}[K")
            state.onScreen = true
            state.due = now + redrawPeriod
        case .plain:
            write(plainLine(moment) + "\n")
            state.due = now + Self.nanoseconds(interval)
        }
    }

    private func end(_ state: inout State, at now: UInt64) {
        guard let stage = state.stage else { return }
        let moment = Moment(stage: stage, done: state.done, elapsed: now &- stage.started)
        switch style {
        case .bar:
            if state.onScreen || moment.elapsed >= barDelay {
                write("\r" + barLine(moment, final: true) + "\u{1B}[K\n")
            }
        case .plain:
            if moment.elapsed >= Self.nanoseconds(interval) { write(closingLine(moment) + "\n") }
        }
        state.onScreen = false
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64((seconds * 1e9).rounded())
    }
}

extension ProgressReporter {
    /// A stage's progress at one moment, for rendering.
    struct Moment {
        let name: String
        let total: Int?
        let unit: String
        let done: Int
        /// Nanoseconds since the stage began.
        let elapsed: UInt64

        fileprivate init(stage: Stage, done: Int, elapsed: UInt64) {
            self.init(name: stage.name, total: stage.total, unit: stage.unit, done: done, elapsed: elapsed)
        }

        init(name: String, total: Int?, unit: String, done: Int, elapsed: UInt64) {
            self.name = name
            self.total = total
            self.unit = unit
            self.done = done
            self.elapsed = elapsed
        }
    }
}
