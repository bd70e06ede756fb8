/// A reference attribute (the enterprise `manager`) that an action sets to a user created in the same
/// run: its target id does not exist when the plan is made, so the plan names the user by source id
/// and the `Applier` fills the id in once that user's create has one (creates of managers go first).
///
/// In the plan file: `"references": [{"attribute": "urn:…:User:manager", "sourceId": "…",
/// "userName": "…", "old": "…"}]` on the create or update that carries it.
public struct PlanReference: Sendable, Equatable {
    /// The attribute set, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
    public var path: SCIMPath
    /// The directory id of the referenced user (the manager).
    public var sourceId: String
    /// The referenced user's userName, for review.
    public var userName: String
    /// For an update: the value the target holds now (so the Applier adds or replaces).
    public var old: SCIMValue?

    public init(path: SCIMPath, sourceId: String, userName: String, old: SCIMValue? = nil) {
        self.path = path
        self.sourceId = sourceId
        self.userName = userName
        self.old = old
    }

    /// The reference as the plan file writes it.
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "attribute": .string(path.description), "sourceId": .string(sourceId), "userName": .string(userName),
        ]
        members["old"] = old?.json
        return .object(members)
    }

    /// Reads a reference from a plan file; `nil` when it is not one.
    init?(json: JSONValue) {
        guard let path = json["attribute"]?.stringValue.flatMap(SCIMPath.init),
              let sourceId = json["sourceId"]?.stringValue, !sourceId.isEmpty else { return nil }
        self.init(path: path, sourceId: sourceId, userName: json["userName"]?.stringValue ?? sourceId,
                  old: json["old"].flatMap(SCIMValue.init(json:)))
    }

    /// The operation that sets the reference to `targetID` on an existing user.
    func operation(targetID: String) -> PatchOperation {
        PatchOperation(op: old == nil ? .add : .replace, path: path, value: SCIMUserSchema.json(.string(targetID), at: path))
    }
}
