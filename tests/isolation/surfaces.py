"""Every surface of the application a person reaches over HTTP, aimed at the *other*
partnership's objects: each entry names the URL pattern it walks (so ``test_url_walk`` can list
a pattern nobody walks), the request, and what must happen.

``REFUSED``: an object of the other partnership; the answer is 403 or 404 (and nothing changes).
``ABSENT``: a list or a page of the actor's own; it may open, but no sentinel of the other
partnership is in its body.
"""

from __future__ import annotations

from tests.isolation.cast import DEC, JAN
from tests.isolation.surfaces_base import (  # noqa: F401 - other tests import these here
    _SET,
    ABSENT,
    ACTION_CHANGE,
    ADOPTION_CHANGE,
    OPEN,
    REFUSED,
    SUB,
    TARGET_SAVE,
    Surface,
    _adoption,
    _agency,
    _approved_value,
    _area,
    _derived,
    _get,
    _pack,
    _post,
    _published,
    _tno,
)
from tests.isolation.surfaces_people import PEOPLE

PAGES = [
    _get("home", SUB + "home", ABSENT, lambda s: "/"),
    _get("my-submissions", SUB + "mine", ABSENT, lambda s: "/submissions/"),
    _get("review", SUB + "review", ABSENT, lambda s: "/review/"),
    _get("rounds", SUB + "rounds", ABSENT, lambda s: "/rounds/"),
    _get("imports", SUB + "imports", ABSENT, lambda s: "/imports/"),
    _get("entry-draft", SUB + "entry", REFUSED, lambda s: f"/submissions/{s.draft.pk}/"),
    _get("entry-approved", SUB + "entry", REFUSED, lambda s: f"/submissions/{s.approved.pk}/"),
    _get(
        "figure-preview",
        SUB + "figure_preview",
        REFUSED,
        lambda s: f"/submissions/{s.draft.pk}/preview/?figure=1,421",
    ),
    _post(
        "save-draft",
        SUB + "entry",
        lambda s: f"/submissions/{s.draft.pk}/",
        {"entry_status": "reported", "value": "1", "version": "1", "action": "save"},
    ),
    _post(  # the no-script "Use this draft": the draft shows the figures, so it is refused too
        "use-draft",
        SUB + "entry",
        lambda s: f"/submissions/{s.draft.pk}/",
        {"entry_status": "reported", "value": "1", "version": "1", "action": "use_draft"},
    ),
    _post("approve", SUB + "approve", lambda s: f"/submissions/{s.draft.pk}/approve/"),
    _post("return", SUB + "return", lambda s: f"/submissions/{s.draft.pk}/return/"),
    _post(
        "override",
        SUB + "override",
        lambda s: f"/submissions/{s.approved.pk}/override/",
        {"rag": "G", "justification": "x"},
    ),
    _post("reopen", SUB + "reopen", lambda s: f"/submissions/{s.approved.pk}/reopen/"),
    _get("import-job", SUB + "import_job", REFUSED, lambda s: f"/imports/{s.job.pk}/"),
    _get("round", SUB + "round", REFUSED, lambda s: f"/rounds/{s.round.pk}/"),
    _post("publish", SUB + "round", lambda s: f"/rounds/{s.round.pk}/", {"change_note": ""}),
    _post("round-close", SUB + "round_close", lambda s: f"/rounds/{s.round.pk}/close/"),
    _post("round-reopen", SUB + "round_reopen", lambda s: f"/rounds/{s.round.pk}/reopen/"),
    _get("round-audit", SUB + "round_audit", REFUSED, lambda s: f"/rounds/{s.round.pk}/audit/"),
    _post(
        "action-add",
        SUB + "action_add",
        lambda s: f"/submissions/{s.draft.pk}/actions/",
        {"text": "x", "owner": "agency:1", "due_date": "", "status": "open"},
    ),
    Surface(
        "action-change",
        SUB + "action_change",
        REFUSED,
        "post",
        lambda s: f"/submissions/{s.draft.pk}/actions/{s.action.pk}/",
        body=lambda s: {f"a{s.action.pk}-{k}": v for k, v in ACTION_CHANGE.items()},
    ),
]
# The partnership's settings (issue 12): the coordinator's own lists, and the other's adoption,
# targets and agency by id (404), each change refused and nothing of the other changed.
SETTINGS = [
    _get("settings", SUB + "settings", ABSENT, lambda s: "/settings/"),
    _get("settings-list", SUB + "settings_indicators", ABSENT, lambda s: _SET + "indicators/"),
    _get("settings-agencies", SUB + "settings_agencies", ABSENT, lambda s: _SET + "agencies/"),
    _get("settings-adoption", SUB + "settings_adoption", REFUSED, lambda s: _adoption(s)),
    _get("settings-targets", SUB + "settings_targets", REFUSED, lambda s: _adoption(s, "targets/")),
    _get("settings-agency", SUB + "settings_agency", REFUSED, lambda s: _agency(s)),
    _post("settings-adoption-change", SUB + "settings_adoption", _adoption, ADOPTION_CHANGE),
    _post("settings-adoption-up", SUB + "settings_adoption_move", lambda s: _adoption(s, "move/"),
          {"direction": "up"}),
    _post("settings-adoption-down", SUB + "settings_adoption_move",
          lambda s: _adoption(s, "move/"), {"direction": "down"}),
    _post("settings-adoption-retire", SUB + "settings_adoption_retire",
          lambda s: _adoption(s, "retire/")),
    _post("settings-target-save", SUB + "settings_targets", lambda s: _adoption(s, "targets/"),
          TARGET_SAVE),
    _post("settings-target-preview", SUB + "settings_targets", lambda s: _adoption(s, "targets/"),
          {**TARGET_SAVE, "action": "preview"}),
    _post("settings-agency-rename", SUB + "settings_agency", _agency,
          {"action": "rename", "name": "Renamed", "reason": "x"}),
    _post("settings-agency-retire", SUB + "settings_agency", _agency,
          {"action": "retire", "retire-reason": "x"}),
    _post("settings-agency-move", SUB + "settings_agency", _agency,
          {"action": "move", "move-to_agency": "1", "move-reason": "x"}),
    # Act on the working partnership's own adoptions only: the other's ids are refused.
    Surface("settings-order", SUB + "settings_order", ABSENT, "post",
            lambda s: _SET + "indicators/order/",
            body=lambda s: {"order": [str(s.draft.adoption_id)], "reason": "x"}),
    Surface("settings-copy-targets", SUB + "settings_copy_targets", ABSENT, "post",
            lambda s: _SET + "new-year/",
            body=lambda s: {"adoptions": [str(s.draft.adoption_id)], "scope": "chosen",
                            "reason": "x"}),
]  # fmt: skip
PACKS = [
    _get("pack-index", "packs:index", ABSENT, lambda s: "/packs/"),
    # The regional comparison is for a region's readers only (ADR 0017): none of the cast is one,
    # and the demo's London region holds both partnerships' areas.
    _get("regions", "packs:regions", ABSENT, lambda s: "/packs/region/"),
    _get("region", "packs:region", REFUSED, lambda s: f"/packs/region/london/{_tno(s)}/2016-12/"),
    _get(
        "region-csv",
        "packs:region_export",
        REFUSED,
        lambda s: f"/packs/region/london/{_tno(s)}/2016-12/export.csv",
    ),
]
for _label, _month in (("unpublished", JAN), ("published", DEC)):
    PACKS += [
        _get(f"pack-{_label}", "packs:summary", REFUSED, lambda s, m=_month: _pack(s, m)),
        _get(f"pdf-{_label}", "packs:pdf", REFUSED, lambda s, m=_month: _pack(s, m, "pdf")),
        _get(
            f"csv-{_label}",
            "packs:export",
            REFUSED,
            lambda s, m=_month: _pack(s, m).rstrip("/") + "/export.csv",
        ),
        _get(
            f"xlsx-{_label}",
            "packs:export",
            REFUSED,
            lambda s, m=_month: _pack(s, m).rstrip("/") + "/export.xlsx",
        ),
        _get(
            f"pack-page-{_label}",
            "packs:indicator",
            REFUSED,
            lambda s, m=_month: _pack(s, m, "asb-calls/"),
        ),
        _get(
            f"chart-{_label}",
            "packs:chart",
            REFUSED,
            lambda s, m=_month: _pack(s, m, "asb-calls/chart/year.json"),
        ),
    ]
