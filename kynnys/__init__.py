"""Plain-Python domain code shared by the bot and the gateway (stdlib + PyYAML only)."""
