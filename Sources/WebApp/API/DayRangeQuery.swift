import Domain

/// The `from` and `to` query parameters of a listing by local day: both dates
/// `YYYY-MM-DD`, `from` not after `to`, at most 366 days in all.
enum DayRangeQuery {
    static let maxDays = 366

    static func parse(from rawFrom: String?, to rawTo: String?) throws(AppError) -> ClosedRange<LocalDate> {
        var errors = FieldErrors()
        let from = rawFrom.flatMap(LocalDate.init)
        let to = rawTo.flatMap(LocalDate.init)
        if from == nil { errors["from"] = "must be a date YYYY-MM-DD" }
        if to == nil { errors["to"] = "must be a date YYYY-MM-DD" }
        if let from, let to {
            if from > to { errors["from"] = "must not be after to" }
            if to.dayNumber - from.dayNumber + 1 > maxDays { errors["to"] = "the range must be at most \(maxDays) days" }
        }
        guard errors.isEmpty, let from, let to else { throw AppError.validation(errors) }
        return from...to
    }
}
