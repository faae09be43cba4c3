import Classification

extension FilmReport {
    /// Finds this film's clinical record (by path, then file name, then `patientID`, the film's
    /// DICOM Patient ID) and attaches the ranked subtypes to `clinical`.
    ///
    /// Returns false, leaving `clinical` nil, for an error film or when no record matches, so
    /// the caller can warn that the film went without clinical facts.
    @discardableResult
    public mutating func attachClinical(_ records: ClinicalRecords, patientID: String?,
                                        classifier: SubtypeClassifier = SubtypeClassifier()) -> Bool {
        guard isOK, let match = records.match(file: file, patientID: patientID) else { return false }
        clinical = ClinicalAssessment(matchedBy: match.matchedBy, findings: classifier.classify(match.facts))
        return true
    }
}
