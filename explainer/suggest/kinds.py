"""An entity's kind, guessed from cues around its mentions: the words of the name ("… Institute",
"… Journal", "… line"), the word before it ("in X", "according to X", a title) and the word after
it ("X said", "X rocket"). Each mention adds weights; the heaviest kind wins."""
from __future__ import annotations

import re
from collections import Counter

ORG_WORDS = frozenset("""party center centre college institute office alliance group house department ministry
agency administration council committee commission congress senate parliament court union bank fund
foundation university company corporation corp inc ltd llc plc association authority bureau service force
forces army navy lab labs network board reserve organization organisation government cabinet club team
society federation league academy school hospital airlines airways motors systems technologies industries
partners capital holdings trust police guard command assembly""".split())
PUBLICATION_WORDS = frozenset("""journal times post news magazine review gazette herald tribune telegraph
guardian economist wire press daily weekly monitor observer chronicle reporter standard""".split())
PLACE_WORDS = frozenset("""island islands river sea ocean mountains mountain province county city republic
kingdom strait bay valley peninsula lake desert coast region district square bridge street avenue line
railway canal dam reservoir airport station port harbour harbor tunnel highway motorway pipeline plant aquifer
gulf""".split())
EVENT_WORDS = frozenset("festival summit games championship conference accords treaty".split())
PROGRAM_WORDS = frozenset("programme program scheme initiative project".split())
PRODUCT_NEXT = frozenset("""rocket rockets satellite satellites capsule spacecraft app apps phone phones service
network booster system vehicle vehicles aircraft drone drones car cars platform model chip chips software
device devices launcher engine engines jet jets missile missiles tank tanks""".split())
PROGRAM_NEXT = frozenset("program programme project mission initiative scheme plan".split())
PERSON_NEXT = frozenset("""said says told added argued wrote believes believed explained noted asked
acknowledged replied insisted warned called""".split())
AGENT_NEXT = PERSON_NEXT | frozenset("""has had is was announced launched acquired described declined signed won
lost plans wants continues needs""".split())
PLACE_BEFORE = frozenset("in into over across near throughout around inside outside toward towards".split())
PUBLICATION_CUES = re.compile(r"^(?:reported|reports|wrote|published|has reported)\b")
ROLE_BEFORE = frozenset("""leader administrator professor analyst attorney lawyer official spokesman spokeswoman
founder chief executive economist scientist minister senator governor president adviser advisor
expert director investor billionaire journalist reporter editor author mayor judge""".split())
TITLES = frozenset("""president vice deputy minister secretary senator sen rep representative governor gov judge
justice general gen admiral adm chancellor prime premier king queen prince princess pope mayor chief director
ambassador professor prof dr mr mrs ms sir dame lord lady ceo chairman chairwoman chair commissioner speaker
leader former attorney assistant undersecretary colonel col captain capt lieutenant sergeant sheriff
spokesman spokeswoman spokesperson""".split())


def note_cues(cues: Counter, words: list[str], before: str, after: str, gap_after: str, possessive: bool,
              is_event: bool) -> None:
    """Add one mention's cues: `words` of the name, the lower-case word `before` it, the word
    `after` it as written and the characters between (`gap_after`)."""
    if is_event:
        cues["event"] += 3
    _name_word_cues(cues, words)
    _context_cues(cues, words, before, after.lower(), gap_after.strip())
    if possessive and after.lower() in ("company", "companies", "wife", "husband", "family"):
        cues["person"] += 1


def _name_word_cues(cues: Counter, words: list[str]) -> None:
    """What the name's own words say: "Department of …", "… Journal", "… line", "Project …"."""
    first, last = words[0].lower(), words[-1].lower()
    if last in ORG_WORDS or first in {"department", "ministry", "university", "bank", "office"} or (
            first in ORG_WORDS and len(words) > 2 and words[1] == "of"):  # "city council of Novo Mesto"
        cues["organization"] += 3
    if last in PUBLICATION_WORDS:
        cues["publication"] += 2
    if last in PLACE_WORDS:
        cues["place"] += 3
    if last in EVENT_WORDS:
        cues["event"] += 3
    if last in PROGRAM_WORDS or words[0] in ("Project", "Operation", "Program"):
        cues["program"] += 3
    if words[-1].isdigit() and len(words) > 1:
        cues["product"] += 2  # "Falcon 9"


def _context_cues(cues: Counter, words: list[str], before: str, after: str, gap: str) -> None:
    """What the words around a mention say: "according to X", "in X", "X said", "X rocket"."""
    if PUBLICATION_CUES.match(gap + after) or before == "according":
        cues["publication"] += 2
    if before == "told":
        cues["publication"] += 1
    if before in PLACE_BEFORE:
        cues["place"] += 1
    if after in PRODUCT_NEXT:
        cues["product"] += 2
    if after in PROGRAM_NEXT:
        cues["program"] += 3
    if gap == "" and after in AGENT_NEXT:
        cues["agent"] += 1
    if before in ("said", "says", "by") or (gap == "," and after in ("a", "an", "who", "ceo")):
        cues["agent"] += 1
    if before in TITLES or before in ROLE_BEFORE:
        cues["person"] += 2


def kind_of(name: str, forms, cues: Counter) -> str:
    """The heaviest kind among the cues; a two- or three-word name whose last word is also used
    alone is a person's ("Musk" beside "Elon Musk")."""
    cues = Counter(cues)
    name_words = name.split()
    person_like = len(name_words) in (2, 3) and all(w[:1].isupper() and w.isalpha() and not w.isupper()
                                                    for w in name_words)
    if person_like and any(form == name_words[-1] for form in forms):
        cues["person"] += 3  # the surname used alone
    agent = cues.pop("agent", 0)
    if agent:
        cues["person" if person_like and not cues["organization"] else "organization"] += agent
    if name.replace(".", "").isupper():
        cues["organization"] += 1
        cues.pop("person", None)
    if not cues:
        return "organization"
    return max(sorted(cues), key=lambda k: cues[k])
