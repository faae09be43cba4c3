import Radiography

/// Ranks metastatic / dystrophic / iatrogenic / idiopathic / calciphylaxis from clinical facts
/// alone (the image says nothing about cause), each with the rules that fired and the facts
/// that were missing. Decision support: the list says which cause the given facts point to,
/// it does not diagnose.
///
/// Rules and points (reference ranges of the published cases: calcium 8.5–10 mg/dL, phosphate
/// 2.5–4.3 mg/dL):
/// - **metastatic**: Ca×P ≥ 70 mg²/dL² +3; calcium > 10 +2; phosphate > 4.3 +2; CKD (eGFR < 60,
///   stage ≥ 3 or dialysis) +1; PTH > 65 pg/mL +1; calcium and phosphate both not raised −3.
/// - **dystrophic**: a connective-tissue disease +3; for ≥ 5 years +1 (calcinosis comes years
///   after the diagnosis: mean 9.8 years in lupus); local trauma +2; calcium not raised and
///   phosphate not raised or unknown +1; Ca×P ≥ 70 −2.
/// - **iatrogenic**: IV calcium, IV phosphate or calcium-containing injections +4.
/// - **calciphylaxis**: dialysis +3; kidney failure (eGFR < 15 or stage 5) +1; painful skin
///   necrosis +2; Ca×P ≥ 70 +1; PTH > 65 +1; neither dialysis nor kidney failure −2.
/// - **idiopathic** (exclusion): +1 for each cause ruled out (no connective-tissue disease, no
///   trauma, calcium and phosphate not raised, no IV calcium/phosphate or injections, no CKD),
///   −3 for each cause present.
/// A rule whose facts are unknown does not fire; its facts are listed as missing instead, never
/// assumed normal.
public struct SubtypeClassifier: Sendable {
    /// Ca×P (mg²/dL²) at or above which metastatic calcification is expected.
    public var calciumPhosphateProductLimit: Double = 70
    /// Upper reference limits (mg/dL).
    public var calciumUpperMgDL: Double = 10
    public var phosphateUpperMgDL: Double = 4.3
    /// Upper reference limit of PTH (pg/mL): above it, hyperparathyroidism.
    public var pthUpperPgML: Double = 65
    /// eGFR (mL/min/1.73 m²) below which kidney disease is chronic (KDIGO stage ≥ 3) …
    public var eGFRChronicKidneyDisease: Double = 60
    /// … and kidney failure (stage 5).
    public var eGFRKidneyFailure: Double = 15
    /// Years of connective-tissue disease that make dystrophic calcinosis more likely.
    public var diseaseYears: Double = 5

    public init() {}

