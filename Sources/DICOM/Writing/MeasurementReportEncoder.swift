/// A TID 1500 Measurement Report (PS3.16) as a Comprehensive SR (PS3.3 A.35.3) in a new series of
/// the film's study: the device that measured, the procedure reported, and one TID 1501
/// Measurement Group per tracked finding, each naming the film as its source.
public enum MeasurementReportEncoder {
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.88.33"

    /// One number of a group (TID 300): its concept, its value as Decimal String text (≤ 16
    /// characters, as the JSON report prints it, so both say the same), its UCUM unit, and how
    /// it was derived ("Total") when it is not a plain measurement.
    public struct Measurement: Sendable, Equatable {
        public var concept: CodedConcept
        public var value: String
        public var unit: CodedConcept
        public var derivation: CodedConcept?

        public init(_ concept: CodedConcept, value: String, unit: CodedConcept, derivation: CodedConcept? = nil) {
            self.concept = concept
            self.value = value
            self.unit = unit
            self.derivation = derivation
        }
    }

    /// A TID 1501 Measurement and Qualitative Evaluation Group.
    public struct Group: Sendable, Equatable {
        public var trackingIdentifier: String
        public var trackingUID: String
        public var findingCategory: CodedConcept
        public var finding: CodedConcept
        public var measurements: [Measurement]
        /// Coded name–value pairs (TID 1501 qualitative evaluations).
        public var evaluations: [(name: CodedConcept, value: CodedConcept)]

        public init(trackingIdentifier: String, trackingUID: String, findingCategory: CodedConcept,
                    finding: CodedConcept, measurements: [Measurement], evaluations: [(name: CodedConcept, value: CodedConcept)] = []) {
            self.trackingIdentifier = trackingIdentifier
            self.trackingUID = trackingUID
            self.findingCategory = findingCategory
            self.finding = finding
            self.measurements = measurements
            self.evaluations = evaluations
        }

        public static func == (a: Group, b: Group) -> Bool {
            a.trackingIdentifier == b.trackingIdentifier && a.trackingUID == b.trackingUID
                && a.findingCategory == b.findingCategory && a.finding == b.finding && a.measurements == b.measurements
                && a.evaluations.map(\.name) == b.evaluations.map(\.name) && a.evaluations.map(\.value) == b.evaluations.map(\.value)
        }
    }

    /// A new UID (`2.25.` and a random UUID), for Tracking Unique Identifiers.
    public static func newUID() -> String { FilmUIDs.random() }

    /// A private coding scheme (its designator starts with "99") that a report uses, described in
    /// the Coding Scheme Identification Sequence.
    public struct PrivateScheme: Sendable, Equatable {
        public var designator: String
        public var name: String
        public init(designator: String, name: String) {
            self.designator = designator
            self.name = name
        }
    }

    /// - Parameters:
    ///   - procedure: Procedure Reported (TID 1500 row 3).
    ///   - frame: the film's frame the measurements were made on, referenced when it has several.
    public static func encode(groups: [Group], procedure: CodedConcept, source: DICOMSourceImage, frame: Int = 1,
                              privateScheme: PrivateScheme?, software: DerivingSoftware) -> [UInt8] {
        let instance = DerivedInstance(source: source, sopClassUID: sopClassUID, modality: "SR", seriesNumber: 902,
                                       seriesDescription: "\(software.name) measurement report", software: software)
        var ds = instance.commonModules(enhancedEquipment: false)
        // SR Document Series and General.
        ds.set(Tag(0x0008, 0x1111), sequence: [])  // Referenced Performed Procedure Step Sequence (type 2)
        ds.set(Tag(0x0040, 0xA491), .CS, text: "COMPLETE")
        ds.set(Tag(0x0040, 0xA493), .CS, text: "UNVERIFIED")
        ds.set(Tag(0x0040, 0xA372), sequence: [])  // Performed Procedure Code Sequence (type 2)
        // The film is evidence of this study's procedure.
        var evidence = DataSetBuilder()
        evidence.set(.studyInstanceUID, .UI, text: source.studyInstanceUID)
        evidence.set(Tag(0x0008, 0x1115), sequence: [instance.referencedSeries(instances: Tag(0x0008, 0x1199))])
        ds.set(Tag(0x0040, 0xA375), sequence: [evidence])  // Current Requested Procedure Evidence Sequence
        if let privateScheme {
            var scheme = DataSetBuilder()
            scheme.set(Tag(0x0008, 0x0102), .SH, text: privateScheme.designator)
            scheme.set(Tag(0x0008, 0x0115), .ST, text: privateScheme.name)
            scheme.set(Tag(0x0008, 0x0116), .ST, text: privateScheme.name)
            ds.set(Tag(0x0008, 0x0110), sequence: [scheme])  // Coding Scheme Identification Sequence
        }

        // SR Document Content: the TID 1500 tree.
        var root: [DataSetBuilder] = [
            // TID 1204 Language of Content Item and Descendants.
            code(.hasConceptModifier, CodedConcept("121049", "DCM", "Language of Content Item and Descendants"),
                 CodedConcept("en-US", "RFC5646", "English (United States)")),
            // TID 1002 / 1004: the observer is a device, this software.
            code(.hasObservationContext, CodedConcept("121005", "DCM", "Observer Type"), CodedConcept("121007", "DCM", "Device")),
            uid(.hasObservationContext, CodedConcept("121012", "DCM", "Device Observer UID"), software.deviceUID),
            text(.hasObservationContext, CodedConcept("121013", "DCM", "Device Observer Name"), "\(software.name) \(software.version)"),
            text(.hasObservationContext, CodedConcept("121014", "DCM", "Device Observer Manufacturer"), software.name),
            text(.hasObservationContext, CodedConcept("121015", "DCM", "Device Observer Model Name"), software.name),
            code(.hasConceptModifier, CodedConcept("121058", "DCM", "Procedure reported"), procedure),
        ]
        let sourceImage = instance.sourceReference(frame: frame)
        var measurements = container(.contains, CodedConcept("126010", "DCM", "Imaging Measurements"), template: nil)
        measurements.set(contentSequence, sequence: groups.map { group(for: $0, source: sourceImage) })
        root.append(measurements)
        var document = container(nil, CodedConcept("126000", "DCM", "Imaging Measurement Report"), template: "1500")
        document.set(contentSequence, sequence: root)
        // The root item's attributes live in the data set itself.
        ds.merge(document)
        return instance.file(ds)
    }

