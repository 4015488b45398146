"""Test-support launcher for moto's server (moto 5.2), with IAM enforcement and a few fixes.

Usage: python3 tests/support/moto_server.py PORT [--no-iam] [--exit-on-stdin-eof]

Binds 127.0.0.1 only. PORT 0 lets the OS pick a free port. Once the socket is bound it prints
one line to stdout: "moto_server ready on http://127.0.0.1:PORT" (nothing secret is printed:
werkzeug's per-request log, which could show presigned-URL query strings, is silenced).
Exits cleanly on SIGTERM/SIGINT; with --exit-on-stdin-eof also when its stdin reaches EOF, so
that a parent holding the other end of a pipe (jest) cannot leave it running by dying.

With IAM enforcement on (the default; --no-iam turns it off), the first 3 requests are
unauthenticated so the harness can create an admin user, policy and access key.

Patches, all confined to this test process (see /work/shared/moto-notes.md for why):
  a. SigV4 over the raw request URI instead of werkzeug's decoded URL.
  b. Stubs for IAM calls moto answers with a 500.
  c. HeadBucket authorized as s3:ListBucket.
  d. AssumeRole session policies limit the temporary credentials.
  e. Trust policies naming an account (root ARN or bare id) trust its principals.
  f. s3:prefix conditions (StringLike / StringEquals) evaluated for ListBucket.
  g. Presigned (query-string SigV4) requests past X-Amz-Date + X-Amz-Expires are refused with
     403 AccessDenied "Request has expired", as S3 does (moto serves them forever).
  h. DeleteUser refuses a user that still has access keys, a login profile, groups, MFA devices,
     signing certificates or SSH public keys (DeleteConflict), as IAM does; moto itself checks
     only inline and attached policies and silently deletes the rest.
The CLI under test must never depend on any of this.
"""

import os
import re
import signal
import sys
import threading

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 0
FLAGS = set(sys.argv[2:])
ENFORCE_IAM = "--no-iam" not in FLAGS

# moto.settings reads these at import time, so they must be set before moto is imported.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
if ENFORCE_IAM:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
else:
    os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)  # moto's default: never enforce

import json  # noqa: E402
import logging  # noqa: E402
from urllib.parse import parse_qs, urlsplit  # noqa: E402

from werkzeug.serving import make_server  # noqa: E402

from moto.core.authorization import ActionAuthenticatorMixin  # noqa: E402
from moto.core.responses import ActionResult, BaseResponse, EmptyResult  # noqa: E402
from moto.iam import access_control as ac  # noqa: E402
from moto.iam.models import DeleteConflictException, IAMBackend  # noqa: E402
from moto.iam.responses import IamResponse  # noqa: E402
from moto.iam.utils import format_incoming_conditional_values  # noqa: E402
from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    create_backend_app,
)
from moto.s3 import responses as s3_responses  # noqa: E402
from moto.sts.models import sts_backends  # noqa: E402

PERMITTED = ac.PermissionResult.PERMITTED
DENIED = ac.PermissionResult.DENIED

# --- a. Signature over the raw URI -------------------------------------------------------------
# ActionAuthenticatorMixin._authenticate_and_authorize_action signs over urlparse(self.uri), and
# self.uri is werkzeug's *decoded* URL: %2F, %2B, %20 and UTF-8 escapes are gone, so the
# recomputed SigV4 differs for ListObjectsV2 Prefix=alice/ or keys like "a b+c ü.txt".
# Remember the raw request-target in setup_class and use it for the auth check only.
_orig_setup_class = BaseResponse.setup_class


def _setup_class(self, request, full_url, headers, *args, **kwargs):
    environ = getattr(request, "environ", None) or {}
    self._raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    return _orig_setup_class(self, request, full_url, headers, *args, **kwargs)


BaseResponse.setup_class = _setup_class

_orig_authenticate = ActionAuthenticatorMixin._authenticate_and_authorize_action


def _authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
    raw = getattr(self, "_raw_uri", None)
    if not raw:
        return _orig_authenticate(self, iam_request_cls, resource)
    if raw.startswith("/"):
        raw = "http://moto" + raw  # so that urlparse never reads "//x" as a host
    decoded = self.uri
    self.uri = raw
    try:
        return _orig_authenticate(self, iam_request_cls, resource)
    finally:
        self.uri = decoded


ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action

