"""Console security: login, sessions, CSRF, cross-site refusal, lockout, roles."""

from __future__ import annotations

import aiohttp

from tests.gateway.conftest import InProcessGateway
from tests.support.clients import Console, logged_in_console


async def test_login_needs_the_pre_session_csrf_token_and_sets_a_strict_httponly_cookie(gw: InProcessGateway) -> None:
    username, password = await gw.make_user("volunteer")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        resp = await http.post(f"{gw.url}/console/api/login", json={"username": username, "password": password})
        assert resp.status == 403 and (await resp.json())["error"] == "csrf"
    con = Console(gw.url)
    resp = await con.login(username, password)
    assert resp.status == 200
    cookie = resp.headers.getall("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith("kynnys_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie
    me = await con.call("GET", "/console/api/me")
    assert me["username"] == username and me["role"] == "volunteer" and me["capacity"] == 2
    await con.call("POST", "/console/api/logout")
    status, body = await con.status_of("GET", "/console/api/me")
    assert status == 401 and body["error"] == "unauthenticated"
    await con.close()


async def test_wrong_password_and_unknown_user_look_the_same_and_lockout_follows(gw: InProcessGateway) -> None:
    username, password = await gw.make_user("volunteer")
    con = Console(gw.url)
    resp = await con.login("nobody-here", "whatever-password")
    assert resp.status == 401 and (await resp.json())["error"] == "bad_credentials"
    for _ in range(4):
        resp = await con.login(username, "wrong-password")
        assert resp.status == 401 and (await resp.json())["error"] == "bad_credentials"
    resp = await con.login(username, "wrong-password")
    assert resp.status == 423
    body = await resp.json()
    assert body["error"] == "locked" and body["retry_after_seconds"] > 0
    resp = await con.login(username, password)
    assert resp.status == 423, "even the right password waits out the lockout"
    await con.close()


async def test_unauthenticated_requests_are_refused(gw: InProcessGateway) -> None:
    async with aiohttp.ClientSession() as http:
        for method, path in [("GET", "/console/api/me"), ("GET", "/console/api/queue"),
                             ("GET", "/console/api/supervisor/overview"), ("GET", "/console/api/canned-replies")]:
            async with http.request(method, f"{gw.url}{path}") as resp:
                assert resp.status == 401, path
                assert (await resp.json())["error"] == "unauthenticated"
        async with http.post(f"{gw.url}/console/api/shift", json={"on": True}) as resp:
            assert resp.status == 401
        async with http.get(f"{gw.url}/console/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                                            "Sec-WebSocket-Version": "13",
                                                            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}) as resp:
            assert resp.status == 401


async def test_cross_site_requests_and_missing_csrf_are_refused_even_with_a_valid_session(gw: InProcessGateway) -> None:
    con = await gw.console(on_shift=False, ws=False)
    # same session, but the request comes from another site's page
    evil = con.origin
    con.origin = "https://evil.example"
    status, body = await con.status_of("POST", "/console/api/shift", {"on": True})
    assert status == 403 and body["error"] == "cross_site"
    status, body = await con.status_of("GET", "/console/api/queue")
    assert status == 403 and body["error"] == "cross_site"
    try:
        await con.session.ws_connect(f"{gw.url}/console/ws", headers={"Origin": "https://evil.example"})
        raise AssertionError("cross-site WebSocket must be refused")
    except aiohttp.WSServerHandshakeError as exc:
        assert exc.status == 403
    con.origin = evil
    # a same-site request without the CSRF header
    token, con.csrf = con.csrf, None
    status, body = await con.status_of("POST", "/console/api/shift", {"on": True})
    assert status == 403 and body["error"] == "csrf"
    con.csrf = "0" * 64
    status, body = await con.status_of("POST", "/console/api/shift", {"on": True})
    assert status == 403 and body["error"] == "csrf"
    con.csrf = token
    me = await con.call("POST", "/console/api/shift", {"on": True})
    assert me["on_shift"] is True
    await con.close()


async def test_roles_volunteer_supervisor_editor(gw: InProcessGateway) -> None:
    vol = await gw.console("volunteer", on_shift=False, ws=False)
    sup = await gw.console("supervisor", on_shift=False, ws=False)
    editor = await gw.console("editor", on_shift=False, ws=False)
    reply = {"title": "Tervehdys", "text": "Hei! Kiva, että kirjoitit.", "language": "fi"}
    status, body = await vol.status_of("POST", "/console/api/canned-replies", reply)
    assert status == 403 and body["error"] == "forbidden"
    created = await sup.call("POST", "/console/api/canned-replies", reply, expect=201)
    listed = await vol.call("GET", "/console/api/canned-replies")
    assert [r["id"] for r in listed["replies"]] == [created["id"]]
    link = await sup.call("POST", "/console/api/service-links",
                          {"title": "Kriisipuhelin", "url": "https://mieli.fi/tukea-ja-apua/kriisipuhelin/",
                           "language": "fi", "topic": "crisis"}, expect=201)
    status, _ = await sup.status_of("POST", "/console/api/service-links",
                                    {"title": "x", "url": "javascript:alert(1)", "language": "fi"})
    assert status == 400
    await sup.call("PUT", f"/console/api/service-links/{link['id']}",
                   {"title": "MIELI Kriisipuhelin", "url": link["url"], "language": "fi"})
    await sup.call("DELETE", f"/console/api/canned-replies/{created['id']}")
    assert (await vol.call("GET", "/console/api/canned-replies"))["replies"] == []
    status, _ = await vol.status_of("GET", "/console/api/supervisor/overview")
    assert status == 403
    overview = await sup.call("GET", "/console/api/supervisor/overview")
    assert set(overview) == {"volunteers", "queue", "counts"}
    status, body = await editor.status_of("POST", "/console/api/shift", {"on": True})
    assert status == 403
    for c in (vol, sup, editor):
        await c.close()


async def test_going_on_shift_needs_an_alias(gw: InProcessGateway) -> None:
    username, password = await gw.make_user("volunteer", alias=None)
    con = await logged_in_console(gw.url, username, password, ws=False)
    status, body = await con.status_of("POST", "/console/api/shift", {"on": True})
    assert status == 409 and body["error"] == "alias_required"
    status, _ = await con.status_of("PATCH", "/console/api/me", {"alias": "<script>"})
    assert status == 400
    me = await con.go_on_shift(alias="Aino")
    assert me["on_shift"] and me["alias"] == "Aino"
    await con.close()


async def test_service_directory_is_listed_for_the_console(gw: InProcessGateway) -> None:
    vol = await gw.console(on_shift=False, ws=False)
    data = await vol.call("GET", "/console/api/directory?topic=crisis&language=fi")
    ids = [s["id"] for s in data["services"]]
    assert "emergency_112" in ids and "crisis_line_24_7" in ids
    assert all(s["title"] for s in data["services"])
    topics = await vol.call("GET", "/console/api/wrapup-topics")
    keys = [t["key"] for t in topics["topics"]]
    assert {"feeling_bad", "relationships", "share_news", "crisis"} <= set(keys)
    await vol.close()
