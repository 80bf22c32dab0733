"""The content editor's API under /console/api/editor and its page at /console/editor/."""

from handoff.editor.routes import EDITOR_CONFIG, EditorConfig, setup_editor_routes

__all__ = ["EDITOR_CONFIG", "EditorConfig", "setup_editor_routes"]
