import Foundation
import LeafKit
import Mustache
import NIOCore
import NIOPosix
import Stencil
import Templates

/// One engine under test: renders the page from the app's own data types.
protocol Engine {
    var name: String { get }
    func render(_ page: BenchPage) throws -> String
}

struct FocusQuestEngine: Engine {
    let name = "focusquest"
    let library: TemplateLibrary

    init() throws {
        library = try TemplateLibrary(sources: [
            "layout": """
                <!doctype html><html><head><title>{{ title }}</title></head><body><header><span>{{ user.name }}</span></header>
                <main>{% block content %}{% end %}</main></body></html>
                """,
            "dashboard": """
                {% extends "layout" %}{% block content %}<h1>{{ heading }}</h1><ul class="tasks">
                {% for task in tasks %}<li id="task-{{ task.id }}" class="task {{ task.status }}"><a href="/tasks/{{ task.id }}">{{ task.title }}</a>
                <p>{{ task.description }}</p><span class="est">{{ task.estimate }}</span><span class="min">{{ task.minutes }}</span>
                {% if task.done %}<b>done</b>{% else %}<i>open</i>{% end %}<ul class="tags">{% for tag in task.tags %}<li>{{ tag }}</li>{% end %}</ul></li>
                {% end %}</ul>{% end %}
                """,
        ])
    }

    func render(_ page: BenchPage) throws -> String {
        let tasks: [TemplateValue] = page.tasks.map { task in
            .dictionary([
                "id": .int(task.id), "title": .string(task.title), "description": .string(task.description),
                "status": .string(task.status), "estimate": .int(task.estimate), "minutes": .int(task.minutes),
                "done": .bool(task.done), "tags": .array(task.tags.map(TemplateValue.string)),
            ])
        }
        let context: [String: TemplateValue] = [
            "title": .string(page.title), "user": ["name": .string(page.userName)],
            "heading": .string(page.heading), "tasks": .array(tasks),
        ]
        return String(decoding: try library.render("dashboard", context), as: UTF8.self)
    }
}

struct MustacheEngine: Engine {
    let name = "mustache"
    let library: MustacheLibrary

    init() throws {
        library = MustacheLibrary(templates: [
            "layout": try MustacheTemplate(string: """
                <!doctype html><html><head><title>{{title}}</title></head><body><header><span>{{user.name}}</span></header>
                <main>{{$content}}{{/content}}</main></body></html>
                """),
            "dashboard": try MustacheTemplate(string: """
                {{<layout}}{{$content}}<h1>{{heading}}</h1><ul class="tasks">
                {{#tasks}}<li id="task-{{id}}" class="task {{status}}"><a href="/tasks/{{id}}">{{title}}</a>
                <p>{{description}}</p><span class="est">{{estimate}}</span><span class="min">{{minutes}}</span>
                {{#done}}<b>done</b>{{/done}}{{^done}}<i>open</i>{{/done}}<ul class="tags">{{#tags}}<li>{{.}}</li>{{/tags}}</ul></li>
                {{/tasks}}</ul>{{/content}}{{/layout}}
                """),
        ])
    }

    func render(_ page: BenchPage) throws -> String {
        let tasks: [[String: Any]] = page.tasks.map { task in
            [
                "id": task.id, "title": task.title, "description": task.description, "status": task.status,
                "estimate": task.estimate, "minutes": task.minutes, "done": task.done, "tags": task.tags,
            ]
        }
        let context: [String: Any] = ["title": page.title, "user": ["name": page.userName], "heading": page.heading, "tasks": tasks]
        return library.render(context, withTemplate: "dashboard") ?? ""
    }
}

/// LeafKit reads templates through a `LeafSource`; this one serves them from memory.
struct MemoryLeafSource: LeafSource {
    let templates: [String: String]

    func file(template: String, escape: Bool, on eventLoop: any EventLoop) throws -> EventLoopFuture<ByteBuffer> {
        guard let text = templates[template] else { return eventLoop.makeFailedFuture(LeafError(.noTemplateExists(template))) }
        return eventLoop.makeSucceededFuture(ByteBuffer(string: text))
    }
}

struct LeafEngine: Engine {
    let name = "leaf"
    let renderer: LeafRenderer

