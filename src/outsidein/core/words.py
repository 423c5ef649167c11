"""Numbers in sentences a leader reads."""


def counted(n: int, one: str, many: str = "") -> str:
    """``counted(1, "source")`` is "1 source", ``counted(3, "source")`` "3 sources"; ``many`` where adding an s
    is wrong ("pieces of evidence")."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def wording(text: str) -> str:
    """The words of ``text`` however they are spaced or capitalised: "Late  again" and "late again" are one
    wording, so the same reply in many items (a form answer, a repeated complaint) is shown once."""
    return " ".join(text.casefold().split())
