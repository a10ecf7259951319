# The two commands of the README: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast bench clean i18n-extract

# The compiled gettext catalogs are build output (docs/translating.md): made from each .po here.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard kiosk/locale/*/LC_MESSAGES/skm.po))

install: $(STAMP) $(CATALOGS)

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -U pip setuptools wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/python scripts/i18n.py compile

# Every string of the code into every catalog, for translators.
i18n-extract: $(STAMP)
	$(BIN)/python scripts/i18n.py update

demo: install
	$(BIN)/kiosk demo

test: install
	$(BIN)/python -m pytest -q

# The fast loop while working on the core and sync: no collector, processes, servers, PostgreSQL, Kivy
# window, browser or property tests (tests/kinds.py marks each test by what it uses).
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not collector"

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	rm -f $(CATALOGS)
