"""CX Assistant: the Slack app, the answering service, storage, the CLI and settings."""
