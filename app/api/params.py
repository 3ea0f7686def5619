"""Query parameters of the API: declared once, used both to check a request and in the OpenAPI document."""
from dataclasses import dataclass, field

from app.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.api.problems import ApiProblem

MAX_ID = 2_147_483_647  # the largest id a 32-bit INTEGER column holds


@dataclass(frozen=True)
class Param:
    """A query parameter: an id, one of `choices`, or free text of at most `max_length` characters."""

    name: str
    kind: str  # "id", "enum", "text"
    description: str
    choices: tuple[str, ...] = field(default=())
    max_length: int = 200

    def schema(self) -> dict:
        if self.kind == "id":
            return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        if self.kind == "enum":
            return {"type": "string", "enum": list(self.choices)}
        return {"type": "string", "maxLength": self.max_length}

    def parse(self, text: str):
        """The value of `text`, or ApiProblem 400 naming this parameter."""
        if self.kind == "id":
            return parse_id(text, self.name, status=400)
        if self.kind == "enum":
            if text not in self.choices:
                raise ApiProblem(400, f"'{self.name}' must be one of: {', '.join(self.choices)}.", parameter=self.name)
            return text
        if any(ord(c) < 32 or ord(c) == 127 for c in text):  # PostgreSQL refuses NUL in text outright
            raise ApiProblem(400, f"'{self.name}' cannot contain control characters.", parameter=self.name)
        if len(text) > self.max_length:
            raise ApiProblem(400, f"'{self.name}' can be at most {self.max_length} characters.", parameter=self.name)
        return text


def parse_id(text: str, name: str = "id", status: int = 404):
    """A positive 32-bit id from a path segment or parameter (a path id that is not one is simply not found)."""
    if text.isascii() and text.isdigit() and len(text) <= 10 and 1 <= int(text) <= MAX_ID:
        return int(text)
    if status == 404:
        raise ApiProblem(404, "There is no such resource.")
    raise ApiProblem(400, f"'{name}' must be a positive whole number.", parameter=name)


def limit_schema() -> dict:
    return {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}


def read_filters(args, filters: tuple[Param, ...], paginated: bool = True) -> dict:
    """The filters given in `args`, checked; an unknown parameter or a repeated one is a 400."""
    known = {p.name: p for p in filters}
    allowed = set(known) | ({"limit", "cursor"} if paginated else set())
    values = {}
    for name in args:
        if name not in allowed:
            raise ApiProblem(400, f"Unknown query parameter '{name}'. Known: {', '.join(sorted(allowed)) or 'none'}.",
                             parameter=name)
        if len(args.getlist(name)) > 1:
            raise ApiProblem(400, f"'{name}' is given more than once.", parameter=name)
        if name in known:
            text = args.get(name, "")
            if text != "":  # an empty value filters nothing, as on the web pages
                values[name] = known[name].parse(text)
    return values
