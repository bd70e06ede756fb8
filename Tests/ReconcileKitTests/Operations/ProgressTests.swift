import Foundation
import Synchronization
import Testing
@testable import ReconcileKit

/// A clock the test sets by hand, counting how often the reporter reads it.
final class ManualClock: Sendable {
    private let now = Mutex<UInt64>(0)
    private let readCount = Mutex(0)

    /// Sets the time to `milliseconds` after the start.
    func set(ms milliseconds: UInt64) { now.withLock { $0 = milliseconds * 1_000_000 } }
    func set(seconds: UInt64) { set(ms: seconds * 1_000) }
    func set(us microseconds: UInt64) { now.withLock { $0 = microseconds * 1_000 } }
    var reads: Int { readCount.withLock { $0 } }

    var read: @Sendable () -> UInt64 {
        { [self] in
            readCount.withLock { $0 += 1 }
            return now.withLock { $0 }
        }
    }
}

/// Collects what the reporter writes, one element per write.
final class CapturedOutput: Sendable {
    private let chunks = Mutex<[String]>([])

    var write: @Sendable (String) -> Void { { [self] text in chunks.withLock { $0.append(text) } } }
    var writes: [String] { chunks.withLock { $0 } }
    var text: String { writes.joined() }
}

private func reporter(_ style: ProgressReporter.Style, interval: Double = 5, width: Int = 100) -> (ProgressReporter, ManualClock, CapturedOutput) {
    let clock = ManualClock(), output = CapturedOutput()
    return (ProgressReporter(style: style, interval: interval, width: width, clock: clock.read, write: output.write), clock, output)
}

/// What a bar redraw writes for `line`.
private func redraw(_ line: String) -> String { "\r" + line + "\u{1B}[K" }

// MARK: - The bar

@Test func drawsTheBarAtZeroFortyEightAndOneHundredPercentThenFinalisesItWithTheStageTime() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "applying", total: 1_000_000, unit: "actions")
    clock.set(seconds: 1)
    progress.advance(by: 0)
    clock.set(seconds: 8)
    progress.advance(by: 480_000)
    clock.set(seconds: 16)
    progress.advance(by: 520_000)
    progress.finish()
    #expect(output.writes == [
        redraw("applying  [....................]   0%  0/1,000,000  0/s"),
        redraw("applying  [#########...........]  48%  480,000/1,000,000  60,000/s  ETA 0:09"),
        redraw("applying  [####################] 100%  1,000,000/1,000,000  62,500/s  ETA 0:00"),
        redraw("applying  [####################] 100%  1,000,000/1,000,000  62,500/s  in 16 s") + "\n",
    ])
}

@Test func showsBytesInDecimalUnitsWithTheirRate() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "reading the export", total: 1_234_567_890, unit: "bytes")
    clock.set(seconds: 4)
    progress.advance(by: 412_300_000)
    #expect(output.writes == [redraw("reading the export  [######..............]  33%  412.3 MB/1.2 GB  103.1 MB/s  ETA 0:08")])
}

@Test func writesTheEtaWithHoursPastAnHour() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "applying", total: 10_000_000, unit: "actions")
    clock.set(seconds: 10)
    progress.advance(by: 1_000)
    #expect(output.writes == [redraw("applying  [....................]   0%  1,000/10,000,000  100/s  ETA 27:46:30")])
}

@Test func countsWithoutAPercentageWhenTheTotalIsUnknown() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "reading the store", total: nil, unit: "rows")
    clock.set(seconds: 8)
    progress.set(done: 482_113)
    progress.finish()
    #expect(output.writes == [
        redraw("reading the store  482,113 rows  60,264/s  0:08"),
        redraw("reading the store  482,113 rows  60,264/s  in 8.0 s") + "\n",
    ])
}

@Test func shrinksThenDropsTheBarThenCutsTheLineToFitTheTerminal() {
    let lines = [100, 60, 40].map { width in
        let (progress, clock, output) = reporter(.bar, width: width)
        progress.begin(stage: "applying", total: 1_000_000, unit: "actions")
        clock.set(seconds: 8)
        progress.advance(by: 480_000)
        return output.text
    }
    #expect(lines == [
        redraw("applying  [#########...........]  48%  480,000/1,000,000  60,000/s  ETA 0:09"),
        redraw("applying  48%  480,000/1,000,000  60,000/s  ETA 0:09"),
        redraw("applying  48%  480,000/1,000,000  60,00"),
    ])
}

