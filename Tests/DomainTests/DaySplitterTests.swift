import Domain
import Foundation
import Testing

@Suite struct DaySplitterTests {
    func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }  // safe: literals in tests

    @Test func crossingMidnightSplitsThere() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let pieces = DaySplitter.split(start: date("2026-06-10T21:45:00Z"), end: date("2026-06-10T22:30:00Z"), in: berlin)
        #expect(pieces.map(\.day.description) == ["2026-06-10", "2026-06-11"])
        #expect(pieces.map(\.seconds) == [Double(15 * 60), Double(30 * 60)])
    }

    @Test func dstDaysHave23And25Hours() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let spring = DaySplitter.split(start: date("2026-03-28T12:00:00Z"), end: date("2026-03-30T12:00:00Z"), in: berlin)
        #expect(spring.first { $0.day.description == "2026-03-29" }?.seconds == Double(23 * 3600))
        let autumn = DaySplitter.split(start: date("2026-10-24T12:00:00Z"), end: date("2026-10-26T12:00:00Z"), in: berlin)
        #expect(autumn.first { $0.day.description == "2026-10-25" }?.seconds == Double(25 * 3600))
    }

    @Test func halfHourOffsetsSplitAtTheirOwnMidnight() {
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        let pieces = DaySplitter.split(start: date("2026-01-01T18:00:00Z"), end: date("2026-01-01T19:00:00Z"), in: kolkata)
        #expect(pieces.map(\.day.description) == ["2026-01-01", "2026-01-02"])
        #expect(pieces.map(\.seconds) == [Double(30 * 60), Double(30 * 60)])
    }

    @Test func localDatesParseAndPrint() {
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2028-02-29")?.description == "2028-02-29")
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("1970-01-01")?.dayNumber == 0)
        #expect(LocalDate("2026-11-23")?.weekday == 1)
        #expect(LocalDate("2026-12-31")?.adding(days: 1).description == "2027-01-01")
        #expect(LocalDate(dayNumber: -719_529).description == "-0001-12-31", "years before 0 keep their sign")
    }

    /// Every day from year 0 to 9999 prints as `YYYY-MM-DD` and parses back to itself,
    /// and the text matches the components.
    @Test func everyDayPrintsAndParsesBack() {
        for dayNumber in stride(from: -719_528, through: 2_932_896, by: 97) {
            let day = LocalDate(dayNumber: dayNumber)
            let (year, month, date) = day.components
            let text = day.description
            #expect(LocalDate(text) == day, "\(text)")
            #expect(text == String(format: "%04d-%02d-%02d", year, month, date))
        }
    }

    /// A day is valid exactly when building it and reading its components back gives
    /// the same year, month and day (the slow, obviously correct check).
    @Test func validityMatchesTheRoundTrip() {
        for year in [1600, 1700, 1900, 1999, 2000, 2024, 2025, 2026, 2100, 2400, 9999] {
            for month in -1...14 {
                for day in -1...33 {
                    let roundTrips = (1...12).contains(month) && day >= 1 && LocalDate(year: year, month: month, day: day).components == (year, month, day)
                    #expect(LocalDate.isValid(year: year, month: month, day: day) == roundTrips, "\(year)-\(month)-\(day)")
                }
            }
        }
    }

    /// Against a slow model: every whole minute of the span counted on its own local day
    /// (zone offsets are whole minutes, so no minute straddles a midnight).
    @Test(arguments: [1, 2, 3])
    func matchesMinuteByMinuteCounting(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<150 {
            let zone = testTimeZones.randomElement(using: &random)!
            let startMinute = Int.random(in: 0..<(366 * 1440), using: &random)
            let length = Int.random(in: 1...(24 * 60), using: &random)
            let start = year2026.addingTimeInterval(Double(startMinute * 60))
            let end = start.addingTimeInterval(Double(length * 60))
            var model: [LocalDate: Double] = [:]
            for minute in 0..<length {
                model[LocalDate(start.addingTimeInterval(Double(minute * 60)), in: zone), default: 0] += 60
            }
            let pieces = DaySplitter.split(start: start, end: end, in: zone)
            #expect(Dictionary(uniqueKeysWithValues: pieces.map { ($0.day, $0.seconds) }) == model, "seed \(seed) zone \(zone.identifier) start \(start)")
            #expect(pieces.map(\.day) == pieces.map(\.day).sorted())
        }
    }
}
