import Foundation
import Radiography

/// Clinical facts for a batch of films, read from the `--clinical FILE` the user gives: JSON (an
/// array of objects, or `{"records": [...]}`) or CSV (a header row, then one row per record),
/// told apart by the first non-blank character (`[` or `{` is JSON).
///
/// Fields (JSON keys or CSV columns; an empty cell or `null` means unknown):
///
/// | field | meaning |
/// |---|---|
/// | `file` | film path or file name the record belongs to |
/// | `patient_id` | DICOM Patient ID the record belongs to (at least one of the two) |
/// | `calcium`, `calcium_unit` | serum calcium; unit `mg/dL` or `mmol/L`, or inside the value ("2.3 mmol/L") |
/// | `phosphate`, `phosphate_unit` | serum phosphate, as calcium |
/// | `pth_pg_ml` | parathyroid hormone, pg/mL |
/// | `egfr` | eGFR, mL/min/1.73 m² |
/// | `ckd_stage` | 1, 2, 3, 3a, 3b, 4, 5 (5D: stage 5) |
/// | `dialysis`, `iv_calcium`, `iv_phosphate`, `calcium_injections`, `local_trauma`, `skin_necrosis` | yes/no, true/false, 1/0 |
/// | `connective_tissue_disease` | none, lupus (SLE), dermatomyositis (DM), systemic_sclerosis (SSc, scleroderma), overlap (MCTD) |
/// | `disease_duration_years` | years since that diagnosis |
///
/// Units are never guessed: a serum value without a unit is an error, and so is a value outside
/// what a living patient can have in that unit (calcium 4–20 mg/dL, phosphate 0.5–20 mg/dL), which
/// catches mmol/L written as mg/dL. Other columns (age, sex, notes) are kept out of the facts and
/// listed in `ignoredFields`.
public struct ClinicalRecords: Sendable {
    public var records: [ClinicalFacts]
    /// Fields present in the file that are not facts the subtype rules use, sorted.
    public var ignoredFields: [String]

    public init(records: [ClinicalFacts], ignoredFields: [String] = []) {
        self.records = records
        self.ignoredFields = ignoredFields
    }

