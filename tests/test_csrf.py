"""Every POST route refuses a request without a CSRF token (SECURITY.md A1),
and the refusal page keeps what the person typed."""

from __future__ import annotations

import re

import pytest

from app import create_app
from config import TestConfig

#: RFC 8058 one-click unsubscribe: mail programs POST without cookie or token. The signed
#: token in the URL is the authority, and it can only stop reminders (tests/mail).
NO_TOKEN_BY_DESIGN = {"portal.unsubscribe"}


def _post_rules():
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted(
        (rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in NO_TOKEN_BY_DESIGN
    )


def test_the_one_click_unsubscribe_needs_a_valid_signed_token(client):
    assert client.post("/r/forged/stop", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def _fill(rule: str) -> str:
    """A concrete URL for a rule: 1 for an integer, the first choice of any(), else a word."""

    def value(match: re.Match) -> str:
        converter, choices = match.group(1), match.group(2)
        if converter == "int":
            return "1"
        if converter == "any":
            return choices.split(",")[0].strip()
        return "x"

    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>", value, rule)


@pytest.mark.parametrize(("rule", "endpoint"), _post_rules())
def test_post_without_a_token_is_refused(client, rule, endpoint):
    response = client.post(_fill(rule), data={"reason": "my typed words <b>kept</b>"})
    assert response.status_code == 400, endpoint
    body = response.get_data(as_text=True)
    assert "my typed words &lt;b&gt;kept&lt;/b&gt;" in body


def test_no_get_route_is_also_a_state_changing_post():
    """GET must never change anything: no rule accepts both GET and POST on a 'do it' name."""
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI="sqlite://")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[-1] in {"logout", "submit", "delete", "mark_reviewed"}:
            assert "GET" not in rule.methods, rule.rule
