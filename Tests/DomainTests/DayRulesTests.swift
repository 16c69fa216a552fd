import Domain
import Foundation
import Testing

@Suite struct DayRulesTests {
    func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }  // safe: literals in tests
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// Hour 0 is exactly what splitting at midnight always was: Foundation's start of day.
    @Test func midnightIsFoundationsStartOfDay() {
        var calendar = Calendar(identifier: .gregorian)
        for zone in testTimeZones + ["America/Havana", "America/Santiago", "Asia/Beirut", "America/Asuncion"].map({ TimeZone(identifier: $0)! }) {
            calendar.timeZone = zone
            for dayNumber in stride(from: LocalDate("2024-01-01")!.dayNumber, through: LocalDate("2026-12-31")!.dayNumber, by: 1) {
                let day = LocalDate(dayNumber: dayNumber)
                let (year, month, date) = day.components
                let expected = calendar.startOfDay(for: calendar.date(from: DateComponents(year: year, month: month, day: date, hour: 12))!)
                #expect(day.start(in: zone) == expected, "\(day) in \(zone.identifier)")
            }
        }
    }

    @Test func aLateNightSessionCountsTowardThePreviousDay() {
        let rules = DayRuleHistory([DayRuleChange(from: LocalDate("2026-06-01")!, rules: DayRules(dayStartsAt: 4, restDays: .none))])
        // 01:30 on June 11th in Berlin (CEST, +2) belongs to June 10th.
        #expect(rules.day(containing: date("2026-06-10T23:30:00Z"), in: berlin).description == "2026-06-10")
        let pieces = rules.split(start: date("2026-06-11T01:30:00Z"), end: date("2026-06-11T02:30:00Z"), in: berlin)
        #expect(pieces.map(\.day.description) == ["2026-06-10", "2026-06-11"], "split at 04:00 local")
        #expect(pieces.map(\.seconds) == [1800, 1800])
        #expect(rules.day(containing: date("2026-05-31T23:30:00Z"), in: berlin).description == "2026-05-31", "the day before the change runs to 04:00")
        #expect(rules.day(containing: date("2026-05-30T23:30:00Z"), in: berlin).description == "2026-05-31", "before the change, days start at midnight")
    }

    @Test func whereDSTSkipsTheHourTheDayStartsAfterTheGap() {
        // Berlin skips 02:00–03:00 on 2026-03-29: a day starting at 2 starts at 03:00 CEST = 01:00Z.
        #expect(LocalDate("2026-03-29")!.start(in: berlin, atHour: 2) == date("2026-03-29T01:00:00Z"))
        // 02:00 repeats on 2026-10-25: the first occurrence (CEST) is 00:00Z.
        #expect(LocalDate("2026-10-25")!.start(in: berlin, atHour: 2) == date("2026-10-25T00:00:00Z"))
        // Lord Howe moves by half an hour: 02:00 → 02:30 on 2026-10-04.
        let lordHowe = TimeZone(identifier: "Australia/Lord_Howe")!
        #expect(LocalDate("2026-10-04")!.start(in: lordHowe, atHour: 2) == date("2026-10-03T15:30:00Z"))
    }

    @Test func theDayANewDayStartTakesEffectRuns20To28Hours() {
        let change = LocalDate("2026-06-11")!
        let later = DayRuleHistory([DayRuleChange(from: change, rules: DayRules(dayStartsAt: 4, restDays: .none))])
        let june10 = LocalDate("2026-06-10")!
        #expect(later.start(of: change, in: berlin).timeIntervalSince(later.start(of: june10, in: berlin)) == 28 * 3600)
        let earlier = DayRuleHistory([DayRuleChange(from: change, rules: .standard)], before: DayRules(dayStartsAt: 4, restDays: .none))
        #expect(earlier.start(of: change, in: berlin).timeIntervalSince(earlier.start(of: june10, in: berlin)) == 20 * 3600)
    }

    @Test func restDaysParseFromNames() throws {
        let weekend = try RestDays(names: ["sun", "sat"])
        #expect(weekend.names == ["sat", "sun"])
        #expect(weekend.contains(LocalDate("2026-11-22")!) && !weekend.contains(LocalDate("2026-11-23")!))
        #expect(throws: FieldErrors.self) { try RestDays(names: ["mon", "tue", "wed", "thu"]) }
        #expect(throws: FieldErrors.self) { try RestDays(names: ["mon", "mon"]) }
        #expect(throws: FieldErrors.self) { try RestDays(names: ["Monday"]) }
        #expect(RestDays(mask: 0).names.isEmpty)
    }

    @Test func breakRules() {
        let today = LocalDate("2026-11-23")!
        func problems(_ from: Int?, _ to: Int?, others: [ClosedRange<LocalDate>] = [], note: String? = nil) -> [String: String] {
            do {
                try BreakRules.validate(from: from.map { today.adding(days: $0) }, to: to.map { today.adding(days: $0) }, note: note, today: today, others: others)
                return [:]
            } catch { return error.fields }
        }
        #expect(problems(1, 14).isEmpty)
        #expect(problems(0, 3)["from"] != nil, "a break starts after today")
        #expect(problems(-3, 3)["from"] != nil)
        #expect(problems(2, 1)["to"] != nil)
        #expect(problems(1, 15)["to"] != nil, "at most 14 days")
        #expect(problems(400, 401)["from"] != nil)
        #expect(problems(3, 5, others: [today.adding(days: 5)...today.adding(days: 6)])["to"]?.contains("overlaps") == true)
        #expect(problems(nil, nil).keys.sorted() == ["from", "to"])
        #expect(problems(1, 2, note: String(repeating: "x", count: 201))["note"] != nil)
        // 2027: 14 + 14 planned, 3 more is past 30.
        let year = LocalDate("2027-02-01")!
        let planned = [year...year.adding(days: 13), year.adding(days: 20)...year.adding(days: 33)]
        do {
            try BreakRules.validate(from: year.adding(days: 40), to: year.adding(days: 42), note: nil, today: today, others: planned)
            Issue.record("31 break days in 2027 were accepted")
        } catch {
            #expect(error.fields["to"]?.contains("2027") == true)
        }
        #expect((try? BreakRules.validate(from: year.adding(days: 40), to: year.adding(days: 41), note: nil, today: today, others: planned)) != nil)
    }
}
