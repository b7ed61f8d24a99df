"""Run the test OpenID Connect provider: ``python -m tests.oidc_provider.serve DB REDIRECT_URI``.

Takes a free port on 127.0.0.1, creates its database, an RSA signing key, a confidential client
``novator`` (secret ``novator-secret``) for REDIRECT_URI and the users of USERS, then prints
``READY <base url>`` and serves until killed.
"""

from __future__ import annotations

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "novator"
CLIENT_SECRET = "novator-secret"
PASSWORD = "provider-password-1"
#: username, e-mail
USERS = [
    ("olga", "olga.smirnova@school1.example.org"),
    ("stranger", "stranger@elsewhere.example.org"),
    ("retired", "retired@school1.example.org"),
    ("ivan", "ivan@school1.example.org"),
]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    database, redirect_uri = sys.argv[1], sys.argv[2]
    # a free port, held from now on (the application is set once Django knows its own address)
    server = make_server(
        "127.0.0.1",
        0,
        lambda environ, start_response: [],
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )
    port = server.server_port
    base = f"http://127.0.0.1:{port}"
    os.environ["OP_DATABASE"] = database
    os.environ["OP_SITE_URL"] = base
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    code, _ = ResponseType.objects.get_or_create(value="code", defaults={"description": "code"})
    client, _ = Client.objects.update_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Новатор",
            "client_type": "confidential",
            "client_secret": CLIENT_SECRET,
            "jwt_alg": "RS256",
            "require_consent": True,
            "reuse_consent": False,
            "_redirect_uris": redirect_uri,
        },
    )
    client.response_types.set([code])
    for username, email in USERS:
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username=username, email=email, password=PASSWORD)

    server.set_app(get_wsgi_application())
    print(f"READY {base}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
