"""CME credit over HTTP (``docs/api.md``, "Credit"): identity mode, identities,
attendance, certificates.

The moderator's routes take the moderator key as a Bearer token; a learner's
take their phone's participant token in the JSON body, so nothing identifying
travels in a URL (and so in a server log).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ..core.errors import BadRequest
from ..core.session import normalize_code
from ..exports import credit_files
from ..services import credit
from ..store.db import get_db
from .api import _same_origin
from .auth import require_moderator

bp = Blueprint("credit", __name__, url_prefix="/api")


def _body() -> dict[str, object]:
    _same_origin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def _key() -> str:
    key: str = current_app.config["HER2POLL"].secret_key
    return key


def _file(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sessions/<code>/credit")
def get_credit(code: str) -> dict[str, object]:
    """The session's identity mode and threshold, with its attendance counts."""
    require_moderator(code)
    return {"ok": True, **credit_files.summary(credit.report(get_db(), code))}


@bp.put("/sessions/<code>/credit")
def put_credit(code: str) -> dict[str, object]:
    """Set ``identity_mode`` (``anonymous`` | ``identified``) and optionally ``threshold``."""
    body = _body()
    require_moderator(code)
    settings = credit.set_mode(get_db(), code, body.get("identity_mode"), body.get("threshold"))
    return {"ok": True, **settings.to_dict()}


@bp.post("/sessions/<code>/identity")
def post_identity(code: str) -> dict[str, object]:
    """A learner's phone sends their identity once (identified sessions only)."""
    body = _body()
    found = credit.submit_identity(get_db(), _key(), code, body.get("token"), body)
    return {"ok": True, "identity": found.to_dict()}


@bp.post("/sessions/<code>/me")
def me(code: str) -> dict[str, object]:
    """The calling learner's own identity and attendance (the phone's credit panel)."""
    body = _body()
    db = get_db()
    record = credit.my_record(db, _key(), code, body.get("token"))
    settings = credit.credit_of(db, code)
    return {
        "ok": True,
        **settings.to_dict(),
        "identity": record.learner.identity.to_dict() if record.learner.identity else None,
        "attendance": record.attendance.to_dict(),
        "certificate": credit_files.eligible(record),
    }


@bp.post("/sessions/<code>/certificate.pdf")
def my_certificate(code: str) -> Response:
    """The calling learner's certificate of participation, if they met the threshold."""
    body = _body()
    db = get_db()
    record = credit.my_record(db, _key(), code, body.get("token"))
    found = credit.report(db, code)
    pdf = credit_files.certificate_pdf(found, record)
    return _file(pdf, "application/pdf", credit_files.certificate_name(found, record))


@bp.get("/sessions/<code>/attendance.csv")
def attendance_csv(code: str) -> Response:
    """Every learner's attendance record (moderator)."""
    require_moderator(code)
    found = credit.report(get_db(), code)
    return _file(
        credit_files.attendance_csv(found), "text/csv", f"attendance-{found.state.code}.csv"
    )


@bp.get("/sessions/<code>/certificates.zip")
def certificates(code: str) -> Response:
    """Every eligible learner's certificate and the attendance sheet, zipped (moderator)."""
    require_moderator(code)
    found = credit.report(get_db(), code)
    data, _count = credit_files.certificates_zip(found)
    return _file(data, "application/zip", f"certificates-{found.state.code}.zip")


@bp.get("/sessions/<code>/follow-up.csv")
def follow_up_csv(code: str) -> Response:
    """Who committed to which change, by name, for the weeks-later follow-up (moderator)."""
    require_moderator(code)
    data = credit.follow_up(get_db(), code)
    return _file(data, "text/csv", f"follow-up-{normalize_code(code)}.csv")


@bp.get("/sessions/<code>/outcomes.<fmt>")
def outcomes_report(code: str, fmt: str) -> Response:
    """The CME outcomes report by Moore's level as pdf, json or xlsx (moderator).

    ``?design=matched|unmatched`` overrides the documented rule; ``?bowker=1`` adds
    Bowker's test of symmetry to the k-category items.
    """
    # Imported here: the statistics (scipy, statsmodels) take a second to load, which
    # every start of the app (and every CLI command that builds it) would otherwise pay.
    from ..services import outcomes

    require_moderator(code)
    design = outcomes.design_of(request.args.get("design"))
    bowker = request.args.get("bowker", "") in ("1", "true", "yes")
    found = outcomes.outcomes_file(get_db(), code, fmt, design, bowker)
    return _file(found.data, found.mimetype, found.filename)
