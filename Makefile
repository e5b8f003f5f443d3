# The two commands of the README, and a few helpers.
#   make book   build the HTML book (creates .venv and installs on first use)
#   make test   run every test: the package, then every notebook under nbval
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: book test lab clean

# (Re)install whenever the requirements or the package metadata change.
$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

book: $(INSTALLED)
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo
	@echo "The book is built. Open it in a browser:"
	@echo "  file://$(CURDIR)/_build/html/index.html"

test: $(INSTALLED)
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax book

lab: $(INSTALLED)
	$(BIN)/jupyter-lab --notebook-dir=book

clean:
	rm -rf _build .pytest_cache .hypothesis
