import Templates
import Testing

@Suite struct ErrorTests {
    @Test func parseErrorsShowLocationLineAndCaret() {
        let error = loadError("<p>\n{% if x %}\n  {{ user. }}\n{% end %}")
        #expect(error?.kind == .syntax)
        #expect(error?.description == """
            t:3:12: expected a name after '.'
              {{ user. }}
                       ^
            """)
    }

    @Test(arguments: [
        ("{% if x %}a", "unexpected end of template, expected 'elif' or 'else' or 'end'"),
        ("{% end %}", "'end' without an open block"),
        ("{% for x %}{% end %}", "expected 'in'"),
        ("{% frobnicate %}", "unknown tag 'frobnicate'"),
        ("{{ x | nope }}", "unknown filter 'nope'"),
        ("{{ x | upper(1) }}", "filter 'upper' takes 0…0 arguments, not 1"),
        ("{{ 'abc }}", "unclosed '{{'"),
        ("{{ x + 1 }}", "unexpected character '+'"),
        ("{% if x %}{% else %}{% else %}{% end %}", "unexpected 'else'"),
        ("{% else x %}", "'else' without an open block"),
        ("{{ loop.index }}", "'loop' is only available inside a 'for'"),
        ("{% for x in xs %}{{ loop.count }}{% end %}", "loop has index, index0, first, last and length"),
        ("a{% extends \"b\" %}", "'extends' must come first"),
        ("{% fragment a %}{% end %}{% fragment a %}{% end %}", "fragment 'a' is defined twice"),
        ("{{ }}", "expected a value"),
    ])
    func syntaxErrorMessages(source: String, message: String) {
        let error = loadError(source)
        #expect(error != nil)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("t:") == true)
    }

    @Test func unknownNamesAndCyclesAreRejectedAtLoad() {
        #expect(loadError(["a": "{% include \"missing\" %}"])?.description.hasPrefix("a:1:4: unknown template 'missing'") == true)
        #expect(loadError(["a": "{% extends \"nope\" %}"])?.kind == .unknownName)
        #expect(loadError(["a": "{% include \"b\" %}", "b": "{% include \"a\" %}"])?.message.contains("cycle: a → b → a") == true)
        #expect(loadError(["a": "{% extends \"a\" %}"])?.kind == .cycle)
        #expect(loadError(["base": "{% block x %}{% end %}", "c": "{% extends \"base\" %}{% block y %}{% end %}"])?
            .message == "block 'y' is not defined in 'base'")
        #expect(loadError(["base": "{% block x %}{% end %}", "c": "{% extends \"base\" %}<p>stray</p>"])?
            .message == "a template that extends another may only contain blocks")
    }

    @Test func missingVariablesAreErrorsWhenStrict() throws {
        let error = renderError("a\n  {{ user.nmae }}", ["user": ["name": "x"]])
        #expect(error?.description == "t:2:6: missing variable 'user.nmae'")
        #expect(error?.kind == .render)
        #expect(renderError("{{ nope }}")?.message == "missing variable 'nope'")
        #expect(try render("[{{ nope }}]", strict: false) == "[]")
        let items: TemplateValue = [["name": "a"]]
        #expect(renderError("{% for item in items %}{{ item.nmae }}{% end %}", ["items": items])?.description == "t:1:27: missing variable 'item.nmae'")
        #expect(try render("{% for item in items %}[{{ item.nmae }}|{{ item.name }}|{{ item.name.first }}]{% end %}", ["items": items], strict: false) == "[|a|]")
        #expect(try render("{% for n in ns %}{{ n }},{% end %}", ["ns": [1, 2]]) == "1,2,")
        #expect(renderError("{% for item in items %}{% if item.nmae %}x{% end %}{% end %}", ["items": items])?.message == "missing variable 'item.nmae'")
        #expect(try render("{% for item in items %}{% if item.nmae %}x{% elif item.name %}{{ item.name }}{% end %}{% end %}", ["items": items], strict: false) == "a")
        #expect(try render("{{ a.b.c }}|{{ a.b.x }}|{{ a.c }}", ["a": ["b": ["c": "deep"]]], strict: false) == "deep||")
        #expect(renderError("{{ a.b.x }}", ["a": ["b": ["c": "deep"]]])?.message == "missing variable 'a.b.x'")
    }

    @Test func renderErrorsNameTheTemplateAndLocation() {
        #expect(renderError("{% for x in n %}{% end %}", ["n": 1])?.description == "t:1:4: 'for' needs a list, not int")
        #expect(renderError("{{ xs }}", ["xs": [1]])?.description == "t:1:4: cannot print a list")
        #expect(renderError("{% if a < b %}{% end %}", ["a": "x", "b": 1])?.description == "t:1:9: cannot compare string with int using <")
        #expect(renderError("{{ x | date('%Y') }}", ["x": "not a date"])?.description == "t:1:8: filter 'date': date needs a date, not string")
    }

    private func renderError(_ source: String, _ context: [String: TemplateValue] = [:]) -> TemplateError? {
        do {
            let library = try TemplateLibrary(sources: ["t": source])
            _ = try library.render("t", context)
            return nil
        } catch {
            return error
        }
    }
}
