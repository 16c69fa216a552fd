import Domain
import Foundation
import Hummingbird
import NIOCore

/// Imports of SPEC §10: a FocusQuest export or a Toggl Track detailed CSV, read and
/// checked whole, then applied in one transaction (``AppDatabase/applyImport``).
struct ImportService: Sendable {
    let database: any ExchangeStorage
    let clock: any WallClock
    let qualifyMinutes: Int

    enum Source: String, Sendable, CaseIterable {
        case focusquest, toggl
    }

    /// What a request or a form asks for, checked: a 422 naming `source`, `timezone` or
    /// `dry_run` otherwise.
    struct Options: Sendable {
        let source: Source
        let timezone: String?
        let dryRun: Bool

        init(source: String?, timezone: String?, dryRun: String?) throws(AppError) {
            var errors = FieldErrors()
            let parsedSource = Source(rawValue: source ?? Source.focusquest.rawValue)
            if parsedSource == nil { errors["source"] = "must be one of focusquest, toggl" }
            var zone: String?
            if let timezone {
                do { zone = try TimeZoneName(timezone).identifier } catch { errors = errors.merging(error) }
            }
            var dry = false
            switch dryRun {
            case nil, "false"?: dry = false
            case "true"?: dry = true
            default: errors["dry_run"] = "must be true or false"
            }
            guard errors.isEmpty, let parsedSource else { throw AppError.validation(errors) }
            self.source = parsedSource
            self.timezone = zone
            self.dryRun = dry
        }

        init(source: Source, timezone: String?, dryRun: Bool) {
            self.source = source
            self.timezone = timezone
            self.dryRun = dryRun
        }
    }

    func importFile(
        _ data: Data, options: Options, for user: UserRecord, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> ImportReport {
        let plan: ImportPlan
        do {
            switch options.source {
            case .focusquest: plan = try ExportFileReader.read(data, now: clock.now)
            case .toggl: plan = try TogglFileReader.read(data, zone: options.timezone ?? user.timezone, now: clock.now)
            }
            return try await database.applyImport(plan, userID: user.userID, dryRun: options.dryRun, qualifySeconds: Double(qualifyMinutes * 60), now: clock.now, progress: progress)
        } catch let problems as ImportProblems {
            throw AppError.importFailed(problems)
        }
    }

    /// The body of an import request, up to ``ImportLimit/bytes``.
    static func body(of request: Request) async throws -> Data {
        var request = request
        return Data(buffer: try await collectBody(&request))
    }

    /// Collects the body (kept in the request for later readers), up to ``ImportLimit/bytes``.
    static func collectBody(_ request: inout Request) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: ImportLimit.bytes)
        } catch is NIOTooManyBytesError {
            throw AppError.importTooLarge
        }
    }
}

/// The one route family whose bodies may exceed the 1 MiB limit: imports, up to 20 MiB.
enum ImportLimit {
    static let bytes = 20 << 20
    static let paths: Set<String> = ["/api/v1/import", "/settings/import"]
}
