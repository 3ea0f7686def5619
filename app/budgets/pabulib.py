"""Read and write the Pabulib `.pb` format, the open data standard for participatory budgeting.

A `.pb` file (Faliszewski et al., "Participatory Budgeting: Data, Tools and Analysis", IJCAI 2023) has
three sections, each a header row followed by `;`-separated rows: META (`key;value`, with at least
`budget` and `vote_type`), PROJECTS (at least `project_id;cost`) and VOTES (at least `voter_id;vote`,
plus `points` for cumulative and scoring votes). Fields may be quoted; lines end in LF or CRLF. Costs
and the budget are kept exact (`Fraction`, parsed from the decimal text). Every error names the line.

Real-world files vary, and the reader accepts: section names in any case; a byte-order mark at the start
of the file or of every line; blank lines; quoted fields (with `;`, quotes or line breaks inside); extra
and missing optional columns (kept in `extra`), empty trailing fields; a META value with unquoted `;` in
it; a decimal comma in numbers; empty votes. Votes of the types approval, choose-1, cumulative, scoring
and ordinal; `tally_inputs` / `to_tally_input` count ordinal votes as approval of the ranked projects.
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from app.budgets.tally import Ballot, Project

APPROVAL = "approval"
CHOOSE_1 = "choose-1"
CUMULATIVE = "cumulative"
SCORING = "scoring"
ORDINAL = "ordinal"
VOTE_TYPES = (APPROVAL, CHOOSE_1, CUMULATIVE, SCORING, ORDINAL)
_WITH_POINTS = (CUMULATIVE, SCORING)
_SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A malformed `.pb` file; the message names the line."""


@dataclass(frozen=True)
class PbProject:
    id: str
    cost: Fraction
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PbVote:
    voter_id: str
    points: Mapping[str, int]
    ranking: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)
    # The file line the vote was read from (0 if not read from a file); not part of the vote's value.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PbInstance:
    meta: Mapping[str, str]
    projects: list[PbProject]
    votes: list[PbVote]
    vote_type: str

    @property
    def budget(self) -> Fraction:
        """The budget from META, exact."""
        return _number(self.meta["budget"])

    def tally_inputs(self) -> tuple[Fraction, list[Project], list[Ballot]]:
        """Budget, projects and ballots for `tally`; ordinal votes count as approval of the ranked projects.

        Raises PabulibError, naming the line, for a vote with negative points (a scoring vote may have
        them), which no tally rule here can count.
        """
        for vote in self.votes:
            for project_id, points in vote.points.items():
                if points < 0:
                    where = f"line {vote.line}: " if vote.line else ""
                    raise PabulibError(f"{where}voter {vote.voter_id!r} gives project {project_id!r} negative "
                                       f"points ({points}); the tallies count only points of 0 or more")
        projects = [Project(p.id, p.cost, p.name) for p in self.projects]
        return self.budget, projects, [Ballot(vote.points) for vote in self.votes]


def to_tally_input(instance: PbInstance) -> tuple[Fraction, list[Project], list[Ballot]]:
    """(budget, projects, ballots) for `app.budgets.tally.tally`; the same as `instance.tally_inputs()`."""
    return instance.tally_inputs()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _number(text: str) -> Fraction:
    """An exact number from decimal text (`1500`, `1500.50`, a decimal comma `1500,50`); ValueError if not."""
    text = text.strip()
    if "," in text and "." not in text:  # a decimal comma appears in some files
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a decimal number: {text!r}")
    return Fraction(text)


