import XCTest
@testable import Classification

/// Table-driven subtype cases: the two published lupus cases of the issue, and one case per
/// subtype built from the clinical definitions (DOMAIN.md). Expected tops come from those
/// definitions, not from running the classifier.
final class SubtypeClassifierTests: XCTestCase {
    struct Case {
        var name: String
        var facts: ClinicalFacts
        var top: ClinicalSubtype
        /// Substrings that must appear in the top finding's rules.
        var rules: [String]
        /// Facts the top finding must list as missing.
        var missing: [String] = []
    }

    static func facts(_ build: (inout ClinicalFacts) -> Void) -> ClinicalFacts {
        var f = ClinicalFacts(patientID: "P")
        build(&f)
        return f
    }

    static let cases: [Case] = [
        // 49-year-old woman, lupus for 17 years, calcium 9.1 mg/dL, PTH 52.9 pg/mL, vitamin D
        // 57 ng/mL, eGFR 58.9, oral calcium and vitamin D; nodules in the buttocks only.
        Case(name: "lupus 17 years, buttocks", facts: facts {
            $0.connectiveTissueDisease = .lupus; $0.diseaseDurationYears = 17; $0.calciumMgDL = 9.1
            $0.pthPgML = 52.9; $0.eGFR = 58.9
        }, top: .dystrophic, rules: ["lupus (+3)", "lupus for 17 years ≥ 5 (+1)", "calcium 9.1 mg/dL not raised (+1)"],
             missing: ["local trauma", "phosphate"]),
        // 30-year-old woman, lupus for 13 years, calcium 9.4 mg/dL, phosphate 3.4 mg/dL; plaques
        // on arms, buttocks and thighs.
        Case(name: "lupus 13 years, arms buttocks thighs", facts: facts {
            $0.connectiveTissueDisease = .lupus; $0.diseaseDurationYears = 13; $0.calciumMgDL = 9.4; $0.phosphateMgDL = 3.4
        }, top: .dystrophic, rules: ["lupus (+3)", "calcium 9.4 mg/dL and phosphate 3.4 mg/dL not raised (+1)"]),
        Case(name: "systemic sclerosis after a fall", facts: facts {
            $0.connectiveTissueDisease = .systemicSclerosis; $0.localTrauma = true; $0.calciumMgDL = 9.5; $0.phosphateMgDL = 3.5
        }, top: .dystrophic, rules: ["systemic sclerosis (+3)", "local trauma at the site (+2)"], missing: ["disease duration"]),
        Case(name: "CKD stage 4, Ca×P 72", facts: facts {
            $0.ckdStage = 4; $0.calciumMgDL = 10.8; $0.phosphateMgDL = 6.7; $0.pthPgML = 310; $0.dialysis = false
        }, top: .metastatic, rules: ["Ca×P = 72 mg²/dL² ≥ 70 (+3)", "calcium 10.8 mg/dL > 10 (+2)", "phosphate 6.7 mg/dL > 4.3 (+2)",
                                     "chronic kidney disease (CKD stage 4) (+1)", "PTH 310 pg/mL > 65 (+1)"]),
        Case(name: "extravasated calcium gluconate", facts: facts {
            $0.ivCalcium = true; $0.ivPhosphate = false; $0.calciumInjections = false; $0.connectiveTissueDisease = ClinicalFacts.noDisease
            $0.calciumMgDL = 9; $0.phosphateMgDL = 3.5; $0.eGFR = 95
        }, top: .iatrogenic, rules: ["IV calcium (+4)"]),
        Case(name: "calcium heparin injections", facts: facts {
            $0.calciumInjections = true
        }, top: .iatrogenic, rules: ["calcium-containing injections (+4)"], missing: ["IV calcium", "IV phosphate"]),
        Case(name: "nothing found: idiopathic", facts: facts {
            $0.connectiveTissueDisease = ClinicalFacts.noDisease; $0.localTrauma = false; $0.calciumMgDL = 9.6; $0.phosphateMgDL = 3.1
            $0.ivCalcium = false; $0.ivPhosphate = false; $0.calciumInjections = false; $0.eGFR = 98; $0.dialysis = false
        }, top: .idiopathic, rules: ["no connective-tissue disease (+1)", "no local trauma (+1)", "calcium and phosphate not raised (+1)",
                                     "no chronic kidney disease (eGFR 98) (+1)"]),
        Case(name: "dialysis with necrotic ulcers", facts: facts {
            $0.dialysis = true; $0.ckdStage = 5; $0.skinNecrosis = true; $0.calciumMgDL = 9.8; $0.phosphateMgDL = 6.0; $0.pthPgML = 420
        }, top: .calciphylaxis, rules: ["on dialysis (+3)", "painful skin necrosis (+2)", "kidney failure (CKD stage 5, on dialysis) (+1)"]),
    ]

