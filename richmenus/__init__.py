"""Rich menus per role, as data; rendered with Pillow and synced to LINE (see issue: officials and rich menus)."""