API = [
    _get("api-root", "api-root", ABSENT, lambda s: "/api/"),
    _get("api-areas", "area-list", ABSENT, lambda s: "/api/areas/"),
    _get("api-area", "area-detail", ABSENT, lambda s: f"/api/areas/{_area(s)}/"),
    _get("api-groups", "group-list", ABSENT, lambda s: "/api/groups/"),
    _get("api-group", "group-detail", ABSENT, lambda s: "/api/groups/met/"),
    _get("api-agencies", "agency-list", ABSENT, lambda s: "/api/agencies/"),
    _get("api-agency", "agency-detail", ABSENT, lambda s: "/api/agencies/police/"),
    _get("api-indicators", "indicator-list", ABSENT, lambda s: "/api/indicators/"),
    _get("api-indicator", "indicator-detail", ABSENT, lambda s: "/api/indicators/asb-calls/"),
    # A partnership's set-up (ADR 0015): its adoptions and targets, its own people's only.
    _get(
        "api-adoptions", "adoption-list", ABSENT, lambda s: f"/api/adoptions/?indicator={_tno(s)}"
    ),
    _get(
        "api-adoptions-filtered",
        "adoption-list",
        ABSENT,
        lambda s: f"/api/adoptions/?partnership={_area(s)}&indicator={_tno(s)}",
    ),
    _get(
        "api-adoption",
        "adoption-detail",
        REFUSED,
        lambda s: f"/api/adoptions/{s.draft.adoption_id}/",
    ),
    _get("api-targets", "target-list", ABSENT, lambda s: f"/api/targets/?indicator={_tno(s)}"),
    _get(
        "api-targets-filtered",
        "target-list",
        ABSENT,
        lambda s: f"/api/targets/?partnership={_area(s)}&indicator={_tno(s)}&financial_year=2017",
    ),
    _get("api-target", "target-detail", REFUSED, lambda s: f"/api/targets/{s.target.pk}/"),
    _get(
        "api-month-values",
        "monthvalue-list",
        ABSENT,
        lambda s: f"/api/month-values/?area={_area(s)}&month_from=2017-01",
    ),
    _get(
        "api-month-value",
        "monthvalue-detail",
        REFUSED,
        lambda s: f"/api/month-values/{_approved_value(s)}/",
    ),
    _get(
        "api-derived",
        "derivedmetric-list",
        ABSENT,
        lambda s: f"/api/derived-metrics/?area={_area(s)}&month_from=2017-01",
    ),
    _get(
        "api-derived-metric",
        "derivedmetric-detail",
        REFUSED,
        lambda s: f"/api/derived-metrics/{_derived(s)}/",
    ),
    _get("api-rounds", "round-list", ABSENT, lambda s: "/api/rounds/"),
    _get("api-round", "round-detail", REFUSED, lambda s: f"/api/rounds/{s.round.pk}/"),
    _post("api-round-close", "round-close", lambda s: f"/api/rounds/{s.round.pk}/close/"),
    _post(
        "api-round-publish",
        "round-publish",
        lambda s: f"/api/rounds/{s.round.pk}/publish/",
        {"change_note": ""},
    ),
    _post("api-round-reopen", "round-reopen", lambda s: f"/api/rounds/{s.round.pk}/reopen/"),
    _get("api-submissions", "submission-list", ABSENT, lambda s: "/api/submissions/"),
    _get(
        "api-submission-draft",
        "submission-detail",
        REFUSED,
        lambda s: f"/api/submissions/{s.draft.pk}/",
    ),
    _get(
        "api-submission-approved",
        "submission-detail",
        REFUSED,
        lambda s: f"/api/submissions/{s.approved.pk}/",
    ),
    _post("api-approve", "submission-approve", lambda s: f"/api/submissions/{s.draft.pk}/approve/"),
    _post(
        "api-override",
        "submission-override",
        lambda s: f"/api/submissions/{s.approved.pk}/override/",
        {"rag": "G", "justification": "x"},
    ),
    _post("api-return", "submission-return-", lambda s: f"/api/submissions/{s.draft.pk}/return/"),
    _post(
        "api-submit",
        "submission-submit",
        lambda s: f"/api/submissions/{s.draft.pk}/submit/",
        {"entry_status": "reported", "value": 1, "version": 99},
    ),
    _get("api-actions", "action-list", ABSENT, lambda s: "/api/actions/"),
    _get("api-action", "action-detail", REFUSED, lambda s: f"/api/actions/{s.action.pk}/"),
    Surface(
        "api-action-create",
        "action-list",
        REFUSED,
        "post",
        lambda s: "/api/actions/",
        body=lambda s: {"indicator": "tno", "area": _area(s), "text": "x"},
    ),
    Surface(
        "api-action-patch",
        "action-detail",
        REFUSED,
        "patch",
        lambda s: f"/api/actions/{s.action.pk}/",
        {"status": "done", "text": "changed"},
    ),
    _get("api-packs", "pack-list", ABSENT, lambda s: "/api/packs/"),
    _get("api-pack", "pack-detail", REFUSED, lambda s: f"/api/packs/{_published(s)}/"),
]


