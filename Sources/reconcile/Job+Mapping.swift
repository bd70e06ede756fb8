import ReconcileKit

/// `reconcile mapping`: the effective attribute mapping, as a table or in the configuration's shape.
extension Job {
    static func mapping(config: String?, format: RunOptions.Format) throws -> ExitCode {
        let configuration = try config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        switch format {
        case .json:
            print(JSONWriter.write(configuration.mapping.configurationJSON, pretty: true))
        case .text:
            // The file was read above; reading it again only tells whether it has a mapping of its own.
            let ownMapping = config.flatMap { try? JSONReader.parse(contentsOf: $0) }?["mapping"] != nil
            let origin = ownMapping ? "from \(config ?? "")" : "the default UiPath mapping" + (config.map { " (\($0) has no mapping)" } ?? "")
            print(configuration.mapping.text(origin: origin), terminator: "")
        }
        return .success
    }
}