@Test func redrawsTheBarAtMostTenTimesASecondAndNotBeforeTheFirstSecond() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "planning", total: 300, unit: "users")
    for step in 1...300 {
        clock.set(ms: UInt64(step) * 10)
        progress.advance()
    }
    // Drawn at 1.0 s, 1.1 s ... 3.0 s.
    #expect(output.writes.count == 21)
    #expect(output.writes.first == redraw("planning  [######..............]  33%  100/300  100/s  ETA 0:02"))
    #expect(output.writes.last == redraw("planning  [####################] 100%  300/300  100/s  ETA 0:00"))
}

@Test func aNoteErasesTheBarWhichComesBackAtTheNextStep() {
    let (progress, clock, output) = reporter(.bar)
    progress.begin(stage: "applying", total: 4, unit: "actions")
    clock.set(seconds: 2)
    progress.advance()
    progress.note("reconcile: the endpoint refused /Bulk\n")
    clock.set(ms: 2_010)
    progress.advance()
    #expect(output.writes == [
        redraw("applying  [#####...............]  25%  1/4  0.5/s  ETA 0:06"),
        "\r\u{1B}[K",
        "reconcile: the endpoint refused /Bulk\n",
        redraw("applying  [##########..........]  50%  2/4  1.0/s  ETA 0:03"),
    ])
}

// MARK: - Plain lines

