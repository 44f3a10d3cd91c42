"""Who gets told what, and when: alerts, relays to parents, parents' news, reminders, the quota policy.

Above bot/ (the LINE platform: it only queues and delivers) and below handlers/ and scheduler/, which call it.
"""
