/// The kinds of calcinosis cutis by cause (Boulman 2005; Gutierrez & Wetter 2012).
public enum ClinicalSubtype: String, Sendable, Codable, CaseIterable {
    /// Damaged tissue, normal calcium and phosphate: connective-tissue disease, trauma.
    case dystrophic
    /// Raised calcium and/or phosphate (Ca×P ≥ 70 mg²/dL²), most often chronic kidney disease.
    case metastatic
    /// Intravenous calcium or phosphate, calcium-containing injections.
    case iatrogenic
    /// No tissue damage and no metabolic cause: a diagnosis of exclusion.
    case idiopathic
    /// Calcification of small and medium vessels, mainly in dialysis patients.
    case calciphylaxis
}

/// One subtype with the points the rules gave it, why, and what was not known.
public struct SubtypeFinding: Sendable, Equatable {
    public var subtype: ClinicalSubtype
    /// Sum of the fired rules' points; higher is better supported. Comparable across subtypes
    /// of one patient only.
    public var score: Int
    /// 1 for the best supported; tied scores share a rank.
    public var rank: Int
    /// The rules that fired, each a sentence with its figures and its points, e.g.
    /// "Ca×P = 72 mg²/dL² ≥ 70 (+3)".
    public var rules: [String]
    /// Facts these rules needed that the record did not give.
    public var missing: [String]

    public init(subtype: ClinicalSubtype, score: Int, rank: Int, rules: [String], missing: [String]) {
        self.subtype = subtype
        self.score = score
        self.rank = rank
        self.rules = rules
        self.missing = missing
    }
}

/// The subtype list for one film and how its clinical record was found.
public struct ClinicalAssessment: Sendable, Equatable {
    /// "file path", "file name" or "patient ID".
    public var matchedBy: String
    /// Ranked, best supported first.
    public var findings: [SubtypeFinding]

    public init(matchedBy: String, findings: [SubtypeFinding]) {
        self.matchedBy = matchedBy
        self.findings = findings
    }

    /// The rank-1 subtypes ("dystrophic", or "dystrophic/metastatic" on a tie); nil without findings.
    public var top: String? {
        let best = findings.filter { $0.rank == 1 }.map(\.subtype.rawValue)
        return best.isEmpty ? nil : best.joined(separator: "/")
    }
}
