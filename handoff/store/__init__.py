"""The gateway's store: SQLAlchemy 2 async models and repositories."""