    public func classify(_ facts: ClinicalFacts) -> [SubtypeFinding] {
        let f = Figures(facts, self)
        var list = [metastatic(f), dystrophic(f), iatrogenic(f), calciphylaxis(f), idiopathic(f)]
        // Best first; ties keep the order above (dystrophic is the most common kind overall,
        // but a tie is shown as one by the shared rank).
        list = list.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }.map(\.element)
        for i in list.indices {
            list[i].rank = i > 0 && list[i].score == list[i - 1].score ? list[i - 1].rank : i + 1
        }
        return list
    }

    /// The derived facts every subtype looks at, with their sentences.
    struct Figures {
        let facts: ClinicalFacts
        let product: Double?
        let productHigh: Bool?
        let calciumHigh: Bool?
        let phosphateHigh: Bool?
        let ckd: Bool?
        let kidneyFailure: Bool?
        let pthHigh: Bool?
        let exposures: [String]
        let exposureKnownAbsent: Bool
        let calciumText: String?
        let phosphateText: String?
        let productText: String?
        let kidneyText: String

        init(_ facts: ClinicalFacts, _ c: SubtypeClassifier) {
            self.facts = facts
            func serum(_ name: String, _ mgDL: Double?, _ given: String?) -> String? {
                guard let mgDL else { return nil }
                var text = "\(name) \(NumberText.short(mgDL, decimals: 2)) mg/dL"
                if let given, !given.hasSuffix("mg/dL") { text += " (\(given))" }
                return text
            }
            calciumText = serum("calcium", facts.calciumMgDL, facts.calciumAsGiven)
            phosphateText = serum("phosphate", facts.phosphateMgDL, facts.phosphateAsGiven)
            product = facts.calciumPhosphateProduct
            productHigh = product.map { $0 >= c.calciumPhosphateProductLimit }
            productText = product.map { "Ca×P = \(NumberText.short($0, decimals: 0)) mg²/dL²" }
            calciumHigh = facts.calciumMgDL.map { $0 > c.calciumUpperMgDL }
            phosphateHigh = facts.phosphateMgDL.map { $0 > c.phosphateUpperMgDL }
            pthHigh = facts.pthPgML.map { $0 > c.pthUpperPgML }
            // Kidney: any fact that shows disease is enough; ruling it out needs a normal eGFR or an
            // early stage, and no dialysis when dialysis is known.
            let byGFR = facts.eGFR.map { $0 < c.eGFRChronicKidneyDisease }
            let byStage = facts.ckdStage.map { $0 >= 3 }
            if facts.dialysis == true || byGFR == true || byStage == true { ckd = true }
            else if byGFR == false || byStage == false { ckd = false }
            else { ckd = nil }
            let failureByGFR = facts.eGFR.map { $0 < c.eGFRKidneyFailure }
            let failureByStage = facts.ckdStage.map { $0 >= 5 }
            if failureByGFR == true || failureByStage == true { kidneyFailure = true }
            else if failureByGFR == false || failureByStage == false { kidneyFailure = false }
            else { kidneyFailure = nil }
            var parts: [String] = []
            if let g = facts.eGFR { parts.append("eGFR \(NumberText.short(g))") }
            if let s = facts.ckdStage { parts.append("CKD stage \(s)") }
            if facts.dialysis == true { parts.append("on dialysis") }
            kidneyText = parts.joined(separator: ", ")
            var exposures: [String] = []
            if facts.ivCalcium == true { exposures.append("IV calcium") }
            if facts.ivPhosphate == true { exposures.append("IV phosphate") }
            if facts.calciumInjections == true { exposures.append("calcium-containing injections") }
            self.exposures = exposures
            exposureKnownAbsent = facts.ivCalcium == false && facts.ivPhosphate == false && facts.calciumInjections == false
        }
    }

    /// Collects the rules that fire for one subtype.
    struct Tally {
        var score = 0
        var rules: [String] = []
        var missing: [String] = []
        mutating func add(_ points: Int, _ text: String) {
            score += points
            rules.append("\(text) (\(points > 0 ? "+" : "−")\(abs(points)))")
        }
        mutating func need(_ fact: String) { if !missing.contains(fact) { missing.append(fact) } }
        func finding(_ subtype: ClinicalSubtype) -> SubtypeFinding {
            SubtypeFinding(subtype: subtype, score: score, rank: 0, rules: rules, missing: missing)
        }
    }

    func metastatic(_ f: Figures) -> SubtypeFinding {
        var t = Tally()
        let limit = NumberText.short(calciumPhosphateProductLimit)
        if f.productHigh == true, let text = f.productText { t.add(3, "\(text) ≥ \(limit)") }
        if f.calciumHigh == true, let text = f.calciumText { t.add(2, "\(text) > \(NumberText.short(calciumUpperMgDL))") }
        if f.phosphateHigh == true, let text = f.phosphateText { t.add(2, "\(text) > \(NumberText.short(phosphateUpperMgDL))") }
        if f.ckd == true { t.add(1, "chronic kidney disease (\(f.kidneyText))") }
        if f.pthHigh == true, let pth = f.facts.pthPgML { t.add(1, "PTH \(NumberText.short(pth)) pg/mL > \(NumberText.short(pthUpperPgML))") }
        if f.calciumHigh == false, f.phosphateHigh == false, let ca = f.calciumText, let p = f.phosphateText {
            t.add(-3, "\(ca) and \(p) not raised" + (f.productText.map { ", \($0) < \(limit)" } ?? ""))
        }
        if f.facts.calciumMgDL == nil { t.need("calcium") }
        if f.facts.phosphateMgDL == nil { t.need("phosphate") }
        if f.ckd == nil { t.need("eGFR or CKD stage") }
        if f.facts.pthPgML == nil { t.need("PTH") }
        return t.finding(.metastatic)
    }

    func dystrophic(_ f: Figures) -> SubtypeFinding {
        var t = Tally()
        let facts = f.facts
        if let disease = facts.connectiveTissueDisease, disease != .none {
            t.add(3, disease.displayName)
            if let years = facts.diseaseDurationYears {
                if years >= diseaseYears { t.add(1, "\(disease.displayName) for \(NumberText.short(years)) years ≥ \(NumberText.short(diseaseYears))") }
            } else {
                t.need("disease duration")
            }
        }
        if facts.localTrauma == true { t.add(2, "local trauma at the site") }
        if f.calciumHigh == false, f.phosphateHigh != true, let ca = f.calciumText {
            t.add(1, f.phosphateText.map { "\(ca) and \($0) not raised" } ?? "\(ca) not raised")
        }
        if f.productHigh == true, let text = f.productText {
            t.add(-2, "\(text) ≥ \(NumberText.short(calciumPhosphateProductLimit)): a metabolic cause")
        }
        if facts.connectiveTissueDisease == nil { t.need("connective-tissue disease") }
        if facts.localTrauma == nil { t.need("local trauma") }
        if facts.calciumMgDL == nil { t.need("calcium") }
        if facts.phosphateMgDL == nil { t.need("phosphate") }
        return t.finding(.dystrophic)
    }

    func iatrogenic(_ f: Figures) -> SubtypeFinding {
        var t = Tally()
        if !f.exposures.isEmpty { t.add(4, f.exposures.joined(separator: ", ")) }
        if f.facts.ivCalcium == nil { t.need("IV calcium") }
        if f.facts.ivPhosphate == nil { t.need("IV phosphate") }
        if f.facts.calciumInjections == nil { t.need("calcium-containing injections") }
        return t.finding(.iatrogenic)
    }

    func calciphylaxis(_ f: Figures) -> SubtypeFinding {
        var t = Tally()
        let facts = f.facts
        if facts.dialysis == true { t.add(3, "on dialysis") }
        if f.kidneyFailure == true { t.add(1, "kidney failure (\(f.kidneyText))") }
        if facts.skinNecrosis == true { t.add(2, "painful skin necrosis") }
        if f.productHigh == true, let text = f.productText { t.add(1, "\(text) ≥ \(NumberText.short(calciumPhosphateProductLimit))") }
        if f.pthHigh == true, let pth = facts.pthPgML { t.add(1, "PTH \(NumberText.short(pth)) pg/mL > \(NumberText.short(pthUpperPgML))") }
        if facts.dialysis == false, f.kidneyFailure == false {
            t.add(-2, "not on dialysis and no kidney failure (\(f.kidneyText))")
        }
        if facts.dialysis == nil { t.need("dialysis") }
        if f.kidneyFailure == nil { t.need("eGFR or CKD stage") }
        if facts.skinNecrosis == nil { t.need("skin necrosis") }
        return t.finding(.calciphylaxis)
    }

    func idiopathic(_ f: Figures) -> SubtypeFinding {
        var t = Tally()
        let facts = f.facts
        switch facts.connectiveTissueDisease {
        case .some(.none): t.add(1, "no connective-tissue disease")
        case .some(let disease): t.add(-3, "\(disease.displayName) is a cause")
        case nil: t.need("connective-tissue disease")
        }
        switch facts.localTrauma {
        case false?: t.add(1, "no local trauma")
        case true?: t.add(-3, "local trauma is a cause")
        case nil: t.need("local trauma")
        }
        if f.calciumHigh == true || f.phosphateHigh == true || f.productHigh == true {
            t.add(-3, "raised calcium or phosphate is a cause")
        } else if f.calciumHigh == false, f.phosphateHigh == false {
            t.add(1, "calcium and phosphate not raised")
        } else {
            if facts.calciumMgDL == nil { t.need("calcium") }
            if facts.phosphateMgDL == nil { t.need("phosphate") }
        }
        if !f.exposures.isEmpty { t.add(-3, "\(f.exposures.joined(separator: ", ")) is a cause") }
        else if f.exposureKnownAbsent { t.add(1, "no IV calcium, IV phosphate or calcium-containing injections") }
        else { t.need("IV calcium, IV phosphate, calcium-containing injections") }
        switch f.ckd {
        case false?: t.add(1, "no chronic kidney disease (\(f.kidneyText))")
        case true?: t.add(-3, "chronic kidney disease (\(f.kidneyText)) is a cause")
        case nil: t.need("eGFR or CKD stage")
        }
        return t.finding(.idiopathic)
    }
}
