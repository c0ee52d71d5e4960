"""Knowledge upkeep (Slack-free): health of each document, owner nudges, verification and
answers captured from threads, written back into the knowledge folder."""
