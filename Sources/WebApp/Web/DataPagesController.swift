import Domain
import Foundation
import Hummingbird

/// The "Your data" section of `/settings` (SPEC §10): downloads, the import upload (checked
/// first, then confirmed) and the calendar link. Each form swaps the section in place;
/// without JavaScript it answers the whole settings page with the section filled in.
struct DataPagesController: Sendable {
    let streaks: StreakService
    let exports: ExportService
    let imports: ImportService
    let calendar: CalendarFeedService
    let pending: PendingImports
    let views: Views
    let publicURL: String?

    init(services: AppServices) {
        streaks = services.streaks
        exports = services.exports
        imports = services.imports
        calendar = services.calendarFeeds
        pending = services.pendingImports
        views = services.views
        publicURL = services.config.publicURL
    }

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("settings/export.json") { _, context in exports.json(for: context.user) }
        router.get("settings/export/tasks.csv") { _, context in exports.tasksCSV(for: context.user) }
        router.get("settings/export/sessions.csv") { request, context in
            let query = FormData(query: request)
            return try await exports.sessionsCSV(for: context.user, from: query.present("from"), to: query.present("to"))
        }
        router.post("settings/import") { request, context in
            var request = request
            let form = try UploadForm.parse(try await ImportService.collectBody(&request), contentType: request.headers[.contentType])
            return try await check(form, context)
        }
        router.post("settings/import/confirm") { request, context in
            let form = try await FormData.read(request, context: context)
            let now = imports.clock.now
            guard let file = await pending.take(token: form["token"] ?? "", userID: context.user.userID, now: now) else {
                return try await section(context, DataSection(error: "That checked file has expired (files wait 15 minutes). Choose it again."), status: .gone)
            }
            guard form["decision"] == "import" else { return try await section(context, DataSection(notice: "Import cancelled; nothing was stored.")) }
            let options = ImportService.Options(source: file.options.source, timezone: file.options.timezone, dryRun: false)
            do {
                let report = try await imports.importFile(file.data, options: options, for: context.user)
                return try await section(context, DataSection(notice: "Imported \(file.filename).", report: report))
            } catch let error as AppError {
                return try await section(context, DataSection(error: error.message, problems: error.rows ?? []), status: error.status)
            }
        }
        router.post("settings/calendar-feed") { request, context in
            let url = try await calendar.create(for: context.user, baseURL: ExchangeAPIController.baseURL(publicURL, request))
            return try await section(context, DataSection(feedURL: url))
        }
        router.post("settings/calendar-feed/delete") { _, context in
            let revoked = try await calendar.revoke(for: context.user)
            return try await section(context, DataSection(notice: revoked ? "Calendar link revoked; calendars using it stop updating." : "There was no calendar link."))
        }
    }

    /// A dry run of the uploaded file: its report and a token to confirm it, or its problems.
    private func check(_ form: UploadForm, _ context: AuthenticatedContext) async throws -> Response {
        var shown = DataSection(source: ImportService.Source(rawValue: form.fields["source"] ?? "") ?? .focusquest, timezone: form.fields["timezone"])
        guard let file = form.file, !file.isEmpty else {
            shown.error = "Choose a file to import first."
            return try await section(context, shown, status: .unprocessableContent)
        }
        let filename = form.filename.flatMap { $0.isEmpty ? nil : $0 } ?? "the file"
        do {
            let options = try ImportService.Options(
                source: form.fields["source"], timezone: form.fields["timezone"].flatMap { $0.trimmingWhitespace.isEmpty ? nil : $0.trimmingWhitespace },
                dryRun: "true")
            shown.report = try await imports.importFile(file, options: options, for: context.user)
            shown.pendingToken = await pending.keep(file, filename: filename, options: options, userID: context.user.userID, now: imports.clock.now)
            shown.filename = filename
            return try await section(context, shown)
        } catch let error as AppError {
            shown.error = "\(filename): " + (error.rows == nil ? error.message + (error.fields.map { " " + Self.sentence($0) } ?? "") : error.message)
            shown.problems = error.rows ?? []
            return try await section(context, shown, status: error.status)
        }
    }

    /// `timezone must be …` from a 422's fields.
    private static func sentence(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key.replacingOccurrences(of: "_", with: " ")) \($0.value)." }.joined(separator: " ")
    }

    private func section(_ context: AuthenticatedContext, _ data: DataSection, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["data_section"], status: status, page.values(data: data), context: context)
    }
}