# --- b. IAM calls moto 5.2 answers with a 500 (NotImplementedError) -----------------------------
# BaseResponse.call_action authorizes the action first (so these stay IAM-enforced), then looks
# the handler up by name on the response class.


def _list_service_specific_credentials(self):
    if self._get_param("UserName"):  # optional (defaults to the caller); unknown: NoSuchEntity
        self.backend.get_user(self._get_param("UserName"))
    return ActionResult({"ServiceSpecificCredentials": []})


def _user_permissions_boundary_noop(self):
    # moto stores and enforces no boundaries; accept the call for an existing user.
    self.backend.get_user(self._get_param("UserName"))
    return EmptyResult()


IamResponse.list_service_specific_credentials = _list_service_specific_credentials
IamResponse.put_user_permissions_boundary = _user_permissions_boundary_noop
IamResponse.delete_user_permissions_boundary = _user_permissions_boundary_noop

# --- h. DeleteUser refuses a user that still owns something -----------------------------------
# IAM answers DeleteConflict until everything attached to the user is gone; moto checks only
# inline and attached policies (kept below, in moto's order) and deletes a user with keys.
_orig_delete_user = IAMBackend.delete_user


def _delete_user(self, user_name):
    user = self.get_user(user_name)
    left = [
        (user.access_keys, "must delete access keys first"),
        (user.password is not None, "must delete login profile first"),
        (self.get_groups_for_user(user_name), "must remove user from all groups first"),
        (user.mfa_devices, "must delete MFA devices first"),
        (user.signing_certificates, "must delete signing certificates first"),
        (user.ssh_public_keys, "must delete SSH public keys first"),
    ]
    for present, what in left:
        if present:
            raise DeleteConflictException(f"Cannot delete entity, {what}.")
    return _orig_delete_user(self, user_name)


IAMBackend.delete_user = _delete_user

# --- c. HeadBucket is s3:ListBucket on AWS, not an invented s3:HeadBucket ------------------------
s3_responses.ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"

# --- f. s3:prefix conditions on ListBucket -------------------------------------------------------
# moto counts every identity-policy condition as true (no context values are passed in). For the
# list actions we pass {"s3:prefix": <prefix or "">} and decide StringLike / StringEquals on that
# key here: a statement whose s3:prefix condition does not match does not apply (neither allows
# nor denies). Other condition keys/operators are left to moto (i.e. still count as true).
PREFIX_KEY = "s3:prefix"
PREFIX_ACTIONS = {"s3:ListBucket", "s3:ListBucketVersions"}


def _like(pattern, value):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


PREFIX_OPERATORS = {"StringLike": _like, "StringEquals": lambda expected, value: expected == value}

_orig_statement_permitted = ac.IAMPolicyStatement.is_action_permitted


def _statement_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
    values = dict(incoming_condition_values or {})
    prefix = values.pop(PREFIX_KEY, None)
    conditions = self._statement.get("Condition")
    if prefix is None or not isinstance(conditions, dict):
        return _orig_statement_permitted(self, action, resource, principal, incoming_condition_values)
    rest = {}
    for operator, block in conditions.items():
        kept = {}
        for key, expected in (block or {}).items():
            if key.lower() == PREFIX_KEY and operator in PREFIX_OPERATORS:
                options = expected if isinstance(expected, list) else [expected]
                if not any(PREFIX_OPERATORS[operator](str(e), prefix) for e in options):
                    return ac.PermissionResult.NEUTRAL
            else:
                kept[key] = expected
        if kept:
            rest[operator] = kept
    statement = {k: v for k, v in self._statement.items() if k != "Condition"}
    if rest:
        statement["Condition"] = rest
    return _orig_statement_permitted(
        ac.IAMPolicyStatement(statement), action, resource, principal, values or None
    )


ac.IAMPolicyStatement.is_action_permitted = _statement_permitted

