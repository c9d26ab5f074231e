"""Generated queries for the query fuzz test and ``bench/fuzz.py``: cheap, seeded, and
mixing the language's every form with hostile text and the shapes that used to hang
(issue 8 item 14). ``generate(random.Random(seed))`` is deterministic."""

from __future__ import annotations

import random
import string

WORDS = ("oil", "price", "prices", "wheat", "bank", "rate", "dollar", "yen", "gold", "trade",
         "export", "coffee", "cocoa", "ivory", "coast", "missile", "the", "of", "said", "mln",
         "U.S.", "50%", "Nagorno-Karabakh", "résumé", "shareholders", "opec", "crude", "corn")
FIELDS = ("title", "body", "tag", "tags", "author", "source", "date", "published", "id",
          "TITLE", "nosuch", "http")
DATES = ("1987", "1987-03", "1987-03-05", "today", "yesterday", '"last week"',
         '"last 30 days"', ">now-7d", ">=1987-03-01", "<1988", "[1987-03-01 TO 1987-04-01]",
         "{1987 TO *}", "[* TO 1987-02]", "now", "garbage", "1987-13-45", "[1987 TO]",
         "[1987-01-01 TO 1987-02-01", "99999", "-1", "0001-01-01")
ODD = ("\x00", "\x1b[2J", "\u202e", "\ud800", "\x9b", "\t", "\n", "🚀", "中文", "ﬁ", "ß",
       "'", "`", "\\", "/", ":", "::", "~", "~~", "^2", "&", "|", "&&", "||", "!", "+", "-",
       "(", ")", "((", "))", "[", "]", "{", "}", '"', "“", "”", "*", "?", "**", "*?*")

# The shapes of issue 8 item 14, each once.
SHAPES = (
    "*a* *e* *i* *o* *u*",
    " ".join(f"*{a}{b}*" for a, b in zip("abcdefghijklmnopqrstuvwxyz" * 8,
                                          "etaoinshrdlucmfwypvbgkjqxz" * 8, strict=True))[:1000],
    " ".join(["wheat~2"] * 1000),
    "a" * 100_000,
    "*a*",
    "a*",
    " ".join(["oil"] * 10_000),
    " ".join(['"oil prices"'] * 500),
    " ".join(f'"{a} {b}"' for a, b in zip(WORDS * 20, reversed(WORDS * 20), strict=True))[:1000],
)


def _word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(WORDS)
    if roll < 0.8:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 8)))
    if roll < 0.9:
        return rng.choice(ODD)
    return "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 12)))


def _term(rng: random.Random) -> str:
    w = _word(rng)
    roll = rng.random()
    if roll < 0.45:
        return w
    if roll < 0.55:
        return w[: rng.randint(0, len(w))] + "*"
    if roll < 0.62:
        return "*" + w[rng.randint(0, len(w)):] + "*"
    if roll < 0.67:
        return w.replace(w[:1], "?", 1) if w else "?"
    if roll < 0.75:
        return w + "~" + rng.choice(("", "0", "1", "2", "3", "9", "1.5", "x"))
    if roll < 0.85:
        phrase = " ".join(_word(rng) for _ in range(rng.randint(0, 4)))
        return f'"{phrase}"' + rng.choice(("", "", "~2", "~1000", "~99999999"))
    if roll < 0.95:
        field = rng.choice(FIELDS)
        value = rng.choice(DATES) if field in ("date", "published") else _term(rng)
        return f"{field}:{value}"
    return rng.choice(ODD)


def generate(rng: random.Random) -> str:
    """One query: 1 to ~40 terms with operators and groups, sometimes hostile."""
    if rng.random() < 0.02:
        return rng.choice(SHAPES)
    parts: list[str] = []
    depth = 0
    for _ in range(int(rng.expovariate(1 / 4)) + 1):
        roll = rng.random()
        if roll < 0.08:
            parts.append("(")
            depth += 1
        elif roll < 0.14 and depth:
            parts.append(")")
            depth -= 1
        elif roll < 0.24:
            parts.append(rng.choice(("AND", "OR", "NOT", "&&", "||", "-", "+", "!", "and")))
        parts.append(_term(rng))
    if rng.random() < 0.7:
        parts.extend(")" * depth)
    sep = rng.choice((" ", " ", " ", "", "  ", "\t"))
    return sep.join(parts)
