import Hummingbird

/// `/health`: the process answers. `/ready`: the database answers too (503 otherwise).
struct HealthController: Sendable {
    let database: AppDatabase

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("ready") { _, _ in
            let ready = await database.isReady()
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: ready ? #"{"status":"ready"}"# : #"{"status":"unavailable"}"#)))
        }
    }
}
