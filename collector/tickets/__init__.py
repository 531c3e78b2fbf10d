"""Enforcement tickets: the workflow table, the ticket store and filing incidents as tickets."""
