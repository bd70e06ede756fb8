import Foundation

extension SnapshotLoader {
    /// The bytes `load(path:)` reads at `path` (its file, or its folder's page files), the total of
    /// the "reading the export" progress stage; nil when the files cannot be listed, which `load`
    /// then reports.
    public static func exportBytes(at path: String) -> Int? {
        guard let files = try? pageFiles(at: path) else { return nil }
        return totalBytes(of: files)
    }

    /// The bytes of `files` together; nil when one cannot be looked at.
    static func totalBytes(of files: [String]) -> Int? {
        var total = 0
        for file in files {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber else { return nil }
            total += size.intValue
        }
        return total
    }
}
