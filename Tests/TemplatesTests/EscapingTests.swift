import Templates
import Testing

@Suite struct EscapingTests {
    static let hostile = "\"><script>alert('x')</script>&amp;"

    @Test func elementTextIsEscaped() throws {
        #expect(try render("<p>{{ x }}</p>", ["x": .string(Self.hostile)])
            == "<p>&#34;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;</p>")
    }

    @Test func quotedAttributesAreEscapedInBothQuoteStyles() throws {
        #expect(try render("<input value=\"{{ x }}\">", ["x": .string(Self.hostile)])
            == "<input value=\"&#34;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\">")
        #expect(try render("<input value='{{ x }}'>", ["x": "' onfocus='alert(1)"])
            == "<input value='&#39; onfocus=&#39;alert(1)'>")
    }

    @Test func rcdataIsAlwaysEscapedEvenForTrustedHTML() throws {
        #expect(try render("<textarea>{{ x }}</textarea>", ["x": .html(TrustedHTML("</textarea><b>"))])
            == "<textarea>&lt;/textarea&gt;&lt;b&gt;</textarea>")
        #expect(try render("<title>{{ x }}</title>", ["x": "</title>"]) == "<title>&lt;/title&gt;</title>")
    }

    @Test func trustedHTMLPassesOnlyInElementText() throws {
        let bold = TemplateValue.html(TrustedHTML("<b>hi</b>"))
        #expect(try render("<p>{{ x }}</p>", ["x": bold]) == "<p><b>hi</b></p>")
        #expect(try render("<p title=\"{{ x }}\"></p>", ["x": bold]) == "<p title=\"&lt;b&gt;hi&lt;/b&gt;\"></p>")
    }

    @Test(arguments: [
        "javascript:alert(1)", "  JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:x",
        "\u{01}javascript:x", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox", "JAVASCRIPT:x",
    ])
    func dangerousURLsBecomeAPlaceholder(url: String) throws {
        for attribute in ["href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-push-url"] {
            #expect(try render("<a \(attribute)=\"{{ u }}\">", ["u": .string(url)]) == "<a \(attribute)=\"#blocked-url\">")
        }
    }

    @Test(arguments: [
        ("https://example.com/a?b=c&d=e", "https://example.com/a?b=c&amp;d=e"),
        ("http://x.test", "http://x.test"),
        ("mailto:a@b.test", "mailto:a@b.test"),
        ("tel:+123", "tel:+123"),
        ("/tasks/1", "/tasks/1"),
        ("?page=2", "?page=2"),
        ("#top", "#top"),
        ("relative/path", "relative/path"),
        ("javascript&#58;alert(1)", "javascript&amp;#58;alert(1)"),
        ("/x\"onmouseover=\"alert(1)", "/x&#34;onmouseover=&#34;alert(1)"),
    ])
    func safeURLsPassEscaped(url: String, expected: String) throws {
        #expect(try render("<a href=\"{{ u }}\">", ["u": .string(url)]) == "<a href=\"\(expected)\">")
    }

    @Test func urlsWithAStaticPrefixAreEscapedNotChecked() throws {
        #expect(try render("<a href=\"/tasks/{{ id }}?q={{ q | urlencode }}\">", ["id": 7, "q": "a&b"])
            == "<a href=\"/tasks/7?q=a%26b\">")
        #expect(try render("<a href=\"mailto:{{ e }}\">", ["e": "javascript:x"]) == "<a href=\"mailto:javascript:x\">")
        #expect(try render("<a href=\"{{ base }}/edit\">", ["base": "/tasks/1"]) == "<a href=\"/tasks/1/edit\">")
    }

    @Test func lineSeparatorsAreHarmlessInTextAndEscapedInJSON() throws {
        #expect(try render("<p>{{ x }}</p>", ["x": "a\u{2028}b"]) == "<p>a\u{2028}b</p>")
        #expect(try render("<script type=\"application/json\">{{ x | json }}</script>", ["x": "a\u{2028}b\u{2029}"])
            == "<script type=\"application/json\">\"a\\u2028b\\u2029\"</script>")
    }

    @Test func entityTricksStayInert() throws {
        #expect(try render("<p>{{ x }}</p>", ["x": "&lt;script&gt;"]) == "<p>&amp;lt;script&amp;gt;</p>")
        #expect(try render("<a title=\"{{ x }}\">", ["x": "&#34; onclick=&#34;x"]) == "<a title=\"&amp;#34; onclick=&amp;#34;x\">")
    }

    @Test func contextIsTrackedAcrossBranchesAndAttributes() throws {
        let source = "<li class=\"task{% if done %} done{% end %}\" data-id=\"{{ id }}\"><input type=\"checkbox\" {% if done %}checked{% end %}>{{ title }}</li>"
        #expect(try render(source, ["done": true, "id": 3, "title": "<x>"])
            == "<li class=\"task done\" data-id=\"3\"><input type=\"checkbox\" checked>&lt;x&gt;</li>")
    }
}
