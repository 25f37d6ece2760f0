"""The WSGI entry point gunicorn loads: ``gunicorn -k gevent -w 1 her2poll.wsgi:app``."""

from . import create_app

app = create_app()
socketio = app.extensions["socketio"]

__all__ = ["app", "socketio"]