_BOM_AT_LINE_START = re.compile(r"^\ufeff", re.MULTILINE)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the number of the line each starts on."""
    # Some files carry a byte-order mark on every line, not only on the first.
    text = _BOM_AT_LINE_START.sub("", text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PabulibError(f"line {reader.line_num}: {exc}") from exc
        if any(cell.strip() for cell in row):
            yield line, row
        line = reader.line_num + 1


def _section(row: list[str]) -> str | None:
    name = row[0].strip().lower()
    return name if name in _SECTIONS and not any(cell.strip() for cell in row[1:]) else None


def _strip(row: list[str]) -> list[str]:
    return [cell.strip() for cell in row]


def _fields(line: int, header: list[str], row: list[str]) -> dict[str, str]:
    if len(row) > len(header):
        if any(row[len(header):]):
            raise PabulibError(f"line {line}: {len(row)} fields but the header has {len(header)}")
        row = row[:len(header)]  # empty trailing fields, e.g. from a `;` at the end of the line
    # Trailing optional fields may be left out.
    return dict(zip(header, row + [""] * (len(header) - len(row))))


def _cost(line: int, text: str, what: str) -> Fraction:
    try:
        value = _number(text)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"line {line}: {what} {text!r} is not a number") from None
    if value <= 0:
        raise PabulibError(f"line {line}: {what} must be positive, got {text!r}")
    return value


def _points(line: int, text: str) -> int:
    try:
        value = _number(text)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"line {line}: points {text!r} are not a number") from None
    if value.denominator != 1:
        raise PabulibError(f"line {line}: points {text!r} are not a whole number")
    return int(value)


def _require(line: int, header: list[str], columns: tuple[str, ...], section: str) -> None:
    for column in columns:
        if column not in header:
            raise PabulibError(f"line {line}: the {section} header has no {column!r} column")
    if len(set(header)) != len(header):
        raise PabulibError(f"line {line}: the {section} header repeats a column")


def parse_pb(text: str) -> PbInstance:
    """Parse the text of a `.pb` file; raise PabulibError naming the line if it is malformed."""
    rows = _rows(text)
    sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    last_line = 0
    for line, row in rows:
        last_line = line
        name = _section(row)
        if name is not None:
            if name in sections:
                raise PabulibError(f"line {line}: a second {name.upper()} section")
            expected = _SECTIONS[len(sections)]
            if name != expected:
                raise PabulibError(f"line {line}: {name.upper()} section where {expected.upper()} was expected")
            header_line, header = next(rows, (line + 1, None))
            if header is None or _section(header) is not None:
                raise PabulibError(f"line {header_line}: the {name.upper()} section has no header row")
            current = []
            if name == "meta" and header[0].strip().lower() != "key":  # no `key;value` header: the row is data
                current.append((header_line, header))
                header = ["key", "value"]
            header = _strip(header)
            sections[name] = (header_line, header, current)
        elif current is None:
            raise PabulibError(f"line {line}: data before the META section")
        else:
            # Cells are stripped, except a META value's, which _parse_meta strips after joining its parts.
            current.append((line, row if len(sections) == 1 else _strip(row)))
    for name in _SECTIONS:
        if name not in sections:
            raise PabulibError(f"line {last_line + 1} (end of file): the file has no {name.upper()} section")
    meta = _parse_meta(*sections["meta"])
    vote_type = meta["vote_type"].lower()
    projects = _parse_projects(*sections["projects"])
    votes = _parse_votes(*sections["votes"], vote_type, {p.id for p in projects})
    return PbInstance(meta, projects, votes, vote_type)


def decode_pb(data: bytes) -> str:
    """The text of a `.pb` file's bytes (UTF-8, with or without a byte-order mark); PabulibError naming the
    line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PabulibError(f"line {line}: the file is not UTF-8 text (byte {data[exc.start]:#04x})") from None


def read_pb(path: str | os.PathLike) -> PbInstance:
    """Parse the `.pb` file at `path`; OSError if it cannot be read, PabulibError if it is malformed."""
    with open(path, "rb") as file:
        return parse_pb(decode_pb(file.read()))


