"""Phone numbers normalised with phonenumbers: international format when the number is clear."""

import phonenumbers


def normalise_phone(raw: str, region: str | None = None) -> str:
    """ "+44 20 7946 0000" style when it parses as a possible number, else the text as given."""
    text = raw.strip()
    if not text:
        return text
    try:
        number = phonenumbers.parse(text, region if not text.startswith("+") else None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_key(raw: str) -> str:
    """Digits only, for spotting the same number written two ways."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return digits[-9:]  # the national part survives any country-code style
