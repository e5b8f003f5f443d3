# The two commands of the README, and a few helpers.
#   make book   build the HTML book (creates .venv and installs on first use)
#   make test   build the book, then run every test: the package, the built site
#               in headless Chromium (tests/test_site.py), every notebook under nbval
#   make serve  serve the built book on http://localhost:8000 (no network needed)
#   make lab    JupyterLab on the reader copies of the chapters (make lab-instructor: on book/)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: book test serve lab lab-instructor student notebook-times clean

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

# Builds the book once; tests/test_site.py checks that build (_build/html).
test: book
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval-lax book

# For a workshop room: HOST=0.0.0.0 shares it on the local network, PORT=... moves it.
HOST ?= 127.0.0.1
PORT ?= 8000
# Quietly: a browser dropping a connection is not an error (emlib.serve needs only the standard library).
serve:
	@test -f _build/html/index.html || $(MAKE) book
	@PYTHONPATH=src $(PYTHON) -m emlib.serve --bind $(HOST) --port $(PORT) --directory _build/html

# Learners: the reader copies (solutions collapsed), made from the built book if missing.
lab: $(INSTALLED)
	@test -d _build/reader || $(MAKE) student
	$(BIN)/jupyter-lab --notebook-dir=_build/reader

# Instructors: the chapters as the book is written, solutions in plain sight.
lab-instructor: $(INSTALLED)
	$(BIN)/jupyter-lab --notebook-dir=book

# Reader copies (_build/reader) and workshop copies without solutions
# (_build/student, and a zip of them), with the numbers the build computed.
# `make book` also packs both, with emlib, into _build/html/learner-kit.zip.
student: $(INSTALLED)
	@test -d _build/jupyter_execute/book || $(MAKE) book
	$(BIN)/python -m emlib.student --book book --executed _build/jupyter_execute/book \
		--reader _build/reader --student _build/student

# Each chapter's run time on this machine (the book promises well under a minute).
notebook-times: $(INSTALLED)
	$(BIN)/python -m emlib.notebook_times book/*.ipynb

clean:
	rm -rf _build .pytest_cache .hypothesis
