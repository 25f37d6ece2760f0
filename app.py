"""Top-level entry point: ``gunicorn -k gevent -w 1 --worker-connections 10000 app:app``."""

from her2poll.wsgi import app, socketio

__all__ = ["app", "socketio"]
