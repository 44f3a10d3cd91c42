"""Fake LINE platform: Messaging API, webhooks and the simulator page."""
