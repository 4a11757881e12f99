"""Templates are compacted when compiled (services.compact_html): the same page, less blank
space, and blank space that is content (pre, textarea, what a person typed) kept."""

from __future__ import annotations

from services.compact_html import compact


def test_indentation_between_tags_becomes_one_line_break():
    source = '<ul>\n    <li>{{ a }}</li>\n\n    {% if b %}\n      <li>b</li>\n    {% endif %}\n</ul>'
    assert compact(source) == '<ul>\n<li>{{ a }}</li>\n{% if b %}\n<li>b</li>\n{% endif %}\n</ul>'


def test_words_keep_their_spaces_and_pre_and_textarea_keep_everything():
    words = "<p>Hello\n    world</p> {{ name }}\n    wrote"
    assert compact(words) == words
    pre = '<pre class="message-text">{{ hello }}\n\n{{ body }}\n\n    {{ sign }}</pre>'
    textarea = '<textarea rows="6">\n\n  {{ late_words }}</textarea>'
    assert compact(f"<div>\n  {pre}\n  {textarea}\n</div>") == f"<div>\n{pre}\n{textarea}\n</div>"


def test_the_real_templates_are_compacted(client):
    html = client.get("/").get_data(as_text=True)
    assert "</html>" in html and "<main" in html  # the page rendered
    assert "\n    <" not in html  # no indented tags left
