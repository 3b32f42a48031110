"""Named entities by rules: runs of capitalised words, merged across the forms an article uses.

"Elon Musk", "Musk" and "Musk’s" become one entity; "the Journal" joins "Wall Street Journal"
(a last word used alone); "United Launch Alliance (ULA)" makes ULA an alias; "U.S." and "US"
are one form. A surname two people share ("Ana Kovač", "Luka Kovač") is left unmerged.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .kinds import AGENT_NEXT, ORG_WORDS, PLACE_WORDS, TITLES, kind_of, note_cues
from .text import MONTHS, Word

CONNECTORS = frozenset("of for de del della da di du van von der den la le al bin y".split())
# Capitalised only because they open a sentence, or words that are never a name by themselves.
STOP = frozenset("""a an the this that these those there here it its it’s he she they we i you his her their our
my your in on at by for from to of and or but nor so yet if as when while after before since until because
though although however then than also still even just not no yes all some many most more much few other
such each every any both either neither what which who whom whose where why how whatever whoever
is was are were be been has have had do does did can could will would shall should may might must
generally indeed instead meanwhile moreover furthermore therefore thus otherwise besides again already
today yesterday tomorrow now once later earlier soon recently finally first second third last next
responding speaking according asked like unlike despite during without within among between against
about above below over under into onto upon through across around near via per
mr mrs ms dr sir madam st whether nobody somebody anybody everybody someone anyone everyone nothing
something anything everything
monday tuesday wednesday thursday friday saturday sunday""".split()) | frozenset(MONTHS)
NOT_A_NAME_ALONE = STOP | TITLES
DEMONYM = re.compile(r"^[\w-]{2,}(?:ian|ese|ish|can|ean|ic|ern|i)$")  # Russian, Chinese, British, American, Democratic
EVENT_NOUNS = "invasion|annexation|occupation|siege|bombing|blockade|liberation|partition|war|crisis|election"
_EVENT = re.compile(rf"\b(?:(?P<year>(?:19|20)\d\d(?: [A-Z]\w+)?(?: presidential| general| midterm)? "
                    rf"(?:election|elections|olympics|summit|referendum|census|world cup))"
                    rf"|(?P<noun>(?:{EVENT_NOUNS}) of (?:the )?[A-Z]\w+(?: [A-Z]\w+)*))")


@dataclass
class Cluster:
    """One suggested entity: its forms as the article writes them, and what they suggest."""

    name: str
    forms: Counter = field(default_factory=Counter)  # surface form → mentions (possessives included)
    first: tuple[int, int] = (10**9, 0)  # (paragraph, offset) of the first mention
    cues: Counter = field(default_factory=Counter)
    kind: str = "organization"
    ambiguous_with: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return sum(self.forms.values())

    @property
    def aliases(self) -> list[str]:
        return [form for form, _ in self.forms.most_common() if form != self.name and len(form) >= 2]

    def add(self, other: "Cluster") -> None:
        self.forms.update(other.forms)
        self.cues.update(other.cues)
        self.first = min(self.first, other.first)


@dataclass(frozen=True)
class Run:
    """One mention: a run of capitalised words in one paragraph."""

    text: str
    paragraph: int
    start: int
    end: int
    words: tuple[Word, ...]
    before: str  # the lowercase word before it, or ""
    after: str  # the word after it as written, or ""
    gap_after: str  # the characters between it and the next word


def is_capitalised(word: Word) -> bool:
    first = word.text[0]
    return first.isupper() or (first.islower() and len(word.text) > 1 and word.text[1].isupper())


def _joined(text: str, a: Word, b: Word) -> bool:
    """Next to each other in one name: a space, or a dash between two names ("Zagreb–Split")."""
    return text[a.end:b.start] in (" ", "\u00a0", "–") and not a.possessive


def find_runs(paragraph: int, text: str, found: list[Word], lowercase_words: set[str]) -> list[Run]:
    """Runs of capitalised words (with connectors such as "of" inside) in one paragraph, with the
    lower-case words that belong to a name ("Zagreb–Split line", "city council of Novo Mesto")."""
    runs = []
    i = 0
    while i < len(found):
        if not is_capitalised(found[i]):
            i += 1
            continue
        j = _run_end(text, found, i)
        runs += [_with_lowercase_parts(run, paragraph, text, found, i, j)
                 for run in _trimmed(paragraph, text, found, i, j, lowercase_words)]
        i = j + 1
    return runs


def _run_end(text: str, found: list[Word], i: int) -> int:
    """The index of the last word of the capitalised run that starts at word i."""
    j = i
    while j + 1 < len(found) and _joined(text, found[j], found[j + 1]):
        nxt = found[j + 1]
        if is_capitalised(nxt) and not nxt.sentence_start:
            j += 1
        elif nxt.text.isdigit() and len(nxt.text) <= 3 and found[j].text.lower() not in MONTHS:
            return j + 1  # "Falcon 9"
        elif (nxt.text in CONNECTORS and j + 2 < len(found) and _joined(text, nxt, found[j + 2])
              and is_capitalised(found[j + 2])):
            j += 2  # "Department of Defense"
        elif nxt.text in CONNECTORS and _body_of_the(text, found, j):
            j += 3  # "Ministry for the Ecological Transition", "Department of the Interior"
        else:
            break
    return j


def _body_of_the(text: str, found: list[Word], j: int) -> bool:
    """Word j is an institution's word ("Ministry", "Department", "Gulf") followed by "of the" or
    "for the" and a capitalised word: one name. After any other word, "for the" joins two names
    ("launches for SpaceX for the Pentagon")."""
    if j + 3 >= len(found) or found[j].text.lower() not in ORG_WORDS | PLACE_WORDS:
        return False
    the, name = found[j + 2], found[j + 3]
    return the.text == "the" and is_capitalised(name) and _joined(text, found[j + 1], the) and _joined(text, the, name)


def _trimmed(paragraph: int, text: str, found: list[Word], i: int, j: int, lowercase_words: set[str]) -> list[Run]:
    """Drop what is not part of a name from a run: a sentence's opening word that is a common word,
    titles before a person's name, stop words. May split one run into an office and a name."""
    while i <= j and (found[i].text.lower() in STOP or found[i].text in CONNECTORS or (
            found[i].sentence_start and found[i].text.lower() in lowercase_words)):
        i += 1
    while j >= i and (found[j].text in CONNECTORS or found[j].text.lower() in NOT_A_NAME_ALONE):
        j -= 1
    if i > j:
        return []
    runs = []
    for a, b in _without_titles(found, i, j):
        if a == b and (found[a].text.lower() in NOT_A_NAME_ALONE or _adjectival(text, found, a)):
            continue
        runs.append(_run(paragraph, text, found, a, b))
    return runs


