import Foundation

/// A seeded generator so property tests are reproducible (the seed is in the failure).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Zones with DST in both hemispheres, half- and quarter-hour offsets, and none.
let testTimeZones = [
    "UTC", "Europe/Berlin", "America/New_York", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu",
    "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo", "Pacific/Apia", "Asia/Tokyo",
].map { TimeZone(identifier: $0)! }

/// Instants around DST changes in 2026 are included by drawing from the whole year.
let year2026 = Date(timeIntervalSince1970: 1_767_225_600)
