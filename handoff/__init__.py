"""Kynnys handoff gateway: youth chat relay, volunteer queue and volunteer console."""