OWN = [
    Surface(f"own-{s.id}", s.url_name, ABSENT, "get", s.path, own=True)
    for s in PAGES + SETTINGS + PACKS + API
    if s.expect == REFUSED and s.method == "get"
] + [
    Surface("own-pack-index", "packs:index", ABSENT, "get", lambda s: "/packs/", own=True),
    Surface("own-month-values", "monthvalue-list", ABSENT, "get",
            lambda s: f"/api/month-values/?area={_area(s)}&month_from=2017-01", own=True),
]  # fmt: skip
SURFACES = PAGES + SETTINGS + PACKS + API + PEOPLE + OWN

# The region's reader (ADR 0017; ``test_matrix.test_reader_cell``) aims every surface at each
# partnership: the published December 2016 pack of either and the regional comparison OPEN with
# 200; every other surface keeps its expectation (REFUSED or ABSENT) above.
READER_OPENS = frozenset(
    {f"{kind}-published" for kind in ("pack", "pdf", "csv", "xlsx", "pack-page", "chart")}
    | {"region", "region-csv", "api-pack"}
)


def reader_expect(surface: Surface) -> str:
    return OPEN if surface.id in READER_OPENS else surface.expect


# Patterns no partnership's data reaches, with the reason.
NOT_WALKED = {
    "healthz": "liveness: the text 'ok'",
    "readyz": "readiness: service health, no partnership data",
    "api-schema": "the OpenAPI document: the API's shape, no rows",
    "login": "the sign-in form",
    "logout": "signs out",
    "password_change": "the signed-in person's own password",
    "password_change_done": "a fixed page",
    "password_reset": "asks for an address, says the same whatever it is",
    "password_reset_done": "a fixed page",
    "password_reset_confirm": "a single-use link of one account",
    "password_reset_complete": "a fixed page",
    "invitation_accept": (
        "a single-use link: opens the one invitation its secret token names (an unknown, used, "
        "revoked or expired token says only that the link no longer works; "
        "tests/integration/test_people.py)"
    ),
    "switch_partnership": (
        "stores the person's choice among their own partnerships, answers with a redirect; a "
        "partnership they hold no role in is refused (tests/integration/"
        "test_people_across_partnerships.py)"
    ),
}
# django-allauth's /accounts/ pages (csp/accounts, ADR 0033): a step of signing in
# (single sign-on, the second factor) or the signed-in person's own factor and provider link;
# the ones the app does not offer (sign-up, e-mail management, allauth's password pages)
# redirect to the sign-in or the app's own password pages. None reads a partnership's rows.
NOT_WALKED.update(
    dict.fromkeys(
        [
            *("account_change_password", "account_confirm_email", "account_confirm_login_code"),
            *("account_email", "account_email_verification_sent", "account_inactive"),
            *("account_login", "account_logout", "account_reauthenticate"),
            *("account_reset_password", "account_reset_password_done"),
            *("account_reset_password_from_key", "account_reset_password_from_key_done"),
            *("account_set_password", "account_signup", "allauth-password-change"),
            *("allauth-password-reset", "allauth-password-set", "email-not-offered"),
            *("signup-not-offered", "mfa_activate_totp", "mfa_authenticate"),
            *("mfa_deactivate_totp", "mfa_download_recovery_codes", "mfa_generate_recovery_codes"),
            *("mfa_index", "mfa_reauthenticate", "mfa_view_recovery_codes"),
            *("openid_connect_callback", "openid_connect_login", "socialaccount_connections"),
            *("socialaccount_login_cancelled", "socialaccount_login_error"),
            "socialaccount_signup",
        ],
        "a step of signing in, or the signed-in person's own account: no partnership data",
    )
)
