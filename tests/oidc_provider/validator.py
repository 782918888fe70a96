"""The claims: ``email``, ``email_verified`` (false for members of the group UNVERIFIED) and
``name``, whatever scope was granted (the test client always asks openid, profile, email)."""

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED = "unverified-email"


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED).exists(),
            "name": user.get_full_name() or user.username,
            "preferred_username": user.username,
        }
