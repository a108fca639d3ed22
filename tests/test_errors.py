"""A value from a file is shown short and on one line."""

from shapegen.errors import SHOWN_CHARS, one_line, shown


def test_a_long_value_is_elided_to_the_limit():
    text = shown("x" * 10_000)
    assert len(text) == SHOWN_CHARS and text.endswith("...")


def test_an_integer_past_pythons_digit_limit_is_described():
    assert shown(10**5000) == "a whole number of 16,610 bits"


def test_control_characters_and_undecodable_bytes_stay_on_one_line():
    assert one_line("a\nb\x1b[31m\u2028\udcff") == "a\\nb\\x1b[31m\\u2028\\udcff"
    assert "\n" not in shown({"name\n": "\r"})