@Test func writesPlainLinesAndAClosingLine() {
    let (progress, clock, output) = reporter(.plain)
    progress.begin(stage: "applying", total: 1_000_000, unit: "actions")
    clock.set(seconds: 8)
    progress.advance(by: 480_000)
    clock.set(seconds: 16)
    progress.advance(by: 520_000)
    progress.finish()
    #expect(output.text == """
        reconcile: applying 48% (480,000 of 1,000,000, 60,000/s, ETA 9 s)
        reconcile: applying 100% (1,000,000 of 1,000,000, 62,500/s, ETA 0 s)
        reconcile: applying took 16 s (1,000,000 actions, 62,500/s)

        """)
}

@Test func plainLinesOfUnknownTotalsBytesAndHoursSayWhatIsKnown() {
    let (progress, clock, output) = reporter(.plain, interval: 2)
    progress.begin(stage: "reading the store", total: nil, unit: "rows")
    clock.set(seconds: 8)
    progress.advance(by: 482_113)
    progress.begin(stage: "reading the export", total: 1_234_567_890, unit: "bytes")
    clock.set(seconds: 12)
    progress.advance(by: 412_300_000)
    progress.begin(stage: "applying", total: 10_000_000, unit: "actions")
    clock.set(seconds: 22)
    progress.advance(by: 1_000)
    progress.finish()
    #expect(output.text == """
        reconcile: reading the store 482,113 rows (60,264/s, 8 s so far)
        reconcile: reading the store took 8.0 s (482,113 rows, 60,264/s)
        reconcile: reading the export 33% (412.3 MB of 1.2 GB, 103.1 MB/s, ETA 8 s)
        reconcile: reading the export took 4.0 s (412.3 MB of 1.2 GB, 103.1 MB/s)
        reconcile: applying 0% (1,000 of 10,000,000, 100/s, ETA 27 h 46 min)
        reconcile: applying took 10 s (1,000 of 10,000,000 actions, 100/s)

        """)
}

@Test func writesAtMostOnePlainLinePerInterval() {
    let (progress, clock, output) = reporter(.plain)
    progress.begin(stage: "applying", total: 23_000, unit: "actions")
    for second in 1...23 {
        clock.set(seconds: UInt64(second))
        progress.advance(by: 1_000)
    }
    progress.finish()
    #expect(output.text == """
        reconcile: applying 21% (5,000 of 23,000, 1,000/s, ETA 18 s)
        reconcile: applying 43% (10,000 of 23,000, 1,000/s, ETA 13 s)
        reconcile: applying 65% (15,000 of 23,000, 1,000/s, ETA 8 s)
        reconcile: applying 86% (20,000 of 23,000, 1,000/s, ETA 3 s)
        reconcile: applying took 23 s (23,000 actions, 1,000/s)

        """)
}

@Test func printsNothingForStagesShorterThanTheInterval() {
    // Plain lines: two stages of 4 s each against the 5 s interval; the bar: two of 0.9 s (it shows after 1 s).
    for (style, step) in [(ProgressReporter.Style.plain, UInt64(4_000)), (.bar, 900)] {
        let (progress, clock, output) = reporter(style)
        var now: UInt64 = 0
        for stage in ["reading the export", "planning"] {
            progress.begin(stage: stage, total: 1_000, unit: "users")
            for _ in 1...1_000 {
                now += step
                clock.set(us: now)
                progress.advance()
            }
        }
        progress.finish()
        #expect(output.writes.isEmpty)
    }
}

@Test func beginningAStageClosesTheOneBefore() {
    let (progress, clock, output) = reporter(.plain)
    progress.begin(stage: "reading the store", total: 10, unit: "rows")
    progress.advance(by: 10)
    clock.set(seconds: 6)
    progress.begin(stage: "planning", total: 1, unit: "users")
    progress.advance()
    clock.set(seconds: 7)
    progress.finish()
    progress.finish()
    #expect(output.text == "reconcile: reading the store took 6.0 s (10 rows, 1.7/s)\n")
}

@Test func readsTheClockRarelyWhenCalledOncePerUser() {
    let (progress, clock, output) = reporter(.plain)
    progress.begin(stage: "planning", total: 1_000_000, unit: "users")
    for _ in 0..<1_000_000 { progress.advance() }
    progress.finish()
    #expect(clock.reads < 1_100)
    #expect(output.writes.isEmpty)
}

// MARK: - Formatting

@Test func formatsCountsBytesAndDurations() {
    #expect([0, 999, 1_000, 1_234_567, -4_500].map(ProgressReporter.grouped) == ["0", "999", "1,000", "1,234,567", "-4,500"])
    #expect([512, 12_345, 999_960, 412_300_000, 1_234_567_890].map(ProgressReporter.bytes)
        == ["512 B", "12.3 kB", "1.0 MB", "412.3 MB", "1.2 GB"])
    #expect([8, 725, 3_600, 99_990].map(ProgressReporter.clock) == ["0:08", "12:05", "1:00:00", "27:46:30"])
    #expect([8, 120, 125, 99_990].map(ProgressReporter.words) == ["8 s", "2 min", "2 min 5 s", "27 h 46 min"])
    #expect([400_000_000, 9_940_000_000, 16_000_000_000, 125_000_000_000].map(ProgressReporter.took) == ["0.4 s", "9.9 s", "16 s", "2 min 5 s"])
}

// MARK: - Choosing the style

@Test func autoDrawsTheBarOnlyOnATerminalThatIsNotDumb() {
    let terminal = ["TERM": "xterm-256color"]
    #expect(ProgressReporter.style(mode: .auto, isTerminal: true, environment: terminal) == .bar)
    #expect(ProgressReporter.style(mode: .auto, isTerminal: true, environment: [:]) == .bar)
    #expect(ProgressReporter.style(mode: .auto, isTerminal: true, environment: ["TERM": "dumb"]) == .plain)
    #expect(ProgressReporter.style(mode: .auto, isTerminal: false, environment: terminal) == .plain)
    #expect(ProgressReporter.style(mode: .bar, isTerminal: false, environment: [:]) == .bar)
    #expect(ProgressReporter.style(mode: .plain, isTerminal: true, environment: terminal) == .plain)
    #expect(ProgressReporter.style(mode: .none, isTerminal: true, environment: terminal) == nil)
}

@Test func readsTheIntervalFromTheEnvironment() throws {
    #expect(try ProgressReporter.interval([:]) == 5)
    #expect(try ProgressReporter.interval(["RECONCILE_PROGRESS_INTERVAL": ""]) == 5)
    #expect(try ProgressReporter.interval(["RECONCILE_PROGRESS_INTERVAL": "0"]) == 0)
    #expect(try ProgressReporter.interval(["RECONCILE_PROGRESS_INTERVAL": "0.5"]) == 0.5)
    #expect(throws: ProgressError.badInterval("-1")) { try ProgressReporter.interval(["RECONCILE_PROGRESS_INTERVAL": "-1"]) }
    #expect(ProgressError.badInterval("soon").description == "RECONCILE_PROGRESS_INTERVAL is 'soon', not a number of seconds: "
        + "set it to the seconds between progress lines (5 is the default, 0 writes every step), or unset it")
}
