/// Planned breaks (SPEC §9): announced at least a day ahead, so a missed day cannot be
/// excused afterwards; at most 14 days each and 30 break days per calendar year; never
/// overlapping. Where the spec is silent: a break starts at most a year ahead (so
/// nobody stores breaks for centuries) and its note is at most 200 characters.
public enum BreakRules {
    public static let maxDays = 14
    public static let maxDaysPerYear = 30
    public static let maxDaysAhead = 366
    public static let maxNoteLength = 200

    /// The days of a new break from `from` to `to` (nil: missing or not a date), or every
    /// problem with it, given the user's `today` and their other breaks.
    @discardableResult
    public static func validate(
        from: LocalDate?, to: LocalDate?, note: String?, today: LocalDate, others: [ClosedRange<LocalDate>]
    ) throws(FieldErrors) -> ClosedRange<LocalDate> {
        var errors = FieldErrors()
        if let note, note.length > maxNoteLength || note.unicodeScalars.contains("\u{0}") {
            errors["note"] = "must be at most \(maxNoteLength) characters"
        }
        guard let from else {
            errors["from"] = "must be a date YYYY-MM-DD"
            if to == nil { errors["to"] = "must be a date YYYY-MM-DD" }
            throw errors
        }
        if from <= today {
            errors["from"] = "must be after today: a break is planned at least one day ahead"
        } else if from.dayNumber - today.dayNumber > maxDaysAhead {
            errors["from"] = "must be at most a year ahead"
        }
        guard let to else {
            errors["to"] = "must be a date YYYY-MM-DD"
            throw errors
        }
        if let problem = problem(from: from, to: to, others: others) { errors["to"] = problem }
        try errors.throwIfAny()
        return from...to
    }

    static func problem(from: LocalDate, to: LocalDate, others: [ClosedRange<LocalDate>]) -> String? {
        if to < from { return "must not be before from" }
        if to.dayNumber - from.dayNumber + 1 > maxDays { return "must be at most \(maxDays) days after from, counting both" }
        if let overlap = others.first(where: { $0.overlaps(from...to) }) {
            return "overlaps your break from \(overlap.lowerBound) to \(overlap.upperBound)"
        }
        for year in Set([from.components.year, to.components.year]).sorted() {
            let used = (others + [from...to]).reduce(0) { $0 + days(of: $1, in: year) }
            if used > maxDaysPerYear { return "would make more than \(maxDaysPerYear) break days in \(year)" }
        }
        return nil
    }

    /// How many days of `range` fall in calendar `year`.
    static func days(of range: ClosedRange<LocalDate>, in year: Int) -> Int {
        let first = max(range.lowerBound, LocalDate(year: year, month: 1, day: 1))
        let last = min(range.upperBound, LocalDate(year: year, month: 12, day: 31))
        return max(0, last.dayNumber - first.dayNumber + 1)
    }
}
