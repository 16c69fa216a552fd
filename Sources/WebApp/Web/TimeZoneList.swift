import Domain
import Templates

/// The time zones the server accepts, for the sign-up and settings forms' searchable list
/// (a `<datalist>`: type a city, pick the zone). Built once.
enum TimeZoneList {
    static let value: TemplateValue = .array(TimeZoneName.known.sorted().map { .string($0) })
}
