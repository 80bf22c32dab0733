"""Kynnys custom actions (rasa-sdk): one module per concern."""
