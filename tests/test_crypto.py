"""Identity numbers are encrypted at rest, hashed for lookup, masked on screens (Art 16)."""

from django.db import connection

from accounts.models import IdentityVerification
from core import crypto


def test_encrypt_round_trip_and_nondeterministic():
    a, b = crypto.encrypt("110101199003071233"), crypto.encrypt("110101199003071233")
    assert a != b
    assert crypto.decrypt(a) == "110101199003071233"


def test_keyed_hash_stable_and_namespaced():
    assert crypto.keyed_hash("resident_id", "x") == crypto.keyed_hash("resident_id", "x")
    assert crypto.keyed_hash("resident_id", "x") != crypto.keyed_hash("mobile", "x")


def test_database_never_holds_plain_numbers(make_account):
    account = make_account(mobile="13800138000", resident_id="110101199003071233")
    assert account.identities.count() == 2
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM accounts_identityverification")
        dump = repr(cur.fetchall())
        cur.execute("SELECT * FROM core_auditentry")
        dump += repr(cur.fetchall())
        cur.execute("SELECT * FROM accounts_accountinfoversion")
        dump += repr(cur.fetchall())
    for plain in ("110101199003071233", "13800138000", "8613800138000"):
        assert plain not in dump
    ident = IdentityVerification.objects.get(account=account, method="resident_id")
    assert ident.masked == "110***********1233"


def test_account_pages_show_masked_only(make_account, supervisor, login):
    account = make_account(mobile="13800138000", resident_id="110101199003071233")
    html = login(supervisor).get(f"/accounts/{account.uid}/").content.decode()
    assert "110***********1233" in html
    assert "110101199003071233" not in html
    assert "13800138000" not in html


def test_production_refuses_to_start_without_key():
    import subprocess
    import sys

    env = {"QINGLANG_ENV": "production", "DJANGO_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
                           "from django.conf import settings; settings.INSTALLED_APPS"],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "QINGLANG_FIELD_KEY" in proc.stderr
