"""Crisis safety: the lexicon guard (independent of the ML model) and the crisis help message."""

from kynnys.crisis.guard import CrisisGuard, CrisisHit, get_guard
from kynnys.crisis.help_message import CrisisHelp, build_crisis_help

__all__ = ["CrisisGuard", "CrisisHelp", "CrisisHit", "build_crisis_help", "get_guard"]
