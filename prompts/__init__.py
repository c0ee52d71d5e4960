"""Prompt and message templates, as data files shipped inside the package (see
`bot.answering.prompts` for the loader)."""
