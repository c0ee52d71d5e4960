"""`python -m bot.cli`, the same as the `cxbot` console script."""

from bot.cli import main

main()
