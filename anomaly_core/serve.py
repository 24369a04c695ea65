"""The scoring HTTP API (a FastAPI app factory): POST /score, GET /health, GET /model, docs at /docs.

Every bad request gets a 4xx JSON answer {"detail": "<what is wrong>"}; nothing answers with a traceback.
Scoring runs inline in the event loop: a beat takes microseconds, a thread hop would cost more.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import Message

from .config import config_to_dict
from .engines import make_scorer
from .export import score_kind
from .metrics import verdict
from .persistence import SavedModel
from .serve_input import JSON_EXAMPLE, ParsedBeats, RequestError, ServeLimits, beats_from_csv, beats_from_json

_SCORE_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                        {
                            "type": "object",
                            "properties": {
                                "beats": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
                                "threshold": {"type": "number"},
                            },
                            "required": ["beats"],
                        },
                    ]
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}
            },
        },
    }
}


def create_app(saved: SavedModel, *, engine: str = "onnx", limits: ServeLimits | None = None) -> FastAPI:
    """An app that scores raw beats with `saved` through `engine` ('onnx' or 'torch')."""
    limits = limits or ServeLimits()
    scorer = make_scorer(saved, engine)
    length = saved.config.input_length
    app = FastAPI(
        title="Anomaly Lab scoring API",
        description=f"Anomaly scores for ECG beats of {length} values: higher = more anomalous; "
        "score >= threshold is an anomaly.",
    )
    _add_error_handlers(app)
    summary = model_summary(saved, engine, limits)

    @app.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: ok once the model is loaded."""
        return {"status": "ok"}

    @app.get("/model")
    async def model() -> dict[str, Any]:
        """Family, input length, threshold, metrics and the training data summary of the served model."""
        return summary

    @app.post("/score", openapi_extra=_SCORE_DOC)
    async def score(
        request: Request, threshold: float | None = Query(None, description="override the model's threshold")
    ) -> JSONResponse:
        """Score beats sent as JSON (a list of beats, or {"beats", "threshold"}) or CSV (text/csv or a form upload)."""
        parsed = await _read_beats(request, length, limits)
        chosen = _choose_threshold(parsed.threshold, threshold, saved.info.threshold)
        return _answer(scorer(parsed.beats), chosen, scorer.engine)

    return app


def _answer(scores: np.ndarray, threshold: float, engine: str) -> JSONResponse:
    """Scores, verdicts and the count of anomalies, as `python -m anomaly_core score` calls them."""
    values = scores.tolist()
    verdicts = [verdict(s, threshold).lower() for s in values]
    body = {"scores": values, "verdicts": verdicts, "anomalies": verdicts.count("anomaly")}
    return JSONResponse(body | {"threshold": threshold, "engine": engine})


def model_summary(saved: SavedModel, engine: str, limits: ServeLimits) -> dict[str, Any]:
    """What GET /model answers."""
    info = saved.info
    return {
        "family": saved.config.family,
        "input_length": saved.config.input_length,
        "threshold": info.threshold,
        "error_kind": score_kind(saved),
        "score_smoothing": saved.config.score_smoothing,
        "engine": engine,
        "metrics": {
            k: getattr(info, k) for k in ("auc", "average_precision", "best_f1_threshold") if getattr(info, k) is not None
        },
        "training": {
            "epochs": info.epochs,
            "steps": info.steps,
            "train_seconds": info.train_seconds,
            "train": config_to_dict(info.train) if info.train is not None else None,
            "data": config_to_dict(info.data),
        },  # fmt: skip
        "config": config_to_dict(saved.config),
        "limits": {"max_body_bytes": limits.max_body_bytes, "max_beats": limits.max_beats},
    }


def _choose_threshold(in_body: float | None, in_query: float | None, saved: Any) -> float:
    if in_body is not None and in_query is not None:
        raise RequestError(422, "threshold given twice (in the body and in the query); give it once")
    chosen = in_body if in_body is not None else in_query
    if chosen is not None and not math.isfinite(chosen):
        raise RequestError(422, f"threshold: must be a finite number, got {chosen!r}")
    if chosen is None:
        if not isinstance(saved, int | float):
            raise RequestError(422, "the model has no saved threshold; pass ?threshold=")
        chosen = float(saved)
    return chosen


async def _read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing with 413 as soon as it exceeds `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"the body is {int(declared)} bytes; the limit is {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_beats(request: Request, length: int, limits: ServeLimits) -> ParsedBeats:
    body = await _read_body(request, limits.max_body_bytes)
    if not body.strip():
        raise RequestError(422, f"the request body is empty; send {JSON_EXAMPLE} or a CSV file")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return beats_from_json(body, length, limits)
    if kind == "text/csv":
        return beats_from_csv(body, length, limits)
    if kind == "multipart/form-data":
        return beats_from_csv(await _uploaded_file(request, body), length, limits)
    accepted = "application/json, text/csv or multipart/form-data"
    raise RequestError(415, f"content type {kind or 'none'!r} is not accepted: send {accepted}")


async def _uploaded_file(request: Request, body: bytes) -> bytes:
    """The bytes of the form field `file`, parsed from the body already read."""

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=4)
    except Exception as error:  # the multipart parser raises several types for malformed forms
        raise RequestError(400, f"the form upload could not be read: {error}") from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise RequestError(422, "upload the CSV file in the form field 'file'")
    return await upload.read()


def _add_error_handlers(app: FastAPI) -> None:
    """RequestError and FastAPI's validation errors as {"detail": message}; anything else a plain 500."""

    @app.exception_handler(RequestError)
    async def bad_request(request: Request, error: RequestError) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        return JSONResponse({"detail": f"{where}: {first.get('msg', 'invalid')}"}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"the server could not score this request ({type(error).__name__})"}, status_code=500)