def _without_titles(found: list[Word], i: int, j: int) -> list[tuple[int, int]]:
    """The name(s) in words i..j without the titles before them: "Vice President Kamala Harris",
    "CEO of SpaceX"; "Deputy Minister of Digital Affairs Herming Chiueh" is an office and a name."""
    tokens = [w.text.lower().rstrip(".") for w in found[i:j + 1]]
    if len(tokens) >= 4 and "of" in tokens and tokens[0] in TITLES and all(is_capitalised(w) for w in found[j - 1:j + 1]):
        return [(i, j - 2), (j - 1, j)]
    while i < j and (found[i].text.lower().rstrip(".") in TITLES or found[i].text in CONNECTORS):
        i += 1
    return [(i, j)]


def _run(paragraph: int, text: str, found: list[Word], a: int, b: int) -> Run:
    """The mention made of words a..b, with the words around it."""
    before = found[a - 1].text.lower() if a > 0 else ""
    after = found[b + 1].text if b + 1 < len(found) else ""
    gap = text[found[b].end:found[b + 1].start] if b + 1 < len(found) else ""
    return Run(text[found[a].start:found[b].end], paragraph, found[a].start, found[b].end, tuple(found[a:b + 1]),
               before, after, gap)


# Lower-case words that end a name after capitalised ones ("Zidani Most–Dobova line", "Dolenjska
# festival"), and bodies named after a place ("city council of Novo Mesto"). Kept to heads that
# name one thing: "government", "company" or "project" after a name is a description, not a name.
NAME_HEADS = frozenset("""line railway river lake canal dam reservoir airport station port harbour harbor tunnel
highway motorway pipeline plant aquifer bridge strait bay valley basin festival summit games championship conference accords
treaty council party committee commission assembly""".split())
BODIES_OF = frozenset("council assembly parliament court".split())
BODY_QUALIFIERS = frozenset("""city town county island regional municipal district provincial state village
borough parish supreme high federal national""".split())


def _with_lowercase_parts(run: Run, paragraph: int, text: str, found: list[Word], i: int, j: int) -> Run:
    """A run with the lower-case head noun after it, or the body of a place before it, when they
    are part of its name."""
    a = next(n for n in range(i, j + 1) if found[n].start == run.start)
    b = next(n for n in range(a, j + 1) if found[n].end == run.end)
    nxt = found[b + 1] if b + 1 < len(found) else None
    extended = False
    if nxt and nxt.text in NAME_HEADS and _joined(text, found[b], nxt) and not _adjectival(text, found, a):
        b, extended = b + 1, True
    if a >= 2 and found[a - 1].text == "of" and found[a - 2].text in BODIES_OF and not found[a - 2].sentence_start:
        a -= 2
        if a >= 1 and found[a - 1].text in BODY_QUALIFIERS:
            a -= 1
        extended = True
    return _run(paragraph, text, found, a, b) if extended else run


def _adjectival(text: str, found: list[Word], at: int) -> bool:
    """"Russian officials", "the Taiwanese government": a nationality used as an adjective."""
    word = found[at]
    if not DEMONYM.search(word.text) or word.possessive or at + 1 >= len(found):
        return False
    nxt = found[at + 1]
    return text[word.end:nxt.start] == " " and nxt.text[:1].islower() and nxt.text not in AGENT_NEXT


