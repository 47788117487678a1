"""Secrets are masked before anything is logged or stored."""

from __future__ import annotations

from datashare.redact import redact, redact_text


def test_secret_looking_fields_are_masked_at_any_depth() -> None:
    payload = {
        "name": "Acme",
        "access_token": "abc",
        "nested": [{"refresh_token": "def", "accessKey": "ghi", "email": "a@b.example"}],
        "Authorization": "Bearer xyz",
    }
    assert redact(payload) == {
        "name": "Acme",
        "access_token": "***",
        "nested": [{"refresh_token": "***", "accessKey": "***", "email": "a@b.example"}],
        "Authorization": "***",
    }


def test_credentials_inside_text_are_masked() -> None:
    text = "GET /webservice.php?operation=query&sessionName=4f2a1&query=x Authorization: Bearer eyJhbGci.x-y"
    masked = redact_text(text)
    assert "4f2a1" not in masked
    assert "eyJhbGci" not in masked
    assert "operation=query" in masked
    assert "Bearer ***" in masked


def test_ordinary_values_are_left_alone() -> None:
    assert redact({"total": 12, "items": ["a", "b"]}) == {"total": 12, "items": ["a", "b"]}
