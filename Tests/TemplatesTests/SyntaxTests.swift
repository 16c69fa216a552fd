import Foundation
import Templates
import Testing

@Suite struct SyntaxTests {
    @Test func printsValuesAndLiterals() throws {
        #expect(try render("a{{ x }}b", ["x": "1"]) == "a1b")
        #expect(try render("{{ 'it\\'s' }}{{ \"q\" }}{{ 42 }}{{ -3 }}{{ 1.5 }}{{ true }}{{ null }}") == "it&#39;sq42-31.5true")
        #expect(try render("{{ user.name.first }}", ["user": ["name": ["first": "Ada"]]]) == "Ada")
    }

    @Test func conditionalsChooseTheFirstTrueBranch() throws {
        let source = "{% if n > 2 %}big{% elif n == 2 %}two{% else %}small{% end %}"
        #expect(try render(source, ["n": 3]) == "big")
        #expect(try render(source, ["n": 2]) == "two")
        #expect(try render(source, ["n": 1]) == "small")
        #expect(try render("{% if x %}y{% end %}", ["x": ""]) == "")
        #expect(try render("{% if x %}y{% end %}", ["x": []]) == "")
        #expect(try render("{% if x %}y{% end %}", ["x": nil]) == "")
    }

    @Test func booleanOperatorsAndComparisons() throws {
        let context: [String: TemplateValue] = ["a": true, "b": false, "n": 5, "s": "abc", "d": 2.5]
        #expect(try render("{% if a and not b %}1{% end %}", context) == "1")
        #expect(try render("{% if b or n >= 5 %}1{% end %}", context) == "1")
        #expect(try render("{% if not (a and b) %}1{% end %}", context) == "1")
        #expect(try render("{% if s == 'abc' and s != 'x' and s < 'b' %}1{% end %}", context) == "1")
        #expect(try render("{% if d > 2 and d <= 2.5 and n == 5.0 %}1{% end %}", context) == "1")
        #expect(try render("{% if n < 5 %}1{% else %}0{% end %}", context) == "0")
    }

    @Test func loopsExposeLoopState() throws {
        let source = "{% for x in xs %}{{ loop.index }}{{ x }}{% if loop.first %}F{% end %}{% if loop.last %}L{% end %}{% if not loop.last %},{% end %}{% empty %}none{% end %}"
        #expect(try render(source, ["xs": ["a", "b", "c"]]) == "1aF,2b,3cL")
        #expect(try render(source, ["xs": []]) == "none")
        #expect(try render("{% for x in xs %}{{ loop.index0 }}/{{ loop.length }} {% end %}", ["xs": [1, 2]]) == "0/2 1/2 ")
    }

    @Test func nestedLoopsSeeTheirOwnLoopAndOuterVariables() throws {
        let source = "{% for row in rows %}{% for cell in row.cells %}{{ row.name }}{{ cell }}{{ loop.index }};{% end %}|{% end %}"
        let rows: TemplateValue = [["name": "a", "cells": [1, 2]], ["name": "b", "cells": [3]]]
        #expect(try render(source, ["rows": rows]) == "a11;a22;|b31;|")
    }

    /// Branches inside loops inside branches, empty parts at every depth, loops that
    /// run again after an empty one: the flat bytecode's jumps land where the nesting says.
    @Test func controlFlowNestsToAnyDepth() throws {
        let source = """
            {% for group in groups %}[{% if group.items %}{% for item in group.items %}{% if item > 2 %}B{% elif item == 2 %}T{% else %}S{% end %}\
            {% for x in group.items %}{% if loop.last %}.{% end %}{% end %}{% empty %}never{% end %}{% elif group.label %}{{ group.label }}\
            {% else %}-{% end %}]{% empty %}no groups{% end %}!
            """
        let groups: TemplateValue = [["items": [1, 2, 3], "label": ""], ["items": [], "label": "L"], ["items": [], "label": ""], ["items": [2], "label": ""]]
        #expect(try render(source, ["groups": groups]) == "[S.T.B.][L][-][T.]!")
        #expect(try render(source, ["groups": []]) == "no groups!")
        #expect(try render("{% for x in a %}{{ x }}{% empty %}e{% end %}{% for y in b %}{{ y }}{% end %}", ["a": [], "b": [1, 2]]) == "e12")
    }