def event_runs(paragraph: int, text: str) -> list[Run]:
    """Named events written in lower case: "the 2024 election", "invasion of Ukraine"."""
    return [Run(m.group(), paragraph, m.start(), m.end(), (), "", "", "") for m in _EVENT.finditer(text)]


def normal_form(form: str) -> str:
    """The key forms are merged by: "U.S." and "US" are one."""
    form = form.replace("’", "'")
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", form):
        form = form.replace(".", "")
    return form


def _initials(name: str) -> set[str]:
    words = name.split()
    return {"".join(w[0] for w in words).upper(), "".join(w[0] for w in words if w not in CONNECTORS).upper()}


def adjectives(text: str, found: list[Word]) -> set[str]:
    """Nationalities and parties the paragraph uses as adjectives ("Russian officials")."""
    return {found[i].text for i in range(len(found)) if _adjectival(text, found, i)}


def cluster_runs(runs: list[Run], expansions: dict[str, str], event_names: set[str],
                 adjective_words: set[str]) -> list[Cluster]:
    """Merge mentions into entities: same form, plural, acronym and expansion, a last (or first)
    word used alone."""
    by_key: dict[str, Cluster] = {}
    for run in runs:
        key = normal_form(run.text)
        cluster = by_key.setdefault(key, Cluster(run.text))
        cluster.forms[run.text] += 1
        cluster.first = min(cluster.first, (run.paragraph, run.start))
        note_cues(cluster.cues, run.text.split(), run.before, run.after, run.gap_after,
                  bool(run.words) and run.words[-1].possessive, key in event_names)
    _split_demonyms(by_key, adjective_words)
    groups = _Groups()
    keys = sorted(by_key, key=lambda k: (-len(k.split()), k))
    for key in keys:  # plurals: "Republicans" → "Republican"
        if key.endswith("s") and key[:-1] in by_key:
            groups.merge(key, key[:-1])
    for short, long in expansions.items():
        if short in by_key and long in by_key:
            groups.merge(short, long)
    multi = [k for k in keys if len(k.split()) > 1]
    for key in (k for k in keys if len(k.split()) == 1):
        owners = _owners(key, multi, event_names)
        if len(owners) == 1:
            groups.merge(key, owners[0])
        elif len(owners) > 1:
            by_key[key].ambiguous_with = tuple(sorted(owners))
    clusters = groups.collapse(keys, by_key)
    for cluster in clusters:
        cluster.kind = kind_of(cluster.name, cluster.forms, cluster.cues)
    return clusters


def _owners(word: str, multi: list[str], event_names: set[str]) -> list[str]:
    """The longer names a one-word form may stand for: an acronym's expansion (by its initials), or
    the names it ends ("Musk", "the Journal") or begins ("Dolenjska")."""
    if word.isupper() and len(word) >= 2:
        by_initials = [m for m in multi if word in _initials(m)]
        if len(by_initials) == 1:
            return by_initials
    return [m for m in multi if m not in event_names
            and (m.split()[-1] == word or (m.split()[0] == word and not DEMONYM.search(word)))]


class _Groups:
    """Union-find over normal forms: which forms are one entity."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, key: str) -> str:
        while key in self.parent:
            key = self.parent[key]
        return key

    def merge(self, small: str, big: str) -> None:
        a, b = self.root(small), self.root(big)
        if a != b:
            self.parent[a] = b

    def collapse(self, keys: list[str], by_key: dict[str, Cluster]) -> list[Cluster]:
        """One cluster per group, named by its root (the longest form), holding every form's mentions."""
        merged = {key: by_key[key] for key in keys if self.root(key) == key}
        for key in keys:
            if self.root(key) != key:
                merged[self.root(key)].add(by_key[key])
        return list(merged.values())


def _split_demonyms(by_key: dict[str, Cluster], adjective_words: set[str]) -> None:
    """"Republican China hawks": a run that is an adjective of nationality or party before a name
    used alone elsewhere is that name."""
    for key in list(by_key):
        first, _, rest = key.partition(" ")
        used_as_adjective = first in adjective_words or first + "s" in by_key
        if rest and DEMONYM.search(first) and used_as_adjective and rest in by_key and " " not in rest:
            extra, target = by_key.pop(key), by_key[rest]
            target.forms[rest] += extra.count
            target.first = min(target.first, extra.first)
            target.cues.update(extra.cues)


def find_expansions(text: str) -> dict[str, str]:
    """"United Launch Alliance (ULA)": acronym → the capitalised words it stands for."""
    expansions = {}
    for match in re.finditer(r"((?:[A-Z][\w’'-]*\s+(?:(?:of|for|and|the)\s+)?){1,8})\(([A-Z][A-Z0-9&]{1,9})\)", text):
        words = match.group(1).split()
        letters = match.group(2)
        for take in range(len(words), 0, -1):
            candidate = " ".join(words[-take:])
            if letters in _initials(candidate):
                expansions[letters] = normal_form(candidate)
                break
    return expansions
