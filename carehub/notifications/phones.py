"""Phone numbers in one shape: E.164 (+34612345678), parsed with `phonenumbers` for region ES.

Person.phone stays a CharField normalised on save rather than a `PhoneNumberField`: the API schemas and pages
read it as a plain string, and a number the desk typed that does not parse (an extension, a foreign format
without its prefix) is kept exactly as typed and flagged (`Person.phone_valid = False`) instead of being lost.
Forms validate with `phonenumber_field.formfields.PhoneNumberField(region="ES")`.
"""

import phonenumbers

REGION = "ES"


def parse(raw: str) -> phonenumbers.PhoneNumber | None:
    """The number in `raw`, or None when it is empty or not a possible, valid number."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise(raw: str) -> tuple[str, bool]:
    """(value to store, whether it is a valid number): E.164 when valid, else `raw` as typed (stripped)."""
    number = parse(raw)
    if number is None:
        return (raw or "").strip(), not (raw or "").strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True


def is_mobile(raw: str) -> bool:
    """Whether an SMS can reach this number (Spanish 6xx/7xx; 93x landlines cannot)."""
    number = parse(raw)
    if number is None:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def for_display(raw: str) -> str:
    """How the desk reads a number aloud: national format for Spain (612 34 56 78), international otherwise."""
    number = parse(raw)
    if number is None:
        return raw or ""
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 34
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def default_channel(*, email: str, phone: str) -> str:
    """The channel a person gets when nobody chose one: email if they have it, SMS to a mobile, else a call."""
    if email:
        return "email"
    if is_mobile(phone):
        return "sms"
    return "call"
