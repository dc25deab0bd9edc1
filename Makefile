# Wirelab: the two commands (see README "Quick start") and a few maintainer helpers.
# Each target sets up .venv from the pinned versions first when needed (scripts/bootstrap.sh).

.PHONY: run test bench screenshots package lock clean

run:
	@sh scripts/bootstrap.sh run
	.venv/bin/wirelab

test:
	@sh scripts/bootstrap.sh test
	@sh scripts/test.sh

bench:
	@sh scripts/bootstrap.sh bench
	.venv/bin/python -m bench

screenshots:
	@sh scripts/bootstrap.sh test
	.venv/bin/python scripts/screenshots.py

package:
	@sh scripts/bootstrap.sh package
	.venv/bin/python packaging/build.py

# Re-pin every dependency to the newest versions pyproject.toml allows.
lock:
	rm -rf .lockvenv && python3 -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e ".[test,package]"
	{ echo "# Exact versions every machine installs (pip install -c). Regenerate with: make lock"; \
	  .lockvenv/bin/pip freeze --exclude-editable | grep -v '^-e'; \
	  grep '^setuptools' pyproject.toml | sed 's/.*"\(setuptools==[^"]*\)".*/\1/'; } > requirements/constraints.txt
	rm -rf .lockvenv

clean:
	rm -rf .venv build dist .pytest_cache .hypothesis
