"""The Telegram door: thin python-telegram-bot handlers around the channel-neutral brain.

`handlers.app.build_application` is the composition root; `handlers.app.run` is what
`conciliazione-bot run` calls. Nothing here decides what to answer: that is `bot/`'s job.
"""
