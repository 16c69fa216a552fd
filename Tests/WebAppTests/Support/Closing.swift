/// `body` with `resource`, then `close(resource)` — also when `body` throws, whose error is
/// the one reported (a connection left open would outlive its test or trip a check on
/// deinit).
func using<Resource, Result>(
    _ resource: Resource, closing close: (Resource) async throws -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        // safe: the test already fails with `error`; a failure to close adds nothing
        try? await close(resource)
        throw error
    }
    try await close(resource)
    return result
}
