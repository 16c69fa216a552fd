import Domain
import Foundation
import Testing

@Suite struct ExchangeFormatTests {
    @Test func csvQuotesWhatItMustAndDefusesFormulas() {
        #expect(CSV.record(["plain", "a,b", "say \"hi\"", "two\nlines", ""]) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n")
        #expect(CSV.field("=1+1") == "'=1+1" && CSV.field("+1") == "'+1" && CSV.field("-2") == "'-2" && CSV.field("@x") == "'@x")
        #expect(CSV.field("\tx") == "'\tx" && CSV.field("=a,b") == "\"'=a,b\"")
    }

    /// Random fields (commas, quotes, line breaks, formulas, non-ASCII) written and read back.
    @Test(arguments: 1...3) func csvReadsBackWhatItWrites(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let pieces = ["a", "b c", ",", "\"", "\n", "\r\n", "é", "✓", "=", "-", " ", "x\"y"]
        for _ in 0..<300 {
            let records = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()  // safe: pieces is not empty
                }
            }
            let text = records.map(CSV.record).joined()
            let read = try CSV.parse(text).map(\.fields)
            let expected = records.filter { !($0.count == 1 && $0[0].isEmpty) }.map { fields in
                fields.map { field in field.unicodeScalars.first.map { ["=", "+", "-", "@", "\t", "\r"].contains($0) } == true ? "'" + field : field }
            }
            #expect(read == expected, "\(text.debugDescription)")
        }
    }

    @Test func csvNamesTheLineOfABrokenFile() {
        #expect(throws: CSV.ParseError(line: 2, problem: "a quote inside an unquoted field")) { try CSV.parse("a,b\nc,d\"e\n") }
        #expect(throws: CSV.ParseError(line: 1, problem: "a quoted field is never closed")) { try CSV.parse("\"open,\nstill") }
        #expect((try? CSV.parse("\u{FEFF}a,b\r\n\r\nc,d")).map { $0.map(\.line) } == [1, 3], "a byte-order mark and empty lines are skipped")
    }

    @Test func icalendarFoldsEscapesAndWritesUTC() {
        var calendar = ICalendar()
        calendar.textLine("SUMMARY", "a;b,c\\d\nnext" + String(repeating: "é", count: 60))
        let lines = calendar.text.components(separatedBy: "\r\n")
        #expect(lines.first?.hasPrefix("SUMMARY:a\\;b\\,c\\\\d\\nnext") == true)
        #expect(lines.dropLast().allSatisfy { $0.utf8.count <= 75 } && lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.map { $0.hasPrefix(" ") ? String($0.dropFirst()) : $0 }.joined() == "SUMMARY:a\\;b\\,c\\\\d\\nnext" + String(repeating: "é", count: 60))
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 1_800_000_000.9)) == "20270115T080000Z")
    }
}
