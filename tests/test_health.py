"""GET /healthz reports the app and the database."""

from __future__ import annotations

from tests.conftest import make_test_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"app": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-dir' / 'no.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
