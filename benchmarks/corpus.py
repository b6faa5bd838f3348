"""A seeded generator of realistic news pages in all three layouts, with the threads it meant.

    python -m benchmarks.corpus OUT_DIR N [--seed S]

Japan Today pages get a power-law number of comments (0..500). Replies quote an earlier
comment's own paragraph (sometimes under a `name` or `nameToday 07:12 am JST` header), some
comments quote the article, some are edited re-posts (revisions). Text mixes ASCII, accents,
CJK and emoji. `truth.json` records, per page, each comment's parent and revision_of.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

_SYL = ["ka", "ri", "to", "mo", "na", "shi", "ro", "be", "la", "den", "vor", "quin", "ex", "pal", "sur", "tem",
        "ga", "zu", "lin", "mar", "po", "fe", "nu", "har", "ol", "ist", "un", "cre", "dia", "bor"]
_EXTRA = ["café", "naïve", "Zürich", "東京", "大阪", "選挙", "経済", "😀", "👍", "résumé", "Ōsaka", "façade", "über"]
_CATEGORIES = ["politics", "national", "business", "crime", "tech", "sports", "world", "lifestyle"]
_SOURCES = ["KYODO", "AFP", "Thomson Reuters 2024", "AP", "JIJI"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


class Corpus:
    def __init__(self, seed: int = 1, vocab: int = 30000):
        self.rnd = random.Random(seed)
        r = random.Random(seed + 7)
        words = set()
        while len(words) < vocab:
            words.add("".join(r.choice(_SYL) for _ in range(r.choice((1, 2, 2, 3, 3, 4)))))
        self.words = sorted(words) + _EXTRA
        # Zipf-like weights: a few common words, a long tail.
        self.cum_weights = list(itertools.accumulate(1.0 / (i + 8) for i in range(len(self.words))))
        self.names = ["".join(r.choice(_SYL) for _ in range(3)) + str(r.randint(1, 99)) for _ in range(400)]

    def sentence(self, lo: int = 8, hi: int = 22) -> str:
        n = self.rnd.randint(lo, hi)
        ws = self.rnd.choices(self.words, cum_weights=self.cum_weights, k=n)
        s = " ".join(ws)
        return s[0].upper() + s[1:] + self.rnd.choice([".", ".", ".", "!", "?"])

    def paragraph(self, sentences: tuple[int, int] = (1, 4)) -> str:
        return " ".join(self.sentence() for _ in range(self.rnd.randint(*sentences)))

    def comment_count(self) -> int:
        if self.rnd.random() < 0.15:
            return 0
        return min(500, int(self.rnd.paretovariate(1.1) * 3) - 2) if self.rnd.random() > 0.002 else 500

    def votes(self) -> str:
        up, down = self.rnd.randint(0, 30), self.rnd.randint(0, 30)
        return f"{up - down} ( +{up} / -{down} )"

    # ---- layouts

    def page(self, i: int) -> tuple[str, str, list[dict]]:
        roll = self.rnd.random()
        if roll < 0.7:
            return ("japantoday", *self.japantoday(i))
        if roll < 0.85:
            return "japannews", self.japannews(i), []
        return "generic", self.generic(i), []

    def _title(self, i: int) -> str:
        return f"{self.sentence(5, 11).rstrip('.!?')} {i}"

    def japantoday(self, i: int) -> tuple[str, list[dict]]:
        title = self._title(i)
        body = [self.paragraph((2, 4)) for _ in range(self.rnd.randint(4, 14))]
        n = 500 if i == 0 else self.comment_count()  # page 0 is the 500-comment story benchmarks open
        comments, truth = self.comments(n, title, body)
        stated = n + (self.rnd.randint(1, 5) if self.rnd.random() < 0.1 else 0)
        lines = ["Japan Today"]
        if self.rnd.random() < 0.85:
            lines.append(f"{self.sentence(6, 14).rstrip('.!?')} Image: {self.rnd.choice(['AP', 'iStock', 'AFP/Kazuhiro'])}")
        lines.append(self.rnd.choice(_CATEGORIES))
        lines += [title, f"{stated} Comments"]
        if self.rnd.random() < 0.3:
            lines.append(f"By {self.rnd.choice(self.names)} and {self.rnd.choice(self.names)}")
        lines += body
        lines += [f"© {self.rnd.choice(_SOURCES)}", f"©{self.rnd.choice([2024, 2025])} GPlusMedia Inc.",
                  f"{stated} Comments", "Login to comment"]
        for c in comments:
            lines += c
        lines += ["Login to leave a comment", "Facebook users", "Use your Facebook account to login or register "
                  "with JapanToday. By doing so, you will also receive an email inviting you to receive our news "
                  "alerts.", "Facebook Connect", "Login with your JapanToday account", "User registration",
                  "Articles, Offers & Useful Resources", "A mix of what's trending on our other sites"]
        return "\n\n".join(lines), truth

    def comments(self, n: int, title: str, body: list[str]) -> tuple[list[list[str]], list[dict]]:
        out: list[list[str]] = []
        truth: list[dict] = []
        own: list[list[str]] = []  # each comment's own paragraphs
        for cid in range(1, n + 1):
            paras: list[str] = []
            t = {"id": cid, "parent": None, "revision_of": None}
            roll = self.rnd.random()
            multi = [k for k in range(len(own)) if len(out[k]) - 1 >= 2 and truth[k]["parent"] is None
                     and truth[k]["revision_of"] is None and len(own[k]) == len(out[k]) - 1]
            if own and roll < 0.4:
                # A reply: quote one own paragraph of an earlier comment (recent ones more often).
                k = max(0, len(own) - 1 - int(self.rnd.expovariate(0.15)))
                if self.rnd.random() < 0.3:
                    name = self.rnd.choice(self.names)
                    paras.append(name if self.rnd.random() < 0.5 else f"{name}Today  {self.rnd.randint(1, 12):02d}:"
                                 f"{self.rnd.randint(0, 59):02d} {self.rnd.choice(['am', 'pm'])} JST")
                quoted = self.rnd.choice(own[k])
                paras.append(quoted)
                mine = [self.paragraph() for _ in range(self.rnd.randint(1, 3))]
                paras += mine
                # The parent is the latest comment whose own words hold the quote (a revision
                # repeats its original's paragraphs, so a quote may name the revision).
                q = " ".join(quoted.split())
                t["parent"] = max(j for j in range(len(own)) if any(q in " ".join(p.split()) for p in own[j])) + 1
            elif multi and roll < 0.43:
                # An edited re-post of an earlier multi-paragraph top-level comment.
                k = self.rnd.choice(multi[-20:])
                mine = list(own[k])
                j = self.rnd.randrange(len(mine))
                mine[j] = mine[j].replace(" ", "  ", 1) + " (edited)"
                mine.append(self.paragraph((1, 1)))
                paras += mine
                t["revision_of"] = k + 1
            elif roll < 0.48:
                # Quotes the article (the title or a body sentence), then comments.
                src = self.rnd.choice([title, *body])
                paras.append(f"\"{src.split('. ')[0].rstrip('.')}\"")
                mine = [self.paragraph()]
                paras += mine
                t["quotes_article"] = True
            else:
                mine = [self.paragraph() for _ in range(self.rnd.randint(1, 3))]
                paras += mine
            own.append(mine)
            out.append([*paras, self.votes()])
            truth.append(t)
        return out, truth

    def japannews(self, i: int) -> str:
        lines = [self._title(i), f"{self.rnd.randint(0, 23):02d}:{self.rnd.randint(0, 59):02d} JST, "
                 f"{self.rnd.choice(_MONTHS)} {self.rnd.randint(1, 28)}, {self.rnd.choice([2023, 2024, 2025])}"]
        lines += [self.paragraph((2, 4)) for _ in range(self.rnd.randint(3, 12))]
        lines.append(f"\"{self.rnd.choice(_CATEGORIES).title()}\" POPULAR ARTICLE")
        for _ in range(5):
            lines += ["-", self._title(self.rnd.randint(0, 10**6))]
        lines.append("JN ACCESS RANKING")
        lines += [f"- {self._title(self.rnd.randint(0, 10**6))}" for _ in range(5)]
        return "\n".join(lines)

    def generic(self, i: int) -> str:
        return "\n".join([self._title(i)] + [self.paragraph((2, 5)) for _ in range(self.rnd.randint(3, 10))])


def generate(out: Path, n: int, seed: int = 1) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(seed)
    truth: dict[str, dict] = {}
    for i in range(n):
        layout, text, comments = corpus.page(i)
        name = f"page{i:06d}.txt"
        (out / name).write_text(text, encoding="utf-8")
        truth[name] = {"layout": layout, "comments": comments}
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    generate(args.out, args.n, args.seed)
    print(f"wrote {args.n} pages to {args.out}")


if __name__ == "__main__":
    main()
