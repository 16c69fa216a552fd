import Templates
import Testing

/// Every place where an interpolation cannot be escaped safely is refused at load time.
@Suite struct RefusalTests {
    @Test(arguments: [
        ("<a href={{ u }}>", "unquoted attribute value"),
        ("<input value={{ v }}>", "unquoted attribute value"),
        ("<div {{ attrs }}>", "attribute name"),
        ("<div data-{{ name }}=\"x\">", "attribute name"),
        ("<{{ tag }}>", "tag name"),
        ("<h{{ level }}>", "tag name"),
        ("</{{ tag }}>", "tag name"),
        ("<button onclick=\"go({{ id }})\">", "'onclick' attribute"),
        ("<body ONLOAD=\"{{ x }}\">", "'onload' attribute"),
        ("<button hx-on:click=\"{{ x }}\">", "'hx-on:click' attribute"),
        ("<button hx-on-click=\"{{ x }}\">", "'hx-on-click' attribute"),
        ("<button hx-vals='{\"id\": {{ id }}}'>", "'hx-vals' attribute"),
        ("<button hx-headers=\"{{ h }}\">", "'hx-headers' attribute"),
        ("<button data-hx-vals=\"{{ h }}\">", "'data-hx-vals' attribute"),
        ("<p style=\"color: {{ c }}\">", "'style' attribute"),
        ("<iframe srcdoc=\"{{ doc }}\">", "'srcdoc' attribute"),
        ("<script>var x = {{ x }};</script>", "<script> body"),
        ("<script type=\"text/javascript\">{{ x | json }}</script>", "<script> body"),
        ("<style>p { color: {{ c }} }</style>", "<style> body"),
        ("<script type=\"application/json\">{{ x }}</script>", "must end with the 'json' filter"),
        ("<!-- {{ x }} -->", "HTML comment"),
        ("<a href=\"java{{ rest }}\">", "partial URL scheme"),
        ("<a href=\"{{ a }}{{ b }}\">", "second interpolation"),
        ("<a href=\"{{ a }}:{{ b }}\">", "could form a scheme"),
        ("<a href=\"{{ a }}&#58;x\">", "could form a scheme"),
        ("<p {% if x %}class=\"{% end %}\">", "different HTML contexts"),
        ("{% for x in xs %}<p title=\"{% end %}", "different HTML context"),
    ])
    func refusesUnsafeInterpolation(source: String, message: String) {
        let error = loadError(source)
        #expect(error?.kind == .unsafeContext)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func refusalNamesTheFileLineAndColumn() {
        let error = loadError("<p>\n  <a onclick=\"{{ x }}\">")
        #expect(error?.description == """
            t:2:18: interpolation in the 'onclick' attribute is not allowed (event handlers hold script)
              <a onclick="{{ x }}">
                             ^
            """)
    }

    @Test func safeLookalikesAreAccepted() throws {
        #expect(try render("<p data-on=\"{{ x }}\" class=\"{{ x }}\">{{ x }}</p><script src=\"/a.js\"></script>{{ x }}", ["x": "1"])
            == "<p data-on=\"1\" class=\"1\">1</p><script src=\"/a.js\"></script>1")
    }
}
