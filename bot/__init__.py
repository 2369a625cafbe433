"""The brain of the Conciliazione vita-lavoro assistant: no Telegram import anywhere in here."""

__version__ = "0.1.0"
