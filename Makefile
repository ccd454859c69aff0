# Set-up and everyday commands. Every target builds .venv from pyproject.toml first when needed,
# so `make play` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: play test check lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The game window is not built yet: `play` says so and starts the terminal player.
# `make play STORY=story/x` plays another story.
play: $(STAMP)
	$(PY) -m game play $(STORY)

check: $(STAMP)
	$(PY) -m game check

lint: $(STAMP)
	$(PY) -m ruff check game tests bench
	$(PY) -m ruff format --check game bench
	$(PY) -m mypy

test: lint
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(PY) bench/bench_check.py

clean:
	rm -rf $(VENV) build *.egg-info
