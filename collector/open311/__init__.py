"""Tickets in the shape of Open311 GeoReport v2 (service requests, services, statuses), shared by
the HTTP API (:mod:`collector.api`) and the outbound change feed (:mod:`collector.feed`), so that
neither imports the other."""
