"""Question -> retrieve -> compose -> `Answer`, shared by the CLI, the terminal chat and Slack.

Nothing here imports Slack. `service` runs a question; `conversation` reads it in its thread;
`intent` says what it asks; `plan` and `compose` choose what to quote; `chat_model` writes a
grounded answer when a chat model is configured; `render` prints one for the terminal.
"""
