import Testing
@testable import ReconcileKit

@Test func lowercasesASCIINames() {
    #expect(IdentityKey.normalize("Ada.Lovelace@ContosoPharma.EXAMPLE") == "ada.lovelace@contosopharma.example")
}

@Test func lowercasesEveryASCIICharacterAsUnicodeDoes() {
    // Every ASCII character, the ones beside A-Z ('@', '[', '`', '{') among them.
    let all = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
    #expect(IdentityKey.normalize(all) == all.lowercased())
    #expect(IdentityKey.normalize("@[`{AZaz") == "@[`{azaz")
}

@Test func leavesLowercaseASCIINamesAsTheyAre() {
    #expect(IdentityKey.normalize("ada.lovelace@contosopharma.example") == "ada.lovelace@contosopharma.example")
    #expect(IdentityKey.normalize("") == "")
}

@Test func composesCombiningMarksBeforeComparing() {
    let decomposed = IdentityKey.normalize("Zoe\u{308}@contoso.example")
    let precomposed = IdentityKey.normalize("Zo\u{EB}@contoso.example")
    #expect(decomposed == precomposed)
    // The key itself is NFC, so it compares equal byte for byte too.
    #expect(Array(decomposed.utf8) == Array("zo\u{EB}@contoso.example".utf8))
}

@Test func foldsSharpSToDoubleS() {
    #expect(IdentityKey.normalize("STRASSE@contoso.example") == IdentityKey.normalize("straße@contoso.example"))
    #expect(IdentityKey.normalize("Straße") == "strasse")
}

@Test func foldsCapitalSharpSLikeSharpS() {
    // CaseFolding.txt folds U+1E9E LATIN CAPITAL LETTER SHARP S to "ss" (status F), like U+00DF.
    #expect(IdentityKey.normalize("STRA\u{1E9E}E") == IdentityKey.normalize("straße"))
    #expect(IdentityKey.normalize("STRA\u{1E9E}E") == "strasse")
}

@Test func foldsNonLatinScripts() {
    #expect(IdentityKey.normalize("ΣΊΣΥΦΟΣ") == IdentityKey.normalize("σίσυφος"))
    #expect(IdentityKey.normalize("ДМИТРИЙ") == "дмитрий")
    #expect(IdentityKey.normalize("\u{212A}elvin") == "kelvin")  // KELVIN SIGN
    #expect(IdentityKey.normalize("\u{FB01}nance") == IdentityKey.normalize("FINANCE"))  // LATIN SMALL LIGATURE FI
}

@Test func keepsDifferentLettersApart() {
    #expect(IdentityKey.normalize("zoe") != IdentityKey.normalize("zoë"))
    #expect(IdentityKey.normalize("nunez") != IdentityKey.normalize("núñez"))
    #expect(IdentityKey.normalize("ada@contoso.example") != IdentityKey.normalize("ada@contoso.example "))
}

@Test func isStableWhenAppliedTwice() {
    for name in ["Zoe\u{308} Núñez", "STRASSE", "straße", "ΣΊΣΥΦΟΣ", "Ada@X", "\u{FB01}"] {
        let key = IdentityKey.normalize(name)
        #expect(IdentityKey.normalize(key) == key, "\(name)")
    }
}
