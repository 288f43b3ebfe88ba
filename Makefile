# medcyber — the two commands are `make run` and `make test`.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard src/medcyber/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run test lint format bench messages clean pdf-font

install: $(STAMP) $(MO_FILES) pdf-font

# PDFs (letters, reports) embed a Japanese font: Debian's fonts-noto-cjk, installed here when
# missing and run as root; otherwise the message names the package.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
pdf-font:
	@if [ ! -e $(CJK_FONT) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing fonts-noto-cjk (Japanese font for PDFs)"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >/dev/null; \
	  else \
	    echo "note: PDFs need a Japanese font: sudo apt-get install fonts-noto-cjk"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled translations are build output: made from the .po files at install time.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ 2>&1 | tail -n 1

run: install
	$(BIN)/medcyber migrate --no-input
	$(BIN)/medcyber createcachetable
	$(BIN)/medcyber demo --if-empty
	$(BIN)/medcyber serve --port $(PORT)

test: install
	$(BIN)/pytest -n auto  # one test process per core

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python bench/run.py

# Refresh the .po catalogues from the source after changing translatable text.
messages: install
	cd src/medcyber && ../../$(BIN)/medcyber makemessages --locale ja --locale en --no-obsolete --add-location file

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
