"""Slack presentation: mrkdwn escaping and Block Kit builders (pure functions, no clients)."""
