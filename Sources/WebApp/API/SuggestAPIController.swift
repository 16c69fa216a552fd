import Domain
import Hummingbird

/// `POST /api/v1/ai/suggest`: `{title, description?}` → `{description, subtasks,
/// estimate_pomodoros, source}` (200), `source` saying which suggester answered.
struct SuggestAPIController: Sendable {
    let suggestions: SuggestService

    struct SuggestionJSON: Encodable {
        let description: String
        let subtasks: [String]
        let estimatePomodoros: Int
        let source: String
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.post("ai/suggest") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (title, description) = (body.string("title", required: true), body.string("description"))
            try body.checked()
            let (suggestion, source) = try await suggestions.suggest(title: title, description: description, for: context.user)
            return try APIResponse.json(SuggestionJSON(
                description: suggestion.description, subtasks: suggestion.subtasks, estimatePomodoros: suggestion.estimatePomodoros,
                source: source.rawValue))
        }
    }
}
