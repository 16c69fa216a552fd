import Foundation
import Templates
import Testing

@Suite struct FragmentTests {
    static let library = Result { try TemplateLibrary(sources: [
        "layout": "<!doctype html><html><body>{% block content %}{% end %}</body></html>",
        "dashboard": """
            {% extends "layout" %}
            {% block content %}
            <h1>{{ title }}</h1>
            {% fragment task_list %}<ul id="tasks">{% for task in tasks %}{% fragment task_row %}<li id="task-{{ task.id }}" class="{{ task.status }}"><a href="/tasks/{{ task.id }}">{{ task.title }}</a></li>{% end %}{% empty %}<li>No tasks</li>{% end %}</ul>{% end %}
            {% fragment stats %}<p id="stats" hx-swap-oob="true">{{ minutes }} min</p>{% end %}
            {% end %}
            """,
    ]) }

    static let context: [String: TemplateValue] = [
        "title": "Today",
        "minutes": 42,
        "tasks": [
            ["id": 1, "status": "todo", "title": "<b>Write</b>"],
            ["id": 2, "status": "done", "title": "Read & rest"],
        ],
    ]

    @Test func fragmentsAreByteIdenticalToTheirRegionInTheFullPage() throws {
        let library = try Self.library.get()
        let page = try library.render("dashboard", Self.context)
        for name in ["task_list", "stats"] {
            let fragment = try library.render("dashboard", fragment: name, Self.context)
            #expect(!fragment.isEmpty)
            #expect(page.firstRange(of: fragment) != nil, "fragment \(name) not found verbatim in the page")
        }
        let row = try library.render("dashboard", fragment: "task_row", ["task": ["id": 2, "status": "done", "title": "Read & rest"]])
        #expect(page.firstRange(of: row) != nil)
        #expect(String(decoding: row, as: UTF8.self) == "<li id=\"task-2\" class=\"done\"><a href=\"/tasks/2\">Read &amp; rest</a></li>")
    }

    @Test func severalFragmentsRenderTogether() throws {
        let library = try Self.library.get()
        let both = try library.render("dashboard", fragments: ["task_list", "stats"], Self.context)
        let list = try library.render("dashboard", fragment: "task_list", Self.context)
        let stats = try library.render("dashboard", fragment: "stats", Self.context)
        #expect(both == list + stats)
        #expect(library.fragmentNames(of: "dashboard") == ["stats", "task_list", "task_row"])
    }

    @Test func unknownFragmentIsAnError() throws {
        let library = try Self.library.get()
        #expect(throws: TemplateError.self) { try library.render("dashboard", fragment: "nope", Self.context) }
    }

    @Test func loadsAFolderAndReloads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("partials"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<p>{% include \"partials/row\" %}</p>".write(to: folder.appendingPathComponent("page.html"), atomically: true, encoding: .utf8)
        try "{{ x }}".write(to: folder.appendingPathComponent("partials/row.html"), atomically: true, encoding: .utf8)
        let library = try TemplateLibrary(directory: folder)
        #expect(library.templateNames == ["page", "partials/row"])
        #expect(try library.renderString("page", ["x": "1"]) == "<p>1</p>")
        try "[{{ x }}]".write(to: folder.appendingPathComponent("partials/row.html"), atomically: true, encoding: .utf8)
        #expect(try library.renderString("page", ["x": "1"]) == "<p>1</p>")
        #expect(try library.reloaded().renderString("page", ["x": "1"]) == "<p>[1]</p>")
    }
}
