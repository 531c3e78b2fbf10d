"""Dead letters reviewed: list, show, retry after a fix (same validation as ingest), drop (audited)."""

from collector.deadletters.review import (
    DeadLetter,
    DeadLetterError,
    RetryOutcome,
    Reviewer,
    drop,
    get_dead_letter,
    list_dead_letters,
    retry,
    review_trail,
)

__all__ = [
    "DeadLetter",
    "DeadLetterError",
    "Reviewer",
    "RetryOutcome",
    "drop",
    "get_dead_letter",
    "list_dead_letters",
    "retry",
    "review_trail",
]
