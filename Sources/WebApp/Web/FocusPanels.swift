import Domain
import Foundation
import Templates

/// Template values for the dashboard's timer and progress panels.
enum FocusPanels {
    /// What to say about a timer that just ended: a full focus with the XP it earned, an
    /// early one with its minutes, a break; "while you were away" when nobody saw it end.
    static func notice(for ended: TimerRecord?, away: Bool) -> TemplateValue {
        guard let ended, ended.status == .completed else { return .null }
        let timer = ended.timer
        let text: String
        if ended.kind == .focus {
            let focused = timer.endedAt.map { timer.focusedSeconds(at: $0) } ?? 0
            let xp = FocusXP.forSession(seconds: focused, fullPomodoroSeconds: timer.isFullLength ? timer.plannedSeconds : nil)
            text = timer.isFullLength ? "Focus done · +\(xp) XP" : "Focus recorded · \(Int(focused / 60)) min · +\(xp) XP"
        } else {
            text = "\(ended.kind.label) over · ready to focus again?"
        }
        return .string(away ? "While you were away: " + text.prefix(1).lowercased() + text.dropFirst() : text)
    }

    static func values(_ dashboard: FocusService.Dashboard, user: UserRecord, now: Date) -> [String: TemplateValue] {
        let settings = user.timerSettings
        let next = dashboard.timer.next
        let kinds: [TemplateValue] = TimerKind.allCases.map { kind in
            ["value": .string(kind.rawValue), "label": .string(kind.label), "minutes": .int(settings.minutes(for: kind)), "suggested": .bool(kind == next.kind)]
        }
        return [
            "timer": dashboard.timer.live.map { timerValues($0, openTasks: dashboard.snapshot.openTasks, now: now) } ?? .null,
            "next": ["kind": .string(next.kind.rawValue), "label": .string(next.kind.label), "minutes": .int(next.minutes)],
            "kinds": .array(kinds),
            "open_tasks": .array(dashboard.snapshot.openTasks.map { ["id": .int(Int($0.id)), "title": .string($0.title)] }),
            "now_iso": .string(RFC3339.string(now)),
            "timer_notice": notice(for: dashboard.snapshot.settledNow, away: true),
            "minutes": "",
            "start_error": .null,
            "progress": ProgressView.values(user: user, streak: dashboard.streak, totals: dashboard.snapshot.totals, today: dashboard.today),
        ]
    }

    /// The live timer; its task's title comes from the open tasks the panel lists.
    static func timerValues(_ record: TimerRecord, openTasks: [(id: Int64, title: String)], now: Date) -> TemplateValue {
        let timer = record.timer
        let remaining = Int(timer.remainingSeconds(at: now).rounded(.up))
        return [
            "id": .int(Int(record.id ?? 0)), "kind": .string(record.kind.rawValue), "kind_label": .string(record.kind.label),
            "status": .string(record.status.rawValue),
            "task_title": record.taskId.map { id in .string(openTasks.first { $0.id == id }?.title ?? "your task") } ?? .null,
            "ends_at": .string(timer.plannedEnd.map(RFC3339.string) ?? ""),
            "remaining_seconds": .int(remaining),
            "remaining_label": .string(String(format: "%02d:%02d", remaining / 60, remaining % 60)),
        ]
    }
}