    /// Reads and checks the whole file; the error says which record and field is wrong (the
    /// caller prefixes the path).
    public static func load(path: String) throws -> ClinicalRecords {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FilmError(.io, "cannot read the clinical facts file")
        }
        guard data.count <= 64 << 20 else { throw FilmError(.malformed, "clinical facts file is larger than 64 MB") }
        return try parse(data)
    }

    /// Parses JSON or CSV bytes (UTF-8).
    public static func parse(_ data: Data) throws -> ClinicalRecords {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FilmError(.malformed, "clinical facts file is not UTF-8 text")
        }
        let first = text.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{FEFF}" }
        let rows = first == "[" || first == "{" ? try jsonRows(data) : try csvRows(text)
        return try records(from: rows)
    }

    /// The facts for one film: the record whose `file` equals the path, else the one whose
    /// `file` has the path's file name (only if exactly one does), else the one with the film's
    /// Patient ID. Returns how it matched, for the report.
    public func match(file path: String, patientID: String?) -> (facts: ClinicalFacts, matchedBy: String)? {
        if let exact = records.first(where: { $0.file == path }) { return (exact, "file path") }
        let name = (path as NSString).lastPathComponent
        let byName = records.filter { $0.file.map { ($0 as NSString).lastPathComponent } == name }
        if byName.count == 1 { return (byName[0], "file name") }
        if let id = patientID?.trimmingCharacters(in: .whitespaces), !id.isEmpty,
           let record = records.first(where: { $0.patientID == id }) {
            return (record, "patient ID")
        }
        return nil
    }

    // MARK: Rows

    /// Every record as field → raw text (nil for null / empty).
    typealias Row = [String: String?]

    static func jsonRows(_ data: Data) throws -> [Row] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw FilmError(.malformed, "clinical facts file is not valid JSON")
        }
        let list: [JSONValue]
        switch value {
        case .array(let items): list = items
        case .object(let object):
            guard case .array(let items)? = object["records"] else {
                throw FilmError(.malformed, "clinical facts JSON must be an array of records or {\"records\": [...]}")
            }
            list = items
        default:
            throw FilmError(.malformed, "clinical facts JSON must be an array of records or {\"records\": [...]}")
        }
        return try list.enumerated().map { index, item in
            guard case .object(let object) = item else { throw FilmError(.malformed, "clinical record \(index + 1) is not a JSON object") }
            var row: Row = [:]
            for (key, field) in object {
                switch field {
                case .null: row[key] = .some(nil)
                case .bool(let b): row[key] = b ? "true" : "false"
                case .number(let n): row[key] = String(n)
                case .string(let s): row[key] = s
                case .array, .object: throw FilmError(.malformed, "clinical record \(index + 1): field \(key) must be a number, text or true/false")
                }
            }
            return row
        }
    }

    static func csvRows(_ text: String) throws -> [Row] {
        let table: [[String]]
        do {
            table = try CSVReader.rows(text)
        } catch {
            throw error.prefixed("clinical facts CSV: ")
        }
        guard let header = table.first else { throw FilmError(.malformed, "clinical facts CSV is empty") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 && !$0.key.isEmpty })?.key {
            throw FilmError(.malformed, "clinical facts CSV has the column \(duplicate) twice")
        }
        return try table.dropFirst().enumerated().compactMap { index, cells in
            if cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return nil }
            guard cells.count <= names.count else {
                throw FilmError(.malformed, "clinical facts CSV row \(index + 2) has \(cells.count) cells for \(names.count) columns")
            }
            var row: Row = [:]
            for (column, name) in names.enumerated() where !name.isEmpty {
                let cell = column < cells.count ? cells[column].trimmingCharacters(in: .whitespaces) : ""
                row[name] = cell.isEmpty ? .some(nil) : cell
            }
            return row
        }
    }

    // MARK: Fields

    static let knownFields: Set<String> = [
        "file", "patient_id", "calcium", "calcium_unit", "phosphate", "phosphate_unit", "pth_pg_ml", "egfr", "ckd_stage",
        "dialysis", "connective_tissue_disease", "disease_duration_years", "iv_calcium", "iv_phosphate",
        "calcium_injections", "local_trauma", "skin_necrosis",
    ]

    static func records(from rows: [Row]) throws -> ClinicalRecords {
        var ignored = Set<String>()
        var records: [ClinicalFacts] = []
        var seenIDs: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let fields = FieldReader(row: row, index: index + 1)
            var facts = ClinicalFacts(file: fields.text("file"), patientID: fields.text("patient_id"))
            guard facts.file != nil || facts.patientID != nil else {
                throw FilmError(.malformed, "clinical record \(index + 1) has neither file nor patient_id")
            }
            if let id = facts.patientID, facts.file == nil {
                if let earlier = seenIDs[id] {
                    throw FilmError(.malformed, "clinical records \(earlier) and \(index + 1) are both for patient \(id)")
                }
                seenIDs[id] = index + 1
            }
            let named = fields.name(facts)
            if let (mgDL, given) = try fields.serum("calcium", perMmolL: ClinicalFacts.calciumMgDLPerMmolL, plausible: 4...20, named) {
                facts.calciumMgDL = mgDL
                facts.calciumAsGiven = given
            }
            if let (mgDL, given) = try fields.serum("phosphate", perMmolL: ClinicalFacts.phosphateMgDLPerMmolL, plausible: 0.5...20, named) {
                facts.phosphateMgDL = mgDL
                facts.phosphateAsGiven = given
            }
            facts.pthPgML = try fields.number("pth_pg_ml", plausible: 0...5000, named)
            facts.eGFR = try fields.number("egfr", plausible: 0...200, named)
            facts.ckdStage = try fields.ckdStage(named)
            facts.dialysis = try fields.flag("dialysis", named)
            if let text = fields.text("connective_tissue_disease") {
                guard let disease = ConnectiveTissueDisease(text: text) else {
                    throw FilmError(.malformed, "\(named): connective_tissue_disease \"\(text)\" is not one of none, lupus, dermatomyositis, systemic_sclerosis, overlap")
                }
                facts.connectiveTissueDisease = disease
            }
            facts.diseaseDurationYears = try fields.number("disease_duration_years", plausible: 0...100, named)
            facts.ivCalcium = try fields.flag("iv_calcium", named)
            facts.ivPhosphate = try fields.flag("iv_phosphate", named)
            facts.calciumInjections = try fields.flag("calcium_injections", named)
            facts.localTrauma = try fields.flag("local_trauma", named)
            facts.skinNecrosis = try fields.flag("skin_necrosis", named)
            for key in row.keys where !knownFields.contains(key) { ignored.insert(key) }
            records.append(facts)
        }
        return ClinicalRecords(records: records, ignoredFields: ignored.sorted())
    }

    /// Typed reads of one row's fields, with errors that name the record and the field.
    struct FieldReader {
        let row: Row
        let index: Int

        func name(_ facts: ClinicalFacts) -> String {
            let who = facts.patientID.map { "patient \($0)" } ?? facts.file.map { "file \($0)" } ?? ""
            return "clinical record \(index) (\(who))"
        }

        func text(_ key: String) -> String? {
            guard let value = row[key] ?? nil else { return nil }
            let t = value.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }

        func number(_ key: String, plausible: ClosedRange<Double>, _ named: String) throws -> Double? {
            guard let t = text(key) else { return nil }
            guard let v = Double(t), v.isFinite else { throw FilmError(.malformed, "\(named): \(key) \"\(t)\" is not a number") }
            guard plausible.contains(v) else {
                throw FilmError(.malformed, "\(named): \(key) \(t) is outside \(NumberText.short(plausible.lowerBound))–\(NumberText.short(plausible.upperBound))")
            }
            return v
        }

        /// A serum value in mg/dL, from "9.1" with `KEY_unit`, or "2.3 mmol/L" in the value itself.
        func serum(_ key: String, perMmolL: Double, plausible: ClosedRange<Double>, _ named: String) throws -> (Double, String)? {
            guard let t = text(key) else { return nil }
            var numberPart = t, unitText = text(key + "_unit")
            if let split = t.firstIndex(where: { $0.isLetter }) {
                numberPart = String(t[..<split]).trimmingCharacters(in: .whitespaces)
                let inline = String(t[split...])
                if let unitText, Self.unit(unitText) != Self.unit(inline) {
                    throw FilmError(.malformed, "\(named): \(key) \"\(t)\" disagrees with \(key)_unit \"\(unitText)\"")
                }
                unitText = inline
            }
            guard let v = Double(numberPart), v.isFinite else { throw FilmError(.malformed, "\(named): \(key) \"\(t)\" is not a number") }
            guard let unitText else {
                throw FilmError(.malformed, "\(named): \(key) \(numberPart) has no unit: give \(key)_unit mg/dL or mmol/L")
            }
            guard let unit = Self.unit(unitText) else {
                throw FilmError(.malformed, "\(named): \(key) unit \"\(unitText)\" is neither mg/dL nor mmol/L")
            }
            let mgDL = unit == .mmolPerL ? v * perMmolL : v
            let given = "\(numberPart) \(unit.rawValue)"
            guard plausible.contains(mgDL) else {
                throw FilmError(.malformed, "\(named): \(key) \(given) is outside \(NumberText.short(plausible.lowerBound))–\(NumberText.short(plausible.upperBound)) mg/dL; is the unit right?")
            }
            return (mgDL, given)
        }

        enum Unit: String { case mgPerDL = "mg/dL", mmolPerL = "mmol/L" }

        static func unit(_ text: String) -> Unit? {
            switch text.lowercased().replacingOccurrences(of: " ", with: "") {
            case "mg/dl", "mgdl", "mg/100ml": return .mgPerDL
            case "mmol/l", "mmoll", "mm": return .mmolPerL
            default: return nil
            }
        }

        func flag(_ key: String, _ named: String) throws -> Bool? {
            guard let t = text(key) else { return nil }
            switch t.lowercased() {
            case "yes", "y", "true", "1", "1.0": return true
            case "no", "n", "false", "0", "0.0": return false
            default: throw FilmError(.malformed, "\(named): \(key) \"\(t)\" is not yes/no")
            }
        }

        func ckdStage(_ named: String) throws -> Int? {
            guard let t = text("ckd_stage") else { return nil }
            let stage = t.lowercased().replacingOccurrences(of: "g", with: "")
            switch stage {
            case "1", "1.0": return 1
            case "2", "2.0": return 2
            case "3", "3.0", "3a", "3b": return 3
            case "4", "4.0": return 4
            case "5", "5.0", "5d": return 5
            default: throw FilmError(.malformed, "\(named): ckd_stage \"\(t)\" is not 1–5")
            }
        }
    }
}

/// Any JSON value, to read records whose fields may be numbers, text, booleans or null.
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let n = try? container.decode(Double.self) { self = .number(n) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
