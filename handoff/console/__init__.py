"""The volunteer console's server side: auth, JSON API, live WebSocket."""
