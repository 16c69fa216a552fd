import Domain
import Foundation
import Hummingbird

/// `PUT` and `DELETE /api/v1/test/clock` (SPEC §9): an admin moves the server's clock.
/// Registered only when the server runs with `APP_ENV=test`; elsewhere the path is 404.
struct TestClockAPIController: Sendable {
    let clock: TestClock

    func addRoutes(to admin: RouterGroup<AdminContext>) {
        admin.put("test/clock") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let instant = body.date("now", required: true)
            try body.checked()
            if let instant { clock.set(instant) }
            return Response(status: .noContent)
        }
        admin.delete("test/clock") { _, _ in
            clock.reset()
            return Response(status: .noContent)
        }
    }
}
