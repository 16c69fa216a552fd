import Foundation
import Hummingbird

/// `/api/v1/export*`, `/api/v1/import`, `/api/v1/calendar-feed` (SPEC §10).
struct ExchangeAPIController: Sendable {
    let exports: ExportService
    let imports: ImportService
    let calendar: CalendarFeedService
    let publicURL: String?

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("export") { _, context in
            exports.json(for: context.user)
        }
        api.get("export/tasks.csv") { _, context in
            exports.tasksCSV(for: context.user)
        }
        api.get("export/sessions.csv") { request, context in
            let query = FormData(query: request)
            return try await exports.sessionsCSV(for: context.user, from: query.present("from"), to: query.present("to"))
        }
        api.post("import") { request, context in
            let query = FormData(query: request)
            let options = try ImportService.Options(source: query.present("source"), timezone: query.present("timezone"), dryRun: query.present("dry_run"))
            let report = try await imports.importFile(try await ImportService.body(of: request), options: options, for: context.user)
            return try APIResponse.json(report)
        }
        api.post("calendar-feed") { request, context in
            let url = try await calendar.create(for: context.user, baseURL: Self.baseURL(publicURL, request))
            return try APIResponse.json(["url": url], status: .created)
        }
        api.delete("calendar-feed") { _, context in
            guard try await calendar.revoke(for: context.user) else { throw CalendarFeedService.noFeed }
            return Response(status: .noContent)
        }
    }

    /// `PUBLIC_URL`, else the scheme and host the request came to.
    static func baseURL(_ configured: String?, _ request: Request) -> String {
        if let configured { return configured }
        let host = request.head.authority ?? "localhost"
        return "http://\(host)"
    }
}

/// `GET /cal/{token}.ics`: no cookie, no header — the secret is the URL.
struct CalendarFeedController: Sendable {
    let calendar: CalendarFeedService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("cal/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".ics"), let text = try await calendar.feed(token: String(file.dropLast(4))) else { throw AppError.notFound }
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