    func testTableOfCases() {
        let classifier = SubtypeClassifier()
        for c in Self.cases {
            let list = classifier.classify(c.facts)
            XCTAssertEqual(list.count, ClinicalSubtype.allCases.count, c.name)
            XCTAssertEqual(Set(list.map(\.subtype)), Set(ClinicalSubtype.allCases), c.name)
            let top = list[0]
            XCTAssertEqual(top.subtype, c.top, "\(c.name): \(list.map { "\($0.subtype) \($0.score)" })")
            XCTAssertEqual(top.rank, 1, c.name)
            XCTAssertGreaterThan(top.score, list[1].score, "\(c.name): the top is not ahead")
            for rule in c.rules {
                XCTAssertTrue(top.rules.contains(rule), "\(c.name): no rule \"\(rule)\" in \(top.rules)")
            }
            for fact in c.missing {
                XCTAssertTrue(top.missing.contains(fact), "\(c.name): \(fact) not listed missing in \(top.missing)")
            }
            // Ranked: scores never increase down the list.
            for (a, b) in zip(list, list.dropFirst()) { XCTAssertGreaterThanOrEqual(a.score, b.score, c.name) }
        }
    }

    /// The issue's own example sentence, and metastatic down-weighted by normal values.
    func testProductRuleSentenceAndNormalValuesCountAgainstMetastatic() {
        var f = ClinicalFacts(patientID: "P")
        f.calciumMgDL = 10.6
        f.phosphateMgDL = 6.8
        let metastatic = SubtypeClassifier().classify(f).first { $0.subtype == .metastatic }!
        XCTAssertTrue(metastatic.rules.contains("Ca×P = 72 mg²/dL² ≥ 70 (+3)"), "\(metastatic.rules)")

        f.calciumMgDL = 9.4
        f.phosphateMgDL = 3.4
        let normal = SubtypeClassifier().classify(f).first { $0.subtype == .metastatic }!
        XCTAssertEqual(normal.score, -3)
        XCTAssertTrue(normal.rules[0].contains("Ca×P = 32 mg²/dL² < 70"), "\(normal.rules)")
    }

    /// Nothing known: every subtype scores 0, all share rank 1, and each lists what it needs.
    func testNoFactsRanksNothingAndListsEverythingMissing() {
        let list = SubtypeClassifier().classify(ClinicalFacts(patientID: "P"))
        XCTAssertTrue(list.allSatisfy { $0.score == 0 && $0.rank == 1 && $0.rules.isEmpty })
        let missing = Dictionary(uniqueKeysWithValues: list.map { ($0.subtype, Set($0.missing)) })
        XCTAssertEqual(missing[.metastatic], ["calcium", "phosphate", "eGFR or CKD stage", "PTH"])
        XCTAssertEqual(missing[.dystrophic], ["connective-tissue disease", "local trauma", "calcium", "phosphate"])
        XCTAssertEqual(missing[.iatrogenic], ["IV calcium", "IV phosphate", "calcium-containing injections"])
        XCTAssertEqual(missing[.calciphylaxis], ["dialysis", "eGFR or CKD stage", "skin necrosis"])
        XCTAssertEqual(missing[.idiopathic], ["connective-tissue disease", "local trauma", "calcium", "phosphate",
                                              "IV calcium, IV phosphate, calcium-containing injections", "eGFR or CKD stage"])
        XCTAssertNil(ClinicalAssessment(matchedBy: "patient ID", findings: []).top)
        XCTAssertEqual(ClinicalAssessment(matchedBy: "patient ID", findings: list).top,
                       "metastatic/dystrophic/iatrogenic/calciphylaxis/idiopathic")
    }

    /// Values given in mmol/L are converted and the sentence shows both.
    func testRulesShowConvertedAndGivenValues() {
        var f = ClinicalFacts(patientID: "P")
        f.calciumMgDL = 2.7 * ClinicalFacts.calciumMgDLPerMmolL
        f.calciumAsGiven = "2.7 mmol/L"
        f.phosphateMgDL = 2.2 * ClinicalFacts.phosphateMgDLPerMmolL
        f.phosphateAsGiven = "2.2 mmol/L"
        let metastatic = SubtypeClassifier().classify(f).first { $0.subtype == .metastatic }!
        // 2.7 × 4.008 = 10.82 mg/dL; 2.2 × 3.097 = 6.81 mg/dL; product 73.7.
        XCTAssertTrue(metastatic.rules.contains("Ca×P = 74 mg²/dL² ≥ 70 (+3)"), "\(metastatic.rules)")
        XCTAssertTrue(metastatic.rules.contains("calcium 10.82 mg/dL (2.7 mmol/L) > 10 (+2)"), "\(metastatic.rules)")
        XCTAssertTrue(metastatic.rules.contains("phosphate 6.81 mg/dL (2.2 mmol/L) > 4.3 (+2)"), "\(metastatic.rules)")
    }
}
