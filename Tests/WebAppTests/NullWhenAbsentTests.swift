import Foundation
import Testing

@testable import WebApp

/// API answers write an absent optional as `null` (the OpenAPI document declares those
/// keys always present), and a present one exactly as a plain field would be written.
@Suite struct NullWhenAbsentTests {
    struct Sample: Encodable {
        @NullWhenAbsent var endsAt: Date?
        let startedAt: Date
        @NullWhenAbsent var taskId: Int64?
    }

    @Test func absentIsNullAndPresentIsThePlainValue() throws {
        let moment = Date(timeIntervalSince1970: 1_800_000_000)
        let empty = String(decoding: try APIResponse.encoder.encode(Sample(endsAt: nil, startedAt: moment, taskId: nil)), as: UTF8.self)
        #expect(empty.contains(#""ends_at":null"#) && empty.contains(#""task_id":null"#), "\(empty)")
        let full = try JSONSerialization.jsonObject(with: APIResponse.encoder.encode(Sample(endsAt: moment, startedAt: moment, taskId: 7))) as? [String: Any]
        #expect(full?["ends_at"] as? String == full?["started_at"] as? String)
        #expect(full?["task_id"] as? Int == 7)
    }
}
