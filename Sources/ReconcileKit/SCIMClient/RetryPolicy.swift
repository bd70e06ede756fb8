import Foundation
import Synchronization

/// When and how long to wait before repeating a failed request.
///
/// 429 and 503 wait as `Retry-After` says (RFC 9110 §10.2.3, seconds or an HTTP date), and make
/// every other request of the run wait too: the endpoint asked the client, not one request, to slow
/// down. Other 5xx answers and network errors back off exponentially with jitter. Each request has
/// at most `maxAttempts`; the whole run may spend at most `budget` seconds waiting, so a dead endpoint
/// cannot keep a nightly job running for hours: what still fails is reported (and escrowed) instead.
public final class RetryPolicy: Sendable {
    /// Attempts per request, the first included.
    public let maxAttempts: Int
    /// The first back-off, doubled per attempt.
    public let baseDelay: Double
    /// The longest single wait.
    public let maxDelay: Double
    /// Seconds the run may spend waiting to retry, over all requests.
    public let budget: Double

    private struct State {
        var spent = 0.0
        var retries = 0
        var pausedUntil: DispatchTime?
    }
    private let state = Mutex(State())

    public init(maxAttempts: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 60, budget: Double = 600) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    /// Retries made so far in this run.
    public var retries: Int { state.withLock { $0.retries } }
    /// Seconds spent (or reserved) waiting so far.
    public var secondsWaited: Double { state.withLock { $0.spent } }

    /// The exponential back-off before attempt `attempt + 1`, with "equal jitter": half fixed, half
    /// random, so concurrent clients that failed together do not retry together.
    func backoff(afterAttempt attempt: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    /// Waits before retrying after `attempt` failed attempts, if the attempts and the budget allow.
    /// - Parameters:
    ///   - retryAfter: the server's `Retry-After`, in seconds; it replaces the back-off and pauses
    ///     the other requests of the run as well.
    /// - Returns: false when no retry is allowed (nothing was waited).
    func waitToRetry(afterAttempt attempt: Int, retryAfter: Double?) -> Bool {
        guard attempt < maxAttempts else { return false }
        let delay = retryAfter.map { min($0, maxDelay) } ?? backoff(afterAttempt: attempt)
        let allowed = state.withLock { state -> Bool in
            guard state.spent + delay <= budget else { return false }
            state.spent += delay
            state.retries += 1
            if retryAfter != nil {
                let until = DispatchTime.now() + delay
                if state.pausedUntil.map({ $0 < until }) ?? true { state.pausedUntil = until }
            }
            return true
        }
        guard allowed else { return false }
        Thread.sleep(forTimeInterval: delay)
        return true
    }

    /// Blocks while a `Retry-After` from any request of the run is in force.
    func waitWhilePaused() {
        while true {
            let remaining: Double = state.withLock { state in
                guard let until = state.pausedUntil else { return 0 }
                let now = DispatchTime.now()
                if until <= now { state.pausedUntil = nil; return 0 }
                return Double(until.uptimeNanoseconds - now.uptimeNanoseconds) / 1e9
            }
            if remaining <= 0 { return }
            Thread.sleep(forTimeInterval: remaining)
        }
    }

    /// `Retry-After` as seconds: delta-seconds, or an HTTP date (IMF-fixdate) from now.
    static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
