"""The error a fake LINE endpoint answers with: status, LINE's JSON body, extra headers."""


class ApiError(Exception):
    """A LINE API error response, raised by the platform and turned into HTTP by the server."""

    def __init__(self, status: int, message: str, details: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(f"{status} {message}")
        self.status, self.message, self.details, self.headers = status, message, details, headers or {}

    def body(self) -> dict:
        """The JSON body LINE sends: `message`, and `details` only when there are some."""
        return {"message": self.message, **({"details": self.details} if self.details else {})}
