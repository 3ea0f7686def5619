"""The pure event rules: local times to stored UTC across daylight saving, spans, clashes, sign-ups, the month."""
from datetime import date, datetime, time, timedelta

import pytest

from app.events.rules import (
    CalendarEntry,
    EventError,
    MeetingEntry,
    Span,
    check_not_past,
    check_signup,
    days_of,
    event_span,
    find_clashes,
    local_fields,
    local_to_utc,
    month_bounds,
    month_weeks,
    overlaps,
    shift_month,
)

H = timedelta(hours=1)
# In 2027 summer time starts on Sunday 28 March (03:00 → 04:00) and ends on Sunday 31 October (04:00 → 03:00).
SPRING = date(2027, 3, 28)
AUTUMN = date(2027, 10, 31)


def entry(id, start, end, village=1, category="culture", title="Tapahtuma"):
    return CalendarEntry(id, title, start, end, village, category)


# --- local time to UTC ---------------------------------------------------------------------------

def test_winter_and_summer_offsets():
    assert local_to_utc(date(2027, 1, 15), time(18, 0)) == datetime(2027, 1, 15, 16, 0)
    assert local_to_utc(date(2027, 7, 15), time(18, 0)) == datetime(2027, 7, 15, 15, 0)


def test_half_past_two_on_the_spring_forward_night_is_still_winter_time():
    # Helsinki jumps at 03:00, so 02:30 exists and is UTC+2.
    assert local_to_utc(SPRING, time(2, 30)) == datetime(2027, 3, 28, 0, 30)


def test_a_time_in_the_spring_gap_moves_forward_by_the_skipped_hour():
    # 03:30 does not exist that night: it is stored as 01:30 UTC, which the calendar shows as 04:30.
    stored = local_to_utc(SPRING, time(3, 30))
    assert stored == datetime(2027, 3, 28, 1, 30)
    assert local_fields(Span(stored, stored + H))[1] == time(4, 30)
    assert local_to_utc(SPRING, time(4, 0)) == stored - timedelta(minutes=30)


def test_the_repeated_autumn_hour_is_its_first_occurrence():
    assert local_to_utc(AUTUMN, time(3, 30)) == datetime(2027, 10, 31, 0, 30)  # still summer time, UTC+3
    assert local_to_utc(AUTUMN, time(4, 30)) == datetime(2027, 10, 31, 2, 30)  # winter time, UTC+2


def test_a_night_event_across_the_autumn_change_lasts_an_hour_longer():
    span = event_span(date(2027, 10, 30), time(22, 0), AUTUMN, time(6, 0), all_day=False)
    assert span.ends_at - span.starts_at == 9 * H


def test_a_night_event_across_the_spring_change_lasts_an_hour_less():
    span = event_span(date(2027, 3, 27), time(22, 0), SPRING, time(6, 0), all_day=False)
    assert span.ends_at - span.starts_at == 7 * H


# --- spans ---------------------------------------------------------------------------------------

def test_an_end_before_the_start_is_refused():
    with pytest.raises(EventError) as error:
        event_span(date(2027, 6, 12), time(14, 0), None, time(10, 0), all_day=False)
    assert error.value.code == "ends_before_start"
    with pytest.raises(EventError):
        event_span(date(2027, 6, 12), time(14, 0), None, time(14, 0), all_day=False)


def test_an_event_over_midnight_gives_the_next_day_as_its_end():
    span = event_span(date(2027, 6, 12), time(21, 0), date(2027, 6, 13), time(1, 0), all_day=False)
    assert span.ends_at - span.starts_at == 4 * H
    assert days_of(span.starts_at, span.ends_at) == [date(2027, 6, 12), date(2027, 6, 13)]
    assert local_fields(span) == (date(2027, 6, 12), time(21, 0), date(2027, 6, 13), time(1, 0))


def test_an_all_day_event_runs_from_local_midnight_to_the_midnight_after_its_last_day():
    span = event_span(date(2027, 6, 12), None, date(2027, 6, 13), None, all_day=True)
    assert span == Span(datetime(2027, 6, 11, 21, 0), datetime(2027, 6, 13, 21, 0), True)
    assert days_of(span.starts_at, span.ends_at) == [date(2027, 6, 12), date(2027, 6, 13)]
    assert local_fields(span) == (date(2027, 6, 12), None, date(2027, 6, 13), None)
    with pytest.raises(EventError):
        event_span(date(2027, 6, 12), None, date(2027, 6, 11), None, all_day=True)