    init(eventLoop: any EventLoop) {
        let source = MemoryLeafSource(templates: [
            "layout": """
                <!doctype html><html><head><title>#(title)</title></head><body><header><span>#(user.name)</span></header>
                <main>#import("content")</main></body></html>
                """,
            "dashboard": """
                #extend("layout"):#export("content"):<h1>#(heading)</h1><ul class="tasks">
                #for(task in tasks):<li id="task-#(task.id)" class="task #(task.status)"><a href="/tasks/#(task.id)">#(task.title)</a>
                <p>#(task.description)</p><span class="est">#(task.estimate)</span><span class="min">#(task.minutes)</span>
                #if(task.done):<b>done</b>#else:<i>open</i>#endif<ul class="tags">#for(tag in task.tags):<li>#(tag)</li>#endfor</ul></li>
                #endfor</ul>#endexport#endextend
                """,
        ])
        let sources = LeafSources()
        try? sources.register(using: source)
        renderer = LeafRenderer(configuration: LeafConfiguration(rootDirectory: "/"), sources: sources, eventLoop: eventLoop)
    }

    func render(_ page: BenchPage) throws -> String {
        let tasks: [LeafData] = page.tasks.map { task in
            .dictionary([
                "id": .int(task.id), "title": .string(task.title), "description": .string(task.description),
                "status": .string(task.status), "estimate": .int(task.estimate), "minutes": .int(task.minutes),
                "done": .bool(task.done), "tags": .array(task.tags.map(LeafData.string)),
            ])
        }
        let context: [String: LeafData] = [
            "title": .string(page.title), "user": .dictionary(["name": .string(page.userName)]),
            "heading": .string(page.heading), "tasks": .array(tasks),
        ]
        let buffer = try renderer.render(path: "dashboard", context: context).wait()
        return String(buffer: buffer)
    }
}

struct StencilEngine: Engine {
    let name = "stencil"
    let template: Stencil.Template

    init() throws {
        let escaping = Extension()
        escaping.registerFilter("e") { value in (value as? CustomStringConvertible).map { Baseline.escape($0.description) } }
        let environment = Environment(
            loader: DictionaryLoader(templates: [
                "layout": """
                    <!doctype html><html><head><title>{{ title|e }}</title></head><body><header><span>{{ user.name|e }}</span></header>
                    <main>{% block content %}{% endblock %}</main></body></html>
                    """,
                "dashboard": """
                    {% extends "layout" %}{% block content %}<h1>{{ heading|e }}</h1><ul class="tasks">
                    {% for task in tasks %}<li id="task-{{ task.id }}" class="task {{ task.status|e }}"><a href="/tasks/{{ task.id }}">{{ task.title|e }}</a>
                    <p>{{ task.description|e }}</p><span class="est">{{ task.estimate }}</span><span class="min">{{ task.minutes }}</span>
                    {% if task.done %}<b>done</b>{% else %}<i>open</i>{% endif %}<ul class="tags">{% for tag in task.tags %}<li>{{ tag|e }}</li>{% endfor %}</ul></li>
                    {% endfor %}</ul>{% endblock %}
                    """,
            ]),
            extensions: [escaping])
        template = try environment.loadTemplate(name: "dashboard")
    }

    func render(_ page: BenchPage) throws -> String {
        let tasks: [[String: Any]] = page.tasks.map { task in
            [
                "id": task.id, "title": task.title, "description": task.description, "status": task.status,
                "estimate": task.estimate, "minutes": task.minutes, "done": task.done, "tags": task.tags,
            ]
        }
        return try template.render(["title": page.title, "user": ["name": page.userName], "heading": page.heading, "tasks": tasks])
    }
}

/// What a careful developer writes by hand: appends to a String, escaping each value.
struct Baseline: Engine {
    let name = "handwritten"

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    func render(_ page: BenchPage) throws -> String {
        var html = ""
        html.reserveCapacity(32_768)
        html += "<!doctype html><html><head><title>\(Self.escape(page.title))</title></head><body><header><span>\(Self.escape(page.userName))</span></header>\n<main>"
        html += "<h1>\(Self.escape(page.heading))</h1><ul class=\"tasks\">\n"
        for task in page.tasks {
            html += "<li id=\"task-\(task.id)\" class=\"task \(Self.escape(task.status))\"><a href=\"/tasks/\(task.id)\">\(Self.escape(task.title))</a>\n"
            html += "<p>\(Self.escape(task.description))</p><span class=\"est\">\(task.estimate)</span><span class=\"min\">\(task.minutes)</span>\n"
            html += task.done ? "<b>done</b>" : "<i>open</i>"
            html += "<ul class=\"tags\">"
            for tag in task.tags { html += "<li>\(Self.escape(tag))</li>" }
            html += "</ul></li>\n"
        }
        html += "</ul></main></body></html>"
        return html
    }
}
