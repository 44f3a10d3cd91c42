"""A fake LINE platform (webhook sender + Messaging API + chat page) for tests and demos; never imported in production."""