def _parse_meta(header_line: int, header: list[str], rows: list[tuple[int, list[str]]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line, row in rows:
        key = row[0].strip()
        # A value with an unquoted `;` in it (free text such as a description) comes as several fields.
        parts = row[1:]
        while len(parts) > 1 and not parts[-1].strip():  # empty trailing fields
            parts.pop()
        value = ";".join(parts).strip()
        if not key:
            raise PabulibError(f"line {line}: a META row without a key")
        if key in meta:
            raise PabulibError(f"line {line}: META repeats the key {key!r}")
        meta[key] = value
    if "budget" not in meta:
        raise PabulibError(f"line {header_line}: META has no budget")
    budget_line = next(line for line, row in rows if row[0].strip() == "budget")
    _cost(budget_line, meta["budget"], "budget")
    if "vote_type" not in meta:
        raise PabulibError(f"line {header_line}: META has no vote_type")
    if meta["vote_type"].lower() not in VOTE_TYPES:
        vote_type_line = next(line for line, row in rows if row[0].strip() == "vote_type")
        raise PabulibError(f"line {vote_type_line}: unknown vote_type {meta['vote_type']!r}; "
                           f"expected one of {', '.join(VOTE_TYPES)}")
    return meta


def _parse_projects(header_line: int, header: list[str], rows: list[tuple[int, list[str]]]) -> list[PbProject]:
    _require(header_line, header, ("project_id", "cost"), "PROJECTS")
    projects: list[PbProject] = []
    seen: set[str] = set()
    for line, row in rows:
        fields = _fields(line, header, row)
        project_id = fields.pop("project_id")
        if not project_id:
            raise PabulibError(f"line {line}: a project without a project_id")
        if project_id in seen:
            raise PabulibError(f"line {line}: project {project_id!r} appears twice")
        seen.add(project_id)
        cost = _cost(line, fields.pop("cost"), f"cost of project {project_id!r}")
        projects.append(PbProject(project_id, cost, fields.pop("name", ""), fields))
    return projects


def _parse_votes(header_line: int, header: list[str], rows: list[tuple[int, list[str]]], vote_type: str,
                 project_ids: set[str]) -> list[PbVote]:
    with_points = vote_type in _WITH_POINTS
    _require(header_line, header, ("voter_id", "vote", "points") if with_points else ("voter_id", "vote"), "VOTES")
    votes: list[PbVote] = []
    seen: set[str] = set()
    for line, row in rows:
        fields = _fields(line, header, row)
        voter_id = fields.pop("voter_id")
        if not voter_id:
            raise PabulibError(f"line {line}: a vote without a voter_id")
        if voter_id in seen:
            raise PabulibError(f"line {line}: voter {voter_id!r} appears twice")
        seen.add(voter_id)
        vote = fields.pop("vote")
        chosen = [project_id.strip() for project_id in vote.split(",")] if vote else []
        for project_id in chosen:
            if project_id not in project_ids:
                raise PabulibError(f"line {line}: voter {voter_id!r} votes for unknown project {project_id!r}")
        if len(set(chosen)) != len(chosen):
            raise PabulibError(f"line {line}: voter {voter_id!r} names a project twice")
        if vote_type == CHOOSE_1 and len(chosen) > 1:
            raise PabulibError(f"line {line}: a choose-1 vote names {len(chosen)} projects")
        if with_points:
            points_text = fields.pop("points")
            points = [_points(line, p) for p in points_text.split(",")] if points_text else []
            if len(points) != len(chosen):
                raise PabulibError(f"line {line}: {len(chosen)} projects but {len(points)} points")
            votes.append(PbVote(voter_id, dict(zip(chosen, points)), (), fields, line))
        else:
            ranking = tuple(chosen) if vote_type == ORDINAL else ()
            votes.append(PbVote(voter_id, dict.fromkeys(chosen, 1), ranking, fields, line))
    return votes


def _decimal(value: Fraction, what: str) -> str:
    """Exact decimal text of a number, as Pabulib writes costs."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise PabulibError(f"{what} {value} has no exact decimal form")
    places = max(twos, fives)
    if not places:
        return str(value.numerator)
    scaled = abs(value.numerator) * 10 ** places // value.denominator
    sign = "-" if value < 0 else ""
    return f"{sign}{scaled // 10 ** places}.{scaled % 10 ** places:0{places}d}"


def _columns(first: list[str], rows: list[Mapping[str, str]]) -> list[str]:
    columns = list(first)
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


def write_pb(instance: PbInstance) -> str:
    """The text of a `.pb` file for `instance`, which `parse_pb` reads back to the same instance."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")

    def write(row: list[str]) -> None:
        # Readers such as pabutools split the file into lines before the csv module sees it.
        for cell in row:
            if "\n" in cell or "\r" in cell:
                raise PabulibError(f"a field contains a line break: {cell!r}")
        writer.writerow(row)

    meta = dict(instance.meta)
    meta.update(num_projects=str(len(instance.projects)), num_votes=str(len(instance.votes)),
                vote_type=instance.vote_type)
    out.write("META\n")
    write(["key", "value"])
    for key, value in meta.items():
        write([key, value])
    out.write("PROJECTS\n")
    names = any(p.name for p in instance.projects)
    columns = _columns(["project_id", "cost"] + (["name"] if names else []), [p.extra for p in instance.projects])
    write(columns)
    for p in instance.projects:
        cells = {"project_id": p.id, "cost": _decimal(Fraction(p.cost), f"cost of project {p.id!r}"), "name": p.name}
        write([cells.get(column, p.extra.get(column, "")) for column in columns])
    out.write("VOTES\n")
    with_points = instance.vote_type in _WITH_POINTS
    columns = _columns(["voter_id", "vote"] + (["points"] if with_points else []), [v.extra for v in instance.votes])
    write(columns)
    for vote in instance.votes:
        chosen = list(vote.ranking or vote.points) if instance.vote_type == ORDINAL else list(vote.points)
        if not with_points and any(points != 1 for points in vote.points.values()):
            raise PabulibError(f"voter {vote.voter_id!r} gives points other than 1, "
                               f"which a {instance.vote_type} file cannot hold")
        cells = {"voter_id": vote.voter_id, "vote": ",".join(chosen),
                 "points": ",".join(str(vote.points[p]) for p in chosen)}
        write([cells.get(column, vote.extra.get(column, "")) for column in columns])
    return out.getvalue()