def test_an_all_day_event_on_the_spring_forward_day_is_23_hours():
    span = event_span(SPRING, None, None, None, all_day=True)
    assert span.ends_at - span.starts_at == 23 * H
    assert days_of(span.starts_at, span.ends_at) == [SPRING]


def test_a_timed_event_needs_both_times():
    with pytest.raises(EventError) as error:
        event_span(date(2027, 6, 12), None, None, time(12, 0), all_day=False)
    assert error.value.code == "start_time_required"
    with pytest.raises(EventError) as error:
        event_span(date(2027, 6, 12), time(12, 0), None, None, all_day=False)
    assert error.value.code == "end_time_required"


def test_an_event_that_is_over_is_refused():
    span = Span(datetime(2027, 6, 12, 7), datetime(2027, 6, 12, 9))
    check_not_past(span, datetime(2027, 6, 12, 8, 59))  # still going on: fine
    with pytest.raises(EventError) as error:
        check_not_past(span, datetime(2027, 6, 12, 9))
    assert error.value.code == "in_the_past"


# --- clashes -------------------------------------------------------------------------------------

def test_touching_intervals_do_not_overlap():
    a, b, c = datetime(2027, 6, 12, 10), datetime(2027, 6, 12, 12), datetime(2027, 6, 12, 14)
    assert not overlaps(a, b, b, c)
    assert not overlaps(b, c, a, b)
    assert overlaps(a, b + timedelta(minutes=1), b, c)


def test_clash_in_the_same_village_or_of_the_same_category():
    start = datetime(2027, 6, 12, 10)
    mine = entry(1, start, start + 2 * H, village=1, category="market")
    others = [
        entry(2, start + H, start + 3 * H, village=1, category="sports", title="Same village"),
        entry(3, start + H, start + 3 * H, village=2, category="market", title="Same category"),
        entry(4, start + H, start + 3 * H, village=2, category="sports", title="Unrelated"),
        entry(5, start + 2 * H, start + 4 * H, village=1, category="market", title="Touching"),
        entry(1, start, start + 2 * H, title="Itself"),
    ]
    clashes = find_clashes(mine, others, [])
    assert [(c.id, c.reasons) for c in clashes] == [(2, ("same_village",)), (3, ("same_category",))]


def test_both_reasons_are_given():
    start = datetime(2027, 6, 12, 10)
    clashes = find_clashes(entry(1, start, start + H), [entry(2, start, start + H)], [])
    assert clashes[0].reasons == ("same_village", "same_category")


def test_an_all_day_event_clashes_with_a_timed_one_that_day_but_not_the_next():
    day = event_span(date(2027, 6, 12), None, None, None, all_day=True)
    evening = event_span(date(2027, 6, 12), time(22, 0), None, time(23, 30), all_day=False)
    next_morning = event_span(date(2027, 6, 13), time(0, 0), None, time(2, 0), all_day=False)
    mine = entry(1, day.starts_at, day.ends_at)
    clashes = find_clashes(mine, [entry(2, evening.starts_at, evening.ends_at),
                                  entry(3, next_morning.starts_at, next_morning.ends_at)], [])
    assert [c.id for c in clashes] == [2]


def test_an_event_over_midnight_clashes_with_an_early_event_the_next_day():
    night = event_span(date(2027, 6, 12), time(21, 0), date(2027, 6, 13), time(2, 0), all_day=False)
    early = event_span(date(2027, 6, 13), time(1, 0), None, time(3, 0), all_day=False)
    assert find_clashes(entry(1, night.starts_at, night.ends_at), [entry(2, early.starts_at, early.ends_at)], [])


def test_meetings_clash_and_one_without_an_end_lasts_two_hours():
    start = datetime(2027, 6, 12, 15)  # 18:00 in Helsinki
    mine = entry(1, start, start + 2 * H)
    meetings = [MeetingEntry(10, "Kunnanhallitus", start - 2 * H, None),  # ends exactly when mine starts
                MeetingEntry(11, "Neuvottelukunta", start - H - timedelta(minutes=59), None),  # one minute in
                MeetingEntry(12, "Lautakunta", start + H, start + 4 * H),
                MeetingEntry(13, "Valtuusto", start + 2 * H, None)]  # starts when mine ends
    clashes = find_clashes(mine, [], meetings)
    assert [(c.kind, c.id) for c in clashes] == [("meeting", 11), ("meeting", 12)]
    assert clashes[0].ends_at == start + timedelta(minutes=1)


