"""Content editor tools: check, evaluate, the editing workspace and publish (run in .venv-bot)."""
