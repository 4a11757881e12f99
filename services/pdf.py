"""The visit summary as PDF: WeasyPrint renders the same HTML with the print stylesheet.

Only our own stylesheets under /static are ever fetched: the url fetcher maps
`/static/...` to files in the app's static folder and refuses everything else, so a
URL in a patient's answer (escaped anyway) can never make the server reach the network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import current_app, render_template

from services.summary import Summary

#: A base URL that resolves relative links to something our fetcher recognises.
BASE_URL = "https://visitprep.invalid/"
PAGE_SIZES = ("A4", "letter")


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve files from the static folder; refuse every other URL."""

        def __init__(self, static_folder: str) -> None:
            super().__init__(allowed_protocols=("https",))
            self.root = Path(static_folder).resolve()

        def fetch(self, url, headers=None):
            prefix = BASE_URL + "static/"
            if not url.startswith(prefix):
                raise ValueError("only VisitPrep's own static files may be loaded")
            relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
            path = (self.root / relative).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError("no such static file")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticOnlyFetcher


def render_summary_html(summary: Summary) -> str:
    """The standalone HTML document the PDF is made from (also handy to inspect)."""
    return render_template("summary/pdf.html", summary=summary)


def render_pdf(summary: Summary, page_size: str = "A4") -> bytes:
    """The summary as PDF bytes, on A4 or US Letter paper."""
    from weasyprint import CSS, HTML

    if page_size not in PAGE_SIZES:
        raise ValueError("page_size is A4 or letter")
    fetcher = _fetcher_class()(current_app.static_folder)
    html = HTML(string=render_summary_html(summary), base_url=BASE_URL, url_fetcher=fetcher)
    size = CSS(string=f"@page {{ size: {page_size}; }}")
    # PDF/UA-1: a tagged PDF, so a screen reader can follow its headings, lists and tables.
    return html.write_pdf(stylesheets=[size], pdf_variant="pdf/ua-1")


def page_size_for(request_args, default: str = "A4") -> str:
    """`?paper=letter` picks US Letter; anything else is the default."""
    return "letter" if (request_args.get("paper") or "").lower() == "letter" else default


def warm_up() -> None:
    """Lay out a tiny page once, so the first patient's PDF does not pay for font loading.

    Called once per server worker (gunicorn.conf.py); it touches no database.
    """
    from weasyprint import HTML

    HTML(string="<p>VisitPrep</p>").write_pdf()
