"""A one-line Flask route: the yardstick bench/load.py compares the app's mixed load with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "ok"
