import Foundation

/// What is known about the patient behind a film, for the clinical subtype. Every fact is
/// optional: nil means "not given", which the subtype list reports as missing rather than
/// guessing normal.
///
/// Serum values are held in mg/dL whatever unit they were given in (calcium 1 mmol/L =
/// 4.008 mg/dL, phosphate 1 mmol/L = 3.097 mg/dL), with the value as given kept beside them so
/// a reader can check the conversion.
public struct ClinicalFacts: Sendable, Equatable {
    /// The film this record belongs to: a path or a file name. Matched before `patientID`.
    public var file: String?
    /// DICOM Patient ID (0010,0020) of the films this record belongs to.
    public var patientID: String?
    public var calciumMgDL: Double?
    /// As written in the record, e.g. "2.3 mmol/L".
    public var calciumAsGiven: String?
    public var phosphateMgDL: Double?
    public var phosphateAsGiven: String?
    /// Parathyroid hormone, pg/mL (= ng/L).
    public var pthPgML: Double?
    /// Estimated GFR, mL/min/1.73 m².
    public var eGFR: Double?
    /// KDIGO stage 1–5 (3a and 3b given as 3).
    public var ckdStage: Int?
    public var dialysis: Bool?
    public var connectiveTissueDisease: ConnectiveTissueDisease?
    /// Years since the connective-tissue disease was diagnosed.
    public var diseaseDurationYears: Double?
    /// Intravenous calcium (e.g. calcium gluconate, including extravasation).
    public var ivCalcium: Bool?
    /// Intravenous phosphate.
    public var ivPhosphate: Bool?
    /// Calcium-containing injections at the site (e.g. calcium heparin).
    public var calciumInjections: Bool?
    /// Trauma, surgery or injection at the site of the deposits.
    public var localTrauma: Bool?
    /// Painful ischaemic skin lesions (necrosis, ulcers, retiform purpura): the clinical sign of calciphylaxis.
    public var skinNecrosis: Bool?

    public init(file: String? = nil, patientID: String? = nil) {
        self.file = file
        self.patientID = patientID
    }

    /// mg/dL per mmol/L of calcium (molar mass 40.08 g/mol).
    public static let calciumMgDLPerMmolL = 4.008
    /// mg/dL per mmol/L of phosphate, counted as phosphorus (30.97 g/mol).
    public static let phosphateMgDLPerMmolL = 3.097

    /// Calcium × phosphate product in mg²/dL², when both are known.
    public var calciumPhosphateProduct: Double? {
        guard let calciumMgDL, let phosphateMgDL else { return nil }
        return calciumMgDL * phosphateMgDL
    }
}

/// Connective-tissue diseases in which dystrophic calcinosis occurs.
public enum ConnectiveTissueDisease: String, Sendable, Codable, CaseIterable {
    /// Known to have none.
    case none
    /// Systemic lupus erythematosus (calcinosis rare: under 50 published cases).
    case lupus
    case dermatomyositis
    case systemicSclerosis = "systemic_sclerosis"
    /// Overlap syndromes and mixed connective-tissue disease.
    case overlap

    /// The name a reader expects in a sentence.
    public var displayName: String {
        switch self {
        case .none: return "no connective-tissue disease"
        case .lupus: return "lupus"
        case .dermatomyositis: return "dermatomyositis"
        case .systemicSclerosis: return "systemic sclerosis"
        case .overlap: return "overlap connective-tissue disease"
        }
    }

    /// Reads the usual spellings and abbreviations (case-insensitive): "SLE", "SSc",
    /// "scleroderma", "DM", "MCTD", "no", …; nil for anything else.
    public init?(text: String) {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: "_", with: " ")
        switch t {
        case "none", "no", "false", "0": self = .none
        case "lupus", "sle", "systemic lupus erythematosus", "cutaneous lupus": self = .lupus
        case "dermatomyositis", "dm", "jdm", "juvenile dermatomyositis": self = .dermatomyositis
        case "systemic sclerosis", "ssc", "scleroderma", "crest", "limited cutaneous systemic sclerosis": self = .systemicSclerosis
        case "overlap", "mctd", "mixed connective tissue disease", "overlap syndrome": self = .overlap
        default: return nil
        }
    }
}

extension ClinicalFacts {
    /// `ConnectiveTissueDisease.none`, spelled so that it cannot be read as `Optional.none`.
    public static let noDisease = ConnectiveTissueDisease.none
}
