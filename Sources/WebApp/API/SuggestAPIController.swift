import Domain
import Hummingbird

/// `POST /api/v1/ai/suggest`: `{title, description?}` → `{description, subtasks,
/// estimate_pomodoros, source}` (200), `source` saying which suggester answered.
struct SuggestAPIController: Sendable {
    let suggestions: SuggestService

    struct RequestBody: Decodable {
        let title: String?
        let description: String?
    }

    struct SuggestionJSON: Encodable {
        let description: String
        let subtasks: [String]
        let estimatePomodoros: Int
        let source: String
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.post("ai/suggest") { request, context in
            let body = try await JSONBody.decode(RequestBody.self, from: request, context: context)
            let (suggestion, source) = try await suggestions.suggest(title: body.title, description: body.description, for: context.user)
            return try APIResponse.json(SuggestionJSON(
                description: suggestion.description, subtasks: suggestion.subtasks, estimatePomodoros: suggestion.estimatePomodoros,
                source: source.rawValue))
        }
    }
}
