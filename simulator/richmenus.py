"""Rich menus as LINE keeps them: menus, their images, aliases, the default and per-user links.

Not thread-safe on its own: LinePlatform calls it under its lock.
"""
import io
import secrets

from PIL import Image, UnidentifiedImageError

from simulator.errors import ApiError

MAX_IMAGE_BYTES = 1024 * 1024


class RichMenus:
    """The channel's rich menus."""

    def __init__(self):
        self.menus: dict[str, dict] = {}
        self.images: dict[str, tuple[bytes, str]] = {}
        self.aliases: dict[str, str] = {}
        self.default: str | None = None
        self.links: dict[str, str] = {}

    def create(self, body: dict) -> str:
        """Store a new menu (already checked by simulator.schema) and return its id."""
        menu_id = "richmenu-" + secrets.token_hex(16)
        self.menus[menu_id] = {"richMenuId": menu_id, **body}
        return menu_id

    def get(self, menu_id: str) -> dict:
        """The menu object, or 404."""
        if menu_id not in self.menus:
            raise ApiError(404, "Not found")
        return self.menus[menu_id]

    def delete(self, menu_id: str) -> None:
        """Delete a menu, its image and every link to it."""
        self.get(menu_id)
        del self.menus[menu_id]
        self.images.pop(menu_id, None)
        self.links = {user: mid for user, mid in self.links.items() if mid != menu_id}
        if self.default == menu_id:
            self.default = None

    def upload(self, menu_id: str, data: bytes, content_type: str) -> None:
        """Attach the image once; PNG or JPEG, <= 1 MB, pixel size equal to the menu's size."""
        menu = self.get(menu_id)
        if menu_id in self.images:
            raise ApiError(400, "An image has already been uploaded to the richmenu")
        if len(data) > MAX_IMAGE_BYTES:
            raise ApiError(400, "The image file size must be 1 MB or less")
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise ApiError(400, "The image is not a PNG or JPEG file") from None
        if image.format not in ("PNG", "JPEG"):
            raise ApiError(400, "The image is not a PNG or JPEG file")
        if list(image.size) != [menu["size"]["width"], menu["size"]["height"]]:
            raise ApiError(400, f"The image size {image.size[0]}x{image.size[1]} does not match the rich menu "
                                f"size {menu['size']['width']}x{menu['size']['height']}")
        self.images[menu_id] = (data, "image/png" if image.format == "PNG" else "image/jpeg")

    def image(self, menu_id: str) -> tuple[bytes, str]:
        """The uploaded image and its content type, or 404."""
        self.get(menu_id)
        if menu_id not in self.images:
            raise ApiError(404, "Not found")
        return self.images[menu_id]

    def _usable(self, menu_id: str) -> None:
        self.get(menu_id)
        if menu_id not in self.images:
            raise ApiError(400, "must upload richmenu image before applying it to user")

    def set_default(self, menu_id: str | None) -> None:
        """Make the menu everyone sees unless linked to another; None cancels."""
        if menu_id is not None:
            self._usable(menu_id)
        self.default = menu_id

    def link(self, user_id: str, menu_id: str) -> None:
        """Link a menu to one user."""
        self._usable(menu_id)
        self.links[user_id] = menu_id

    def unlink(self, user_id: str) -> None:
        """Remove the user's own link (the default applies again)."""
        self.links.pop(user_id, None)

    def linked(self, user_id: str) -> str:
        """The id of the menu linked to the user (not the default), or 404."""
        if user_id not in self.links:
            raise ApiError(404, "the user has no richmenu")
        return self.links[user_id]

    def effective(self, user_id: str) -> dict | None:
        """The menu the user actually sees: their own link, else the default."""
        menu_id = self.links.get(user_id, self.default)
        return self.menus.get(menu_id) if menu_id else None

    def create_alias(self, alias_id: str, menu_id: str) -> None:
        """Create an alias; its id must be new and the menu must have an image."""
        if alias_id in self.aliases:
            raise ApiError(400, "conflict richmenu alias id")
        self._usable(menu_id)
        self.aliases[alias_id] = menu_id

    def update_alias(self, alias_id: str, menu_id: str) -> None:
        """Point an existing alias at another menu."""
        self.alias(alias_id)
        self._usable(menu_id)
        self.aliases[alias_id] = menu_id

    def delete_alias(self, alias_id: str) -> None:
        """Delete an alias."""
        self.alias(alias_id)
        del self.aliases[alias_id]

    def alias(self, alias_id: str) -> dict:
        """The alias object, or 404."""
        if alias_id not in self.aliases:
            raise ApiError(404, "richmenu alias not found")
        return {"richMenuAliasId": alias_id, "richMenuId": self.aliases[alias_id]}

    def alias_list(self) -> list[dict]:
        """Every alias."""
        return [self.alias(alias_id) for alias_id in self.aliases]
