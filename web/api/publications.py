"""Publications: the county office publishes a ranking; anyone of the county gets its exact
bytes back at any later time; the county's publications listed."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from web.api.audit_schemas import (
    CountyPublications,
    PageQuery,
    PublicationEntriesSince,
    PublishRequest,
    Receipt,
)
from web.api.auth import ledger, principal
from web.api.documents import publication_file, timestamp_file

blp = Blueprint("publications", __name__, url_prefix="/api/v1", description="Publications.")

PUBLICATION_FILE = {
    "content": {"application/json": {"schema": {"type": "object"}}},
    "description": "The publication's bytes exactly as published (canonical JSON); their"
    " SHA-256 is in the X-Content-SHA256 header (hex) and in Repr-Digest (RFC 9530).",
}


@blp.route("/counties/<code>/publications", methods=["POST"])
@blp.arguments(PublishRequest)
@blp.response(201, Receipt)
def publish(given: dict, code: str):
    """Publish the county's ranking for a period as it stands now (the county officer), as
    ``publish``: the receipt's SHA-256 is the anchor to keep outside the ledger."""
    receipt = ledger().publications.publish_ranking(
        principal(), county=code, period=given["period"]
    )
    return receipt.as_dict()


@blp.route("/counties/<code>/publications", methods=["GET"])
@blp.response(200, CountyPublications)
def published(code: str):
    """The county's publications (rankings, and the townships' accepted reports), oldest
    first."""
    return {
        "county": code,
        "publications": ledger().publications.published(principal(), county=code),
    }


@blp.route("/publications/<publication_id>", methods=["GET"])
@blp.doc(responses={"200": PUBLICATION_FILE})
def publication(publication_id: str) -> Response:
    """A publication's bytes, exactly as published (as ``publication ID``)."""
    data = ledger().publications.publication(principal(), publication_id=publication_id)
    return publication_file(data, name=publication_id)


@blp.route("/publications/<publication_id>/entries-since", methods=["GET"])
@blp.arguments(PageQuery, location="query", unknown=ma.RAISE)
@blp.response(200, PublicationEntriesSince)
def entries_since(query: dict, publication_id: str):
    """Every entry recorded or retracted since a ranking's publication that counts in its
    period, a page at a time: the rest of a restatement notice's ``entries``."""
    return ledger().publications.entries_since(principal(), publication_id=publication_id, **query)


TIMESTAMP_FILE = {
    "content": {"application/timestamp-reply": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The publication's trusted timestamp: the timestamp authority's reply"
    " (TimeStampResp, RFC 3161, DER) exactly as it answered, holding the token over the"
    " publication's SHA-256. `openssl ts -verify -data PUBLICATION.json -in REPLY.tsr -CAfile"
    " CA.pem` checks it (docs/audit.md). 404 while none has come yet, as for a publication"
    " the caller may not see.",
}


@blp.route("/publications/<publication_id>/timestamp", methods=["GET"])
@blp.doc(responses={"200": TIMESTAMP_FILE})
def timestamp(publication_id: str) -> Response:
    """A publication's trusted timestamp token (RFC 3161), as the authority answered it."""
    reply = ledger().timestamps.token(principal(), publication_id=publication_id)
    return timestamp_file(reply, name=publication_id)
