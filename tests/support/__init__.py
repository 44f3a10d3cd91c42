"""What the tests share. tests/conftest.py loads the fixtures as plugins; tests import the plain helpers from here
(`from tests.support import texts, at_local`).

- harness: the bot on SQLite and on PostgreSQL, LINE as a local fake (`app`, `rt`, `line`, `clock`, `session`,
  `chat`), and the checks after every test (valid bodies, every button routed).
- officials: a wider province with officials at every level and a Tuesday's records (`world`).
- province: a small province (`org`), its people (`people`, `bound_group`), a Monday `morning`, photos of QR cards
  (`cards_photo`, `check_in`), invites and linked parents.
- media: phone photos, photo sets, parents linked by invite, fetching signed media links.
Clean photos of QR cards: tests/photos.py.
"""
from tests.support.harness import SECRET, TOKEN, Clock, assert_bodies_valid, quick_labels, texts, wait_until
from tests.support.province import at_local, bind_group, link_parent, make_invite, withdraw_photo_consent

__all__ = ["SECRET", "TOKEN", "Clock", "assert_bodies_valid", "at_local", "bind_group", "link_parent", "make_invite",
           "quick_labels", "texts", "wait_until", "withdraw_photo_consent"]
