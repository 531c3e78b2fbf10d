"""Read back what a rendered report shows: summary figures, and each section's tables and images."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Shown:
    title: str
    explain: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.summary: dict[str, str] = {}
        self.sections: dict[str, Shown] = {}
        self._stack: list[tuple[str, str]] = []
        self._text = ""
        self._value = ""
        self._row: list[str] | None = None
        self._current: Shown | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self._stack.append((tag, cls))
        self._text = ""
        if tag == "tr":
            self._row = []
        if tag == "img" and self._current is not None:
            self._current.images.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        _, cls = self._stack.pop() if self._stack else ("", "")
        text = " ".join(self._text.split())
        if tag == "h2":
            self._current = self.sections.setdefault(text, Shown(text))
        elif tag == "div" and cls == "v":
            self._value = text
        elif tag == "div" and cls == "k":
            self.summary[text] = self._value
        elif tag == "p" and self._current is not None:
            if "explain" in cls:
                self._current.explain = text
            elif "note" in cls:
                self._current.notes.append(text)
        elif tag == "th" and self._current is not None:
            self._current.headers.append(text)
        elif tag == "td" and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row and self._current is not None:
            self._current.rows.append(self._row)
            self._row = None
        self._text = ""

    def handle_data(self, data: str) -> None:
        self._text += data


def read_report(html: str) -> tuple[dict[str, str], dict[str, Shown]]:
    """(summary figures by label, sections by title)."""
    reader = _Reader()
    reader.feed(html)
    return reader.summary, reader.sections