    @Test func commentsDisappear() throws {
        #expect(try render("a{# hidden {{ x }} #}b") == "ab")
    }

    @Test func includesShareTheScope() throws {
        let library = try TemplateLibrary(sources: [
            "page": "<ul>{% for t in tasks %}{% include \"row\" %}{% end %}</ul>",
            "row": "<li>{{ t }}</li>",
        ])
        #expect(try library.renderString("page", ["tasks": ["a", "b"]]) == "<ul><li>a</li><li>b</li></ul>")
    }

    @Test func extendsReplacesBlocksThroughSeveralLevels() throws {
        let library = try TemplateLibrary(sources: [
            "base": "<title>{% block title %}App{% end %}</title><main>{% block content %}{% end %}</main>",
            "section": "{% extends \"base\" %}{% block content %}<nav>{% block nav %}default{% end %}</nav>{% end %}",
            "page": "{% extends \"section\" %}\n{% block title %}Page {{ n }}{% end %}{% block nav %}mine{% end %}",
        ])
        #expect(try library.renderString("page", ["n": 1]) == "<title>Page 1</title><main><nav>mine</nav></main>")
        #expect(try library.renderString("section", [:]) == "<title>App</title><main><nav>default</nav></main>")
    }

    @Test func filters() throws {
        #expect(try render("{{ x | default('none') }}", [:]) == "none")
        #expect(try render("{{ x | default('none') }}", ["x": nil]) == "none")
        #expect(try render("{{ x | default('none') }}", ["x": "set"]) == "set")
        #expect(try render("{{ 'Ab' | upper }}{{ 'Ab' | lower }}") == "ABab")
        #expect(try render("{{ xs | length }}{{ 'héllo' | length }}", ["xs": [1, 2, 3]]) == "35")
        #expect(try render("{{ n }} task{{ n | pluralize }}", ["n": 1]) == "1 task")
        #expect(try render("{{ n }} task{{ n | pluralize }}", ["n": 2]) == "2 tasks")
        #expect(try render("{{ n }} pon{{ n | pluralize('y', 'ies') }}", ["n": 2]) == "2 ponies")
        #expect(try render("{{ n | number }}|{{ d | number(2) }}|{{ m | number }}", ["n": 1234567, "d": 1234.5, "m": -999]) == "1,234,567|1,234.50|-999")
        #expect(try render("{{ q | urlencode }}", ["q": "a b&c/é"]) == "a%20b%26c%2F%C3%A9")
        #expect(try render("{{ 'abcdef' | truncate(4) }}") == "abc…")
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try render("{{ d | date('%Y-%m-%d %H:%M') }}", ["d": .date(date)]) == "2023-11-14 22:13")
        #expect(try render("{{ d | date('%a %e %b %Y, %H:%M', 'Asia/Tokyo') }}", ["d": .date(date)]) == "Wed 15 Nov 2023, 07:13")
        #expect(try render("{{ d | date('iso') }}", ["d": .date(date)]) == "2023-11-14T22:13:20Z")
        #expect(try render("{{ x | lower | upper }}", ["x": "Mixed"]) == "MIXED")
    }

    @Test func jsonFilterInsideJSONScript() throws {
        let source = "<script type=\"application/json\" id=\"data\">{{ data | json }}</script>"
        let data: TemplateValue = ["name": "</script><b>&'\u{2028}", "n": 1, "list": [true, nil]]
        let output = try render(source, ["data": data])
        #expect(output == "<script type=\"application/json\" id=\"data\">{\"list\":[true,null],\"n\":1,\"name\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u0027\\u2028\"}</script>")
    }

    @Test func valuesComeFromConvertibleTypes() throws {
        struct Task: TemplateValueConvertible {
            let title: String
            let estimate: Int?
            var templateValue: TemplateValue { ["title": title.templateValue, "estimate": estimate.templateValue] }
        }
        let tasks = [Task(title: "Write", estimate: 2), Task(title: "Read", estimate: nil)]
        let output = try render("{% for t in tasks %}{{ t.title }}:{{ t.estimate | default('-') }} {% end %}", ["tasks": tasks.templateValue])
        #expect(output == "Write:2 Read:- ")
    }
}
