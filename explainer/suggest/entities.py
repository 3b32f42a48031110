"""Named entities by rules: runs of capitalised words, merged across the forms an article uses.

"Elon Musk", "Musk" and "Musk’s" become one entity; "the Journal" joins "Wall Street Journal"
(a last word used alone); "United Launch Alliance (ULA)" makes ULA an alias; "U.S." and "US"
are one form. A surname two people share ("Ana Kovač", "Luka Kovač") is left unmerged.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

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
TITLES = frozenset("""president vice deputy minister secretary senator sen rep representative governor gov judge
justice general gen admiral adm chancellor prime premier king queen prince princess pope mayor chief director
ambassador professor prof dr mr mrs ms sir dame lord lady ceo chairman chairwoman chair commissioner speaker
leader former attorney assistant undersecretary colonel col captain capt lieutenant sergeant sheriff
spokesman spokeswoman spokesperson""".split())
NOT_A_NAME_ALONE = STOP | TITLES
ORG_WORDS = frozenset("""party center centre college institute office alliance group house department ministry
agency administration council committee commission congress senate parliament court union bank fund
foundation university company corporation corp inc ltd llc plc association authority bureau service force
forces army navy lab labs network board reserve organization organisation government cabinet club team
society federation league academy school hospital airlines airways motors systems technologies industries
partners capital holdings trust police guard command""".split())
PUBLICATION_WORDS = frozenset("""journal times post news magazine review gazette herald tribune telegraph
guardian economist wire press daily weekly monitor observer chronicle reporter standard""".split())
PLACE_WORDS = frozenset("""island islands river sea ocean mountains mountain province county city republic
kingdom strait bay valley peninsula lake desert coast region district square bridge street avenue""".split())
PRODUCT_NEXT = frozenset("""rocket rockets satellite satellites capsule spacecraft app apps phone phones service
network booster system vehicle vehicles aircraft drone drones car cars platform model chip chips software
device devices launcher engine engines jet jets missile missiles tank tanks""".split())
PROGRAM_NEXT = frozenset("program programme project mission initiative scheme plan".split())
PERSON_NEXT = frozenset("""said says told added argued wrote believes believed explained noted asked
acknowledged replied insisted warned called""".split())
PLACE_BEFORE = frozenset("in into over across near throughout around inside outside toward towards".split())
PUBLICATION_CUES = re.compile(r"^(?:reported|reports|wrote|published|has reported)\b")
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
    """Runs of capitalised words (with connectors such as "of" inside) in one paragraph."""
    runs = []
    i = 0
    while i < len(found):
        if not is_capitalised(found[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(found) and _joined(text, found[j], found[j + 1]):
            nxt = found[j + 1]
            if is_capitalised(nxt) and not nxt.sentence_start:
                j += 1
            elif nxt.text.isdigit() and len(nxt.text) <= 3 and found[j].text.lower() not in MONTHS:
                j += 1  # "Falcon 9"
                break
            elif (nxt.text in CONNECTORS and j + 2 < len(found) and _joined(text, nxt, found[j + 2])
                  and is_capitalised(found[j + 2])):
                j += 2  # "Department of Defense"
            else:
                break
        runs += _trimmed(paragraph, text, found, i, j, lowercase_words)
        i = j + 1
    return runs


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
    parts = [(i, j)]
    tokens = [w.text.lower().rstrip(".") for w in found[i:j + 1]]
    if len(tokens) >= 4 and "of" in tokens and tokens[0] in TITLES and all(is_capitalised(w) for w in found[j - 1:j + 1]):
        parts = [(i, j - 2), (j - 1, j)]  # "Deputy Minister of Digital Affairs Herming Chiueh"
    elif i < j:
        while i < j and (found[i].text.lower().rstrip(".") in TITLES or found[i].text in CONNECTORS):
            i += 1  # "Vice President Kamala Harris", "CEO of SpaceX"
        parts = [(i, j)]
    runs = []
    for a, b in parts:
        if a == b and (found[a].text.lower() in NOT_A_NAME_ALONE or _adjectival(text, found, a)):
            continue
        before = found[a - 1].text.lower() if a > 0 else ""
        after = found[b + 1].text if b + 1 < len(found) else ""
        gap = text[found[b].end:found[b + 1].start] if b + 1 < len(found) else ""
        runs.append(Run(text[found[a].start:found[b].end], paragraph, found[a].start, found[b].end,
                        tuple(found[a:b + 1]), before, after, gap))
    return runs


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
        _note_cues(cluster, run, key in event_names)
    _split_demonyms(by_key, adjective_words)
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while key in parent:
            key = parent[key]
        return key

    def merge(small: str, big: str) -> None:
        a, b = root(small), root(big)
        if a != b:
            parent[a] = b

    keys = sorted(by_key, key=lambda k: (-len(k.split()), k))
    for key in keys:  # plurals: "Republicans" → "Republican"
        if key.endswith("s") and key[:-1] in by_key:
            merge(key, key[:-1])
    for short, long in expansions.items():
        if short in by_key and long in by_key:
            merge(short, long)
    multi = [k for k in keys if len(k.split()) > 1]
    for key in keys:
        if len(key.split()) != 1:
            continue
        if key.isupper() and len(key) >= 2:
            owners = [m for m in multi if key in _initials(m)]
            if len(owners) == 1:
                merge(key, owners[0])
                continue
        owners = [m for m in multi if m not in event_names
                  and (m.split()[-1] == key or (m.split()[0] == key and not DEMONYM.search(key)))]
        if len(owners) == 1:
            merge(key, owners[0])
        elif len(owners) > 1:
            by_key[key].ambiguous_with = tuple(sorted(owners))
    merged: dict[str, Cluster] = {}
    for key in keys:
        top = root(key)
        if top == key:
            merged[key] = by_key[key]
    for key in keys:
        top = root(key)
        if top != key:
            merged[top].add(by_key[key])
    clusters = list(merged.values())
    for cluster in clusters:
        cluster.kind = _kind(cluster)
    return clusters


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


def _note_cues(cluster: Cluster, run: Run, is_event: bool) -> None:
    words = run.text.split()
    last, after = words[-1].lower(), run.after.lower()
    cues = cluster.cues
    if is_event:
        cues["event"] += 3
    if last in ORG_WORDS or words[0].lower() in {"department", "ministry", "university", "bank", "office"}:
        cues["organization"] += 3
    if last in PUBLICATION_WORDS or PUBLICATION_CUES.match(run.gap_after.strip() + after) or run.before == "according":
        cues["publication"] += 2
    if run.before == "told":
        cues["publication"] += 1
    if last in PLACE_WORDS:
        cues["place"] += 3
    if run.before in PLACE_BEFORE:
        cues["place"] += 1
    if after in PRODUCT_NEXT or (words[-1].isdigit() and len(words) > 1):
        cues["product"] += 2
    if after in PROGRAM_NEXT or words[0] in ("Project", "Operation", "Program"):
        cues["program"] += 3
    if run.gap_after.strip() == "" and after in AGENT_NEXT:
        cues["agent"] += 1
    if run.before in ("said", "says", "by") or (run.gap_after.strip() == "," and after in ("a", "an", "who", "CEO")):
        cues["agent"] += 1
    if run.before in TITLES or (run.words and run.words[0].start > 0 and run.before in ROLE_BEFORE):
        cues["person"] += 2
    if run.words and run.words[-1].possessive and after in ("company", "companies", "wife", "husband", "family"):
        cues["person"] += 1


AGENT_NEXT = PERSON_NEXT | frozenset("""has had is was announced launched acquired described declined signed won
lost plans wants continues needs""".split())
ROLE_BEFORE = frozenset("""leader administrator professor analyst attorney lawyer official spokesman spokeswoman
founder chief executive economist scientist minister senator governor president adviser advisor
expert director investor billionaire journalist reporter editor author mayor judge""".split())


def _kind(cluster: Cluster) -> str:
    cues = cluster.cues
    name_words = cluster.name.split()
    person_like = len(name_words) in (2, 3) and all(w[:1].isupper() and w.isalpha() and not w.isupper()
                                                    for w in name_words)
    if person_like and any(form == name_words[-1] for form in cluster.forms):
        cues["person"] += 3  # the surname used alone
    agent = cues.pop("agent", 0)
    if agent:
        cues["person" if person_like and not cues["organization"] else "organization"] += agent
    if cluster.name.replace(".", "").isupper():
        cues["organization"] += 1
        cues.pop("person", None)
    if not cues:
        return "organization"
    return max(sorted(cues), key=lambda k: cues[k])


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
