from tests import factories


def test_public_programme_page_lists_sessions(client, db):
    session = factories.SessionFactory()
    factories.SessionRoleFactory(session=session)
    response = client.get(f"/p/{session.programme.slug}/?lang=ru&tz=Asia/Almaty")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Лекция" in text
    # 06:00 UTC on 15 April 2021 was 12:00 in Almaty (UTC+6 then).
    assert "12:00" in text
