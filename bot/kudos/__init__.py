"""Kudos and wins: customer praise, redacted, stored, celebrated and turned into knowledge."""