# --- d. (and f.) IAMRequestBase.check_action_permitted, rewritten -------------------------------
# Same logic as moto's, plus: the condition context for s3:prefix (f), and the AssumeRole session
# policy, which must also allow the action; an explicit Deny in it denies (d).


def _condition_context(request):
    if request._action not in PREFIX_ACTIONS:
        return None
    query = urlsplit(request._path).query  # raw query, thanks to patch a
    return {PREFIX_KEY: parse_qs(query, keep_blank_values=True).get("prefix", [""])[0]}


def _session_policy(access_key):
    if not isinstance(access_key, ac.AssumedRoleAccessKey):
        return None
    backend = sts_backends[access_key.account_id][access_key.partition]
    for role in backend.assumed_roles:
        if role.access_key_id == access_key._access_key_id:
            return role.policy or None
    return None


def _check_action_permitted(self, resource):
    if self._action == "sts:GetCallerIdentity":  # always allowed, as in moto and AWS
        return
    context = _condition_context(self)

    def allowed_by(policies):
        permitted = False
        for policy in policies:
            result = ac.IAMPolicy(policy).is_action_permitted(self._action, resource, None, context)
            if result == DENIED:
                self._raise_access_denied()
            permitted = permitted or result == PERMITTED
        return permitted

    permitted = allowed_by(self._access_key.collect_policies())
    session_policy = _session_policy(self._access_key)
    if session_policy is not None:
        permitted = allowed_by([session_policy]) and permitted
    if self._is_assuming_role_operation(resource):
        permitted = permitted and self._check_role_trust_relationship(resource)
    if not permitted:
        self._raise_access_denied()


ac.IAMRequestBase.check_action_permitted = _check_action_permitted

# --- e. Trust in an account ----------------------------------------------------------------------
# moto compares the caller's ARN with the trust policy's principals literally, so
# "arn:aws:iam::ACCOUNT:root" (or the bare id) trusts nobody. On AWS it delegates to the account:
# any of its principals whose own policy allows sts:AssumeRole (checked by the caller above).
# Same as moto's _check_role_trust_relationship, with the caller added next to its account.


def _check_role_trust_relationship(self, role_arn):
    caller = self._access_key.arn
    partition, account = caller.split(":")[1], caller.split(":")[4]
    names_account = {account, f"arn:{partition}:iam::{account}:root"}
    role = self.backend.get_role_by_arn(role_arn)
    document = json.loads(role.assume_role_policy_document)
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if isinstance(principal, dict) and "AWS" in principal:
            trusted = principal["AWS"] if isinstance(principal["AWS"], list) else [principal["AWS"]]
            if names_account.intersection(trusted):
                principal["AWS"] = trusted + [caller]
    result = ac.IAMPolicy(json.dumps(document)).is_action_permitted(
        self._action, role_arn, caller, format_incoming_conditional_values(self._data)
    )
    return result == PERMITTED


ac.IAMRequestBase._check_role_trust_relationship = _check_role_trust_relationship


# --- server ------------------------------------------------------------------------------------
def _refuse_expired_presigned(app):
    """g. A WSGI wrapper: an expired presigned URL gets S3's answer instead of moto's."""
    import datetime

    def wrapped(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        signed_at = query.get("X-Amz-Date", [None])[0]
        expires = query.get("X-Amz-Expires", [None])[0]
        if query.get("X-Amz-Algorithm") and signed_at and expires and expires.isdigit():
            try:
                start = datetime.datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
            except ValueError:
                start = None
            now = datetime.datetime.now(datetime.timezone.utc)
            if start and now > start + datetime.timedelta(seconds=int(expires)):
                body = (
                    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
                    "<Message>Request has expired</Message>"
                    f"<X-Amz-Expires>{expires}</X-Amz-Expires></Error>"
                ).encode()
                start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
                return [body]
        return app(environ, start_response)

    return wrapped


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log (URLs may hold signatures)
    app = _refuse_expired_presigned(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        # EOF on stdin means the parent has gone (or closed it on purpose): stop the server.
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except Exception:
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    if "--exit-on-stdin-eof" in FLAGS:
        threading.Thread(target=watch_stdin, daemon=True).start()

    print(f"moto_server ready on http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
