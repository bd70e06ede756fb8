import Foundation
import Testing
@testable import ReconcileKit

/// A run keeps only the directory properties its mapping and scoping read: the selection must name
/// every property a read can touch, and loading with it must give users the same values for those.
struct PropertySelectionTests {
    @Test func namesEveryPropertyAReadCanTouch() throws {
        let mapping = try Mapping(entries: [
            .init(target: .externalId, source: .attribute("objectId"), matchingPrecedence: 1),
            .init(target: .userName, source: .attribute("userPrincipalName"), matchingPrecedence: 2),
            .init(target: .active, source: .expression(.call("Not", [.attribute("IsSoftDeleted")]))),
            .init(target: SCIMPath(attribute: "phoneNumbers", typeFilter: "work", subAttribute: "value"), source: .attribute("telephoneNumber")),
            .init(target: SCIMPath(attribute: "title"), source: .expression(.call("Join", [.literal(" "), .attribute("extensionAttribute3")]))),
            .init(target: SCIMPath(schema: SCIMPath.enterpriseSchema, attribute: "costCenter"), source: .attribute("employeeOrgData.costCenter")),
            .init(target: SCIMUserSchema.manager, source: .attribute("manager")),
            .init(target: SCIMPath(attribute: "nickName"), source: .constant("none")),
        ])
        let filter = ScopingFilter(clauses: [try ScopingClause(attribute: "Department", operator: .equals, value: "Research")])
        let selection = PropertySelection(mapping: mapping, scope: Scope(assignments: nil, filters: [filter]))
        #expect(selection.keys == [
            "id", "userprincipalname", "accountenabled", "deleteddatetime", "@removed",
            "telephonenumber", "businessphones", "extensionattribute3", "onpremisesextensionattributes",
            "employeeorgdata.costcenter", "employeeorgdata", "manager", "manager@delta", "department",
        ])
    }

    @Test func usersLoadedWithTheSelectionHoldTheSameValuesForWhatItKeeps() throws {
        let selection = PropertySelection(mapping: .uiPath, scope: .everyone)
        // Each file with the number of properties its first user keeps, of how many it has.
        let fixtures = [
            (TestSupport.fixture("snapshots/graph-page.json"), 7, 7),
            (TestSupport.fixture("formats/powershell-7-array.json"), 5, 6),
            (TestSupport.fixture("formats/admin-center-documented.csv"), 10, 18),
        ]
        for (path, keptCount, fullCount) in fixtures {
            let full = try SnapshotLoader().load(path: path)
            let kept = try SnapshotLoader().load(path: path, keeping: selection)
            #expect(kept.users.map(\.id) == full.users.map(\.id))
            #expect(kept.users.map(\.origin) == full.users.map(\.origin))
            #expect(kept.sha256 == full.sha256)
            #expect(kept.warnings == full.warnings)
            for (user, whole) in zip(kept.users, full.users) {
                #expect(user.properties.dictionary == whole.properties.dictionary.filter { selection.keeps($0.key) })
                #expect(try Mapper(mapping: .uiPath).map(user) == (try Mapper(mapping: .uiPath).map(whole)).replacingSource(user))
            }
            #expect(kept.users.first?.properties.count == keptCount)
            #expect(full.users.first?.properties.count == fullCount)
        }
    }
}

extension DesiredUser {
    /// The same mapped values, from `source`.
    fileprivate func replacingSource(_ source: DirectoryUser) -> DesiredUser {
        DesiredUser(source: source, createValues: createValues, updateValues: updateValues,
                    createReferences: createReferences, updateReferences: updateReferences)
    }
}
