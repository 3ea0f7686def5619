# Kyläraati: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations vendor db demo extract-messages serve-production backup bench bench-pages clean

run: install translations vendor db demo
	@echo "Kyläraati is at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations vendor
	@if [ -x /usr/bin/chromium ]; then echo "Browser tests: using /usr/bin/chromium"; \
	 else echo "Browser tests: SKIPPED (no /usr/bin/chromium; install it with 'apt-get install chromium')"; fi
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Compiled catalogues (.mo) are build products, never committed.
translations: install
	$(BIN)/pybabel -q compile -d app/translations

# Plotly's browser bundle, copied from the installed plotly package: served by the app, never from a CDN.
VENDOR_PLOTLY := app/static/vendor/plotly.min.js

vendor: $(VENDOR_PLOTLY)

$(VENDOR_PLOTLY): $(VENV)/.installed
	mkdir -p $(@D)
	cp "$$($(BIN)/python -c 'from importlib.resources import files; print(files("plotly") / "package_data" / "plotly.min.js")')" $@

db: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) seed-demo

extract-messages: install
	$(FLASK) translate extract

serve-production: install translations vendor
	FLASK_CONFIG=production $(FLASK) db upgrade
	FLASK_CONFIG=production GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn --config deploy/gunicorn.conf.py wsgi:app

# A copy of the database into BACKUP_DIR (default instance/backups); see "Backups and restore" in the README.
backup: install
	$(FLASK) backup

bench: install-dev
	$(BIN)/python bench/tally.py

# Page speed against a minimal Flask page, both under gunicorn (see "Performance and reliability" in the README).
bench-pages: install-dev translations vendor
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache
