# The two commands a fresh machine needs:
#   make run    install what is missing, train if the data changed, start everything
#   make test   install what is missing (also Chromium, PostgreSQL, Redis), train, run every test
.PHONY: run test setup train lint check eval bench

run:
	scripts/run.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh

train: setup
	scripts/train.sh

lint:
	.venv-gw/bin/ruff check .
	.venv-gw/bin/mypy handoff kynnys

# Content editors: check all editor data in plain words; train and evaluate against the held-out set.
check:
	PYTHONPATH=. .venv-bot/bin/python -m editor.check

eval:
	PYTHONPATH=. .venv-bot/bin/python -m editor.evaluate
