"""The server's own settings and the workshop's access code: the gate under AppTest, the rules as functions, and the
workshop stack passing the code to every replica."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from deploy.workshop import render_nginx_config, replica_env
from ui.access import CODE_INPUT_KEY, code_matches
from ui.runs import SESSION_PARAM, TOKEN_KEY
from ui.server_settings import (
    ACCESS_CODE_ENV,
    ServerBind,
    configured_upload_mb,
    exposure_warning,
    is_loopback,
    server_refusals,
)

ROOT = Path(__file__).resolve().parents[1]
CODE = "heart-beat-42"


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(ACCESS_CODE_ENV, CODE)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_without_the_code_no_page_and_no_session_exist(gated: AppTest) -> None:
    assert [t.value for t in gated.title] == ["Anomaly Lab"]  # the gate's title, no page's
    assert gated.text_input(key=CODE_INPUT_KEY).value == "" and TOKEN_KEY not in gated.session_state
    assert SESSION_PARAM not in gated.query_params and not gated.sidebar.markdown
    gated.switch_page("pages/train.py").run()
    assert not gated.exception and "Train an autoencoder" not in texts(gated.title)


@pytest.mark.parametrize("wrong", ["heart-beat-4", "HEART-BEAT-42", "heart-beat-42 x", "' OR 1=1 --", "é" * 200])
def test_a_wrong_code_gets_a_clear_message(gated: AppTest, wrong: str) -> None:
    gated.text_input(key=CODE_INPUT_KEY).input(wrong).run()
    assert not gated.exception and "access code is not right" in texts(gated.error)
    assert TOKEN_KEY not in gated.session_state and "Train an autoencoder" not in texts(gated.title)


def test_the_right_code_opens_the_app_with_an_unguessable_token(gated: AppTest) -> None:
    gated.text_input(key=CODE_INPUT_KEY).input(CODE).run()
    assert not gated.exception and not gated.error
    token = gated.session_state[TOKEN_KEY]
    assert len(token) >= 32 and gated.query_params[SESSION_PARAM] == token
    gated.switch_page("pages/train.py").run()
    assert "Train an autoencoder" in texts(gated.title)


def test_a_session_address_does_not_open_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    owner = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    owner.run()
    token = owner.session_state[TOKEN_KEY]  # no code yet: a session with a token exists
    monkeypatch.setenv(ACCESS_CODE_ENV, CODE)
    visitor = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    visitor.query_params[SESSION_PARAM] = token
    visitor.run()
    assert not visitor.exception and TOKEN_KEY not in visitor.session_state and CODE_INPUT_KEY in visitor.session_state


def test_codes_are_compared_whole() -> None:
    assert code_matches(CODE, CODE) and not code_matches(CODE[:-1], CODE) and not code_matches("", CODE)
    assert not code_matches(CODE + " ", CODE)


def test_the_server_rules() -> None:
    limit = configured_upload_mb()
    assert limit == 25
    assert server_refusals(ServerBind("127.0.0.1", True, 25), limit) == []
    default_bind = server_refusals(ServerBind(None, False, 25), limit)
    assert len(default_bind) == 1 and "every network interface" in default_bind[0] and "127.0.0.1" in default_bind[0]
    big = server_refusals(ServerBind("127.0.0.1", True, 200), limit)
    assert len(big) == 1 and "200 MB" in big[0] and "--server.maxUploadSize 25" in big[0]
    assert server_refusals(ServerBind("0.0.0.0", True, 10), limit) == []  # a bind asked for on purpose is allowed ...
    warning = exposure_warning("0.0.0.0", None)
    assert warning is not None and ACCESS_CODE_ENV in warning  # ... with a warning when there is no code
    assert exposure_warning("0.0.0.0", CODE) is None and "characters" in (exposure_warning("10.0.0.5", "abc") or "")
    assert exposure_warning("127.0.0.1", None) is None and exposure_warning("localhost", None) is None
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.1.2.3", "example.org", ""))


def test_the_workshop_stack_passes_the_code_and_binds_where_asked(tmp_path: Path) -> None:
    assert replica_env("postgresql://db", 1, "s", CODE)[ACCESS_CODE_ENV] == CODE
    assert replica_env("postgresql://db", 1, "s")[ACCESS_CODE_ENV] == ""  # none: an inherited code does not leak in
    assert "listen 127.0.0.1:8500;" in render_nginx_config([8601], 8500, tmp_path)
    assert "listen 10.0.0.5:8500;" in render_nginx_config([8601], 8500, tmp_path, "10.0.0.5")
    assert "listen [::]:8500;" in render_nginx_config([8601], 8500, tmp_path, "::")
