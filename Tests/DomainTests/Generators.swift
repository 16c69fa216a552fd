import Domain
import Foundation

typealias SplitMix = SeededRandom

/// Zones with DST in both hemispheres, half- and quarter-hour offsets, and none.
let testTimeZones = [
    "UTC", "Europe/Berlin", "America/New_York", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu",
    "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo", "Pacific/Apia", "Asia/Tokyo",
].map { TimeZone(identifier: $0)! }

/// Instants around DST changes in 2026 are included by drawing from the whole year.
let year2026 = Date(timeIntervalSince1970: 1_767_225_600)