# --- sign-ups ------------------------------------------------------------------------------------

def test_signup_refusals():
    check_signup(capacity=3, taken=2, already_signed_up=False)
    with pytest.raises(EventError) as error:
        check_signup(capacity=3, taken=3, already_signed_up=False)
    assert error.value.code == "task_full"
    with pytest.raises(EventError) as error:
        check_signup(capacity=3, taken=1, already_signed_up=True)
    assert error.value.code == "already_signed_up"


# --- the month -----------------------------------------------------------------------------------

def test_month_grid_starts_on_monday_and_blanks_other_months():
    weeks = month_weeks(2027, 3)  # March 2027 begins on a Monday
    assert weeks[0][0] == date(2027, 3, 1)
    assert all(len(week) == 7 for week in weeks)
    assert [d for week in weeks for d in week if d][-1] == date(2027, 3, 31)
    assert weeks[-1][-1] is None  # 31.3. is a Wednesday
    june = month_weeks(2027, 6)  # June 2027 begins on a Tuesday
    assert june[0][0] is None and june[0][1] == date(2027, 6, 1)


def test_month_bounds_and_shifting():
    assert month_bounds(2027, 3) == (datetime(2027, 2, 28, 22), datetime(2027, 3, 31, 21))  # DST inside March
    assert month_bounds(2027, 12)[1] == datetime(2027, 12, 31, 22)
    assert shift_month(2027, 1, -1) == (2026, 12)
    assert shift_month(2027, 12, 1) == (2028, 1)


def test_an_event_ending_at_midnight_does_not_touch_the_next_day():
    span = event_span(date(2027, 6, 12), time(20, 0), date(2027, 6, 13), time(0, 0), all_day=False)
    assert days_of(span.starts_at, span.ends_at) == [date(2027, 6, 12)]


# --- pictures ------------------------------------------------------------------------------------

def _picture(fmt: str, size=(40, 30), mode="RGB", exif_orientation: int | None = None) -> bytes:
    from io import BytesIO

    from PIL import Image

    color = {"RGBA": (200, 30, 30, 128), "L": 200, "P": 3}.get(mode, (200, 30, 30))
    image = Image.new(mode, size, color)
    out = BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x8825] = {2: (60.0, 30.0, 0.0)}  # a GPS position the stored copy must not keep
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt, mode", [("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGB"), ("GIF", "P")])
def test_pictures_are_re_encoded_as_jpeg(fmt, mode):
    from app.events.images import prepare_image

    prepared = prepare_image(_picture(fmt, mode=mode))
    assert prepared.content_type == "image/jpeg" and prepared.data.startswith(b"\xff\xd8")
    assert (prepared.width, prepared.height) == (40, 30)


def test_a_photo_is_turned_upright_shrunk_and_loses_its_metadata():
    from io import BytesIO

    from PIL import Image

    from app.events.images import MAX_SIDE, prepare_image

    prepared = prepare_image(_picture("JPEG", size=(3200, 2000), exif_orientation=6))  # rotated 90°
    assert (prepared.width, prepared.height) == (1000, MAX_SIDE)
    with Image.open(BytesIO(prepared.data)) as stored:
        assert not stored.getexif()


@pytest.mark.parametrize("raw, code", [
    (b"", "image_required"),
    (b"%PDF-1.7 not a picture", "not_an_image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not_an_image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_an_image"),  # a PNG header and nothing behind it
])
def test_what_is_not_a_picture_is_refused(raw, code):
    from app.events.images import prepare_image

    with pytest.raises(EventError) as error:
        prepare_image(raw)
    assert error.value.code == code


def test_too_large_files_and_decompression_bombs_are_refused():
    from app.events.images import MAX_BYTES, prepare_image

    with pytest.raises(EventError) as error:
        prepare_image(b"\xff" * (MAX_BYTES + 1))
    assert error.value.code == "image_too_large"
    with pytest.raises(EventError) as error:
        prepare_image(_picture("PNG", size=(10_000, 6_000), mode="L"))  # small file, 60 million pixels
    assert error.value.code == "image_too_many_pixels"


def test_a_picture_needs_a_description():
    from app.events.images import check_alt_text

    assert check_alt_text("  Lapset onkimassa  ") == "Lapset onkimassa"
    for alt in ("", "   ", None):
        with pytest.raises(EventError) as error:
            check_alt_text(alt)
        assert error.value.code == "alt_required"
