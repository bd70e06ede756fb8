extension String {
    /// Calls `body` with the string's UTF-8 bytes, as `withUTF8(_:)` does, but without the mutable
    /// copy that method needs: copying a string retains its storage and releases it after, two
    /// atomic operations per call, which a million users' lookups and digests pay many times over.
    /// Native strings (every string this program makes) are contiguous already; any other is
    /// copied as `withUTF8` would.
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
