"""Labels of the values the console shows (states, actions, roles, modes, levels, lights):
msgids marked for the catalogue. Category and unit names are msgids too (their names in the
center's YAML files); the zh-CN catalogue gives the national classification's Chinese names
(GB/T 30428, with the center's local 9xxx extensions)."""

from __future__ import annotations

from collector.console.i18n import N_

__all__ = [
    "EVENTS",
    "STATES",
    "ACTIONS",
    "ROLES",
    "MODES",
    "LEVELS",
    "LIGHTS",
    "BOX_STATES",
    "EVIDENCE",
    "RIGHTS",
    "DEAD_LETTER_REASONS",
    "REVIEW_ACTIONS",
    "REVIEW_OUTCOMES",
    "VERDICTS",
    "PLACES",
    "KEY_SCOPES",
]

STATES = {
    "received": N_("received"),
    "registered": N_("registered"),
    "void": N_("void"),
    "duplicate": N_("duplicate"),
    "dispatched": N_("dispatched"),
    "returned": N_("returned"),
    "accepted": N_("accepted"),
    "extension_requested": N_("extension requested"),
    "suspended": N_("suspended"),
    "reported": N_("reported"),
    "verified": N_("verified"),
    "closed": N_("closed"),
}
ACTIONS = {
    "receive": N_("receive"),
    "register": N_("register"),
    "void": N_("void the case"),
    "mark_duplicate": N_("mark as duplicate"),
    "dispatch": N_("dispatch"),
    "redispatch": N_("re-dispatch"),
    "accept": N_("accept"),
    "return": N_("return to the center"),
    "request_extension": N_("request an extension"),
    "approve_extension": N_("approve the extension"),
    "reject_extension": N_("reject the extension"),
    "suspend": N_("suspend"),
    "resume": N_("resume"),
    "report": N_("report the result"),
    "verify_pass": N_("verification passed"),
    "verify_fail": N_("verification failed"),
    "close": N_("close"),
    "raise_priority": N_("priority raised"),
    "supervise": N_("put under supervision"),
}
ROLES = {
    "duty_chief": N_("duty chief"),
    "dispatcher": N_("dispatcher"),
    "unit_handler": N_("unit handler"),
    "inspector": N_("inspector"),
    "leader": N_("leader"),
    "admin": N_("administrator"),
    "system": N_("platform"),
}
MODES = {
    "direct": N_("handle directly"),
    "assign": N_("assign"),
    "supervise": N_("supervise"),
}
LEVELS = {
    "advisory": N_("advisory"),
    "warning": N_("warning"),
    "critical": N_("critical"),
}
LIGHTS = {
    "green": N_("on time"),
    "yellow": N_("due soon"),
    "red": N_("overdue"),
    "none": N_("no deadline"),
}
BOX_STATES = {
    "online": N_("online"),
    "offline": N_("offline"),
    "stopped": N_("stopped"),
    "starting": N_("starting"),
    "running": N_("running"),
    "reconnecting": N_("reconnecting"),
    "tamper": N_("tampered"),
    "unknown": N_("unknown"),
}
EVIDENCE = {
    "annotated": N_("annotated frame"),
    "before": N_("before"),
    "after": N_("after"),
    "mask": N_("change mask"),
}
EVENTS = {
    "opened": N_("incident opened"),
    "updated": N_("incident updated"),
    "cleared": N_("incident cleared"),
}
SOURCES = {
    "patrol": N_("patrol"),
    "citizen": N_("citizen report"),
    "hotline": N_("hotline"),
    "incident": N_("camera"),
    "manual": N_("entered by hand"),
}
RIGHTS = {
    "view_queue": N_("see the queue"),
    "view_all_units": N_("see every unit's tickets"),
    "view_map": N_("see the grid map"),
    "view_boxes": N_("see cameras and boxes"),
    "view_stats": N_("see the statistics"),
    "receive": N_("receive a case"),
    "administer": N_("administer the console"),
    "review_dead_letters": N_("review dead letters"),
    "view_patrol": N_("see the daily patrol"),
}
DEAD_LETTER_REASONS = {
    "invalid_json": N_("not valid JSON"),
    "schema": N_("does not match the contract's schema"),
    "oversized": N_("too large"),
    "unknown_major": N_("unknown contract version"),
    "wrong_topic": N_("topic does not match the message"),
    "signature": N_("signature missing or wrong"),
    "conflict": N_("conflicts with a stored message"),
    "evidence_orphan": N_("evidence without its incident"),
    "evidence_hash": N_("evidence not referenced with this hash"),
    "internal": N_("internal error while validating"),
}
REVIEW_ACTIONS = {"retry": N_("retry"), "drop": N_("drop")}
REVIEW_OUTCOMES = {
    "stored": N_("stored"),
    "duplicate": N_("had been stored meanwhile"),
    "dropped": N_("dropped"),
}
VERDICTS = {
    "unchanged": N_("unchanged"),
    "changed": N_("changed"),
    "camera_down": N_("camera down"),
    "missing": N_("missing"),
    "pending": N_("not due yet"),
}
PLACES = {
    "construction_hotspot": N_("illegal-construction hot spot"),
    "control_point": N_("control point"),
    "stop_work_household": N_("stop-work household"),
}

KEY_SCOPES = {"read": N_("read"), "write": N_("write")}
"""What an API key may do (collector.api.keys.SCOPES)."""
