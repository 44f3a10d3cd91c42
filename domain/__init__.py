"""Domain logic with no LINE and no Flask."""
