"""The clock: scheduled jobs (`python -m scheduler`)."""