    // MARK: - Content items (PS3.3 C.17.3)

    private enum Relationship: String {
        case contains = "CONTAINS", hasObservationContext = "HAS OBS CONTEXT", hasConceptModifier = "HAS CONCEPT MOD"
    }

    private static let contentSequence = Tag(0x0040, 0xA730)

    private static func item(_ relationship: Relationship?, _ valueType: String, _ concept: CodedConcept) -> DataSetBuilder {
        var item = DataSetBuilder()
        if let relationship { item.set(Tag(0x0040, 0xA010), .CS, text: relationship.rawValue) }
        item.set(Tag(0x0040, 0xA040), .CS, text: valueType)
        item.set(Tag(0x0040, 0xA043), code: concept)
        return item
    }

    private static func container(_ relationship: Relationship?, _ concept: CodedConcept, template: String?) -> DataSetBuilder {
        var c = item(relationship, "CONTAINER", concept)
        c.set(Tag(0x0040, 0xA050), .CS, text: "SEPARATE")  // Continuity Of Content
        if let template {
            var t = DataSetBuilder()
            t.set(Tag(0x0008, 0x0105), .CS, text: "DCMR")
            t.set(Tag(0x0040, 0xDB00), .CS, text: template)
            c.set(Tag(0x0040, 0xA504), sequence: [t])  // Content Template Sequence
        }
        return c
    }

    private static func code(_ relationship: Relationship, _ concept: CodedConcept, _ value: CodedConcept) -> DataSetBuilder {
        var c = item(relationship, "CODE", concept)
        c.set(Tag(0x0040, 0xA168), code: value)  // Concept Code Sequence
        return c
    }

    private static func text(_ relationship: Relationship, _ concept: CodedConcept, _ value: String) -> DataSetBuilder {
        var t = item(relationship, "TEXT", concept)
        t.set(Tag(0x0040, 0xA160), .UT, text: value)
        return t
    }

    private static func uid(_ relationship: Relationship, _ concept: CodedConcept, _ value: String) -> DataSetBuilder {
        var u = item(relationship, "UIDREF", concept)
        u.set(Tag(0x0040, 0xA124), .UI, text: value)
        return u
    }

    private static func number(_ m: Measurement) -> DataSetBuilder {
        var n = item(.contains, "NUM", m.concept)
        var measured = DataSetBuilder()
        measured.set(Tag(0x0040, 0x08EA), code: m.unit)  // Measurement Units Code Sequence
        measured.set(Tag(0x0040, 0xA30A), .DS, text: m.value)
        n.set(Tag(0x0040, 0xA300), sequence: [measured])  // Measured Value Sequence
        if let derivation = m.derivation {
            n.set(contentSequence, sequence: [code(.hasConceptModifier, CodedConcept("121401", "DCM", "Derivation"), derivation)])
        }
        return n
    }

    private static func group(for g: Group, source: DataSetBuilder) -> DataSetBuilder {
        var c = container(.contains, CodedConcept("125007", "DCM", "Measurement Group"), template: "1501")
        var content: [DataSetBuilder] = [
            text(.hasObservationContext, CodedConcept("112039", "DCM", "Tracking Identifier"), g.trackingIdentifier),
            uid(.hasObservationContext, CodedConcept("112040", "DCM", "Tracking Unique Identifier"), g.trackingUID),
            code(.contains, CodedConcept("276214006", "SCT", "Finding category"), g.findingCategory),
            code(.contains, CodedConcept("121071", "DCM", "Finding"), g.finding),
        ]
        content += g.measurements.map(number)
        content += g.evaluations.map { code(.contains, $0.name, $0.value) }
        // TID 1501 row 10: the image the group was measured on.
        var image = item(.contains, "IMAGE", CodedConcept("260753009", "SCT", "Source"))
        image.set(Tag(0x0008, 0x1199), sequence: [source])  // Referenced SOP Sequence
        content.append(image)
        c.set(contentSequence, sequence: content)
        return c
    }
}
