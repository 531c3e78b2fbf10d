"""Response shapes of the GeoReport v2 API (they make the OpenAPI document precise).

Field names and meanings follow the GeoReport v2 specification (wiki.open311.org/GeoReport_v2);
``extended_attributes`` carries our additions (the Open311 "extensions" convention).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "GeoError",
    "Service",
    "ServiceDefinition",
    "Extended",
    "ServiceRequest",
    "RequestCreated",
    "Discovery",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GeoError(_Out):
    code: int = Field(..., description="HTTP status code of the error.")
    description: str = Field(..., description="What went wrong, in words.")


class Service(_Out):
    service_code: str = Field(..., description="Our 4-digit category code.")
    service_name: str = Field(..., description="Category name.")
    description: str = Field(..., description="What the category covers.")
    metadata: bool = Field(False, description="Whether a service definition adds attributes.")
    type: str = Field("realtime", description="realtime: requests are handled as they arrive.")
    keywords: str = Field("", description="Comma-separated keywords.")
    group: str = Field("", description="Category group.")


class ServiceDefinition(_Out):
    service_code: str = Field(..., description="The category code.")
    attributes: list[dict] = Field(default_factory=list, description="Extra attributes (none).")


class Extended(_Out):
    detailed_status: str = Field(..., description="Extended status, e.g. in_progress, duplicate.")
    state: str = Field(..., description="Our workflow state.")
    version: int = Field(..., description="Number of changes so far; grows with each change.")
    cell: str = Field(..., description="15-digit grid cell code.")
    units: list[str] = Field(default_factory=list, description="Responsible unit ids.")
    priority: int = Field(..., description="Priority (higher is more pressing).")
    urgent: bool = Field(..., description="Urgent time limit applies.")
    source: str = Field(..., description="camera, patrol, citizen, ...")
    duplicate_of: str | None = Field(None, description="The request this one duplicates.")


class ServiceRequest(_Out):
    service_request_id: str = Field(..., description="Ticket id.")
    status: str = Field(..., description="open or closed.")
    status_notes: str | None = Field(None, description="Latest note on the ticket.")
    service_name: str = Field(..., description="Category name.")
    service_code: str = Field(..., description="Category code.")
    description: str | None = Field(None, description="Ticket title / report text.")
    agency_responsible: str | None = Field(None, description="Units it is dispatched to.")
    service_notice: str | None = Field(None, description="Time limit that applies.")
    requested_datetime: str = Field(..., description="When the report was received (ISO 8601).")
    updated_datetime: str = Field(..., description="Last change (ISO 8601).")
    expected_datetime: str | None = Field(None, description="Deadline (ISO 8601).")
    address: str | None = Field(None, description="Grid cell name and place.")
    address_id: str | None = Field(None, description="Grid cell code.")
    zipcode: str | None = Field(None, description="Not used.")
    lat: float | None = Field(None, description="WGS84 latitude.")
    long: float | None = Field(None, description="WGS84 longitude.")
    media_url: str | None = Field(None, description="URL of the evidence image.")
    extended_attributes: Extended = Field(..., description="Our extensions.")


class RequestCreated(_Out):
    service_request_id: str = Field(..., description="Id of the new ticket.")
    service_notice: str | None = Field(None, description="What happens next.")
    account_id: str | None = Field(None, description="Not used.")


class Discovery(_Out):
    changeset: str = Field(..., description="When this document changed.")
    contact: str = Field(..., description="Who runs the endpoint.")
    key_service: str = Field(..., description="How to get an API key.")
    endpoints: list[dict] = Field(..., description="Endpoints with specification and formats.")
