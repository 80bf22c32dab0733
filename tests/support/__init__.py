"""Test support: real processes (Rasa, action server, gateway) on free ports, and protocol clients."""
