"""HTML templates lose their indentation when they are compiled, not each time they render.

A run of blank space that stands between two tags (or a tag and a Jinja tag) becomes one
line break: a browser draws any run of blank space there as one space, so pages look the
same and weigh less (the log entry's many tick-boxes carried about 5 KB of indentation).
Only the template's own text changes; what a person typed is inserted later and is never
touched. `<pre>` and `<textarea>` keep their blank space as written. Plain-text templates
(mail bodies) are left alone.
"""

from __future__ import annotations

import re

from jinja2.ext import Extension

#: Blank space with a line break in it, between the end of a tag or Jinja tag and the
#: start of the next one (or a kept block, on either side).
BETWEEN_TAGS = re.compile(
    r"(?:(?<=>)|(?<=%\})|(?<=\}\})|\A)[ \t\r]*\n\s*(?=<|\{%|\{\{|\{#|\Z)")
#: Where blank space is the content itself.
KEEP = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S | re.I)


def compact(source: str) -> str:
    parts = KEEP.split(source)
    # split() with one group: the odd items are the kept blocks.
    return "".join(part if i % 2 else BETWEEN_TAGS.sub("\n", part)
                   for i, part in enumerate(parts))


class CompactHTML(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name and name.endswith(".html"):
            return compact(source)
        return source
