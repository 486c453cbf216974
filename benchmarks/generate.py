"""Generate a realistic avr repository of any size, deterministically.

Shaped like a large city's repository: several boards, each with plans of 20 goals, many activity cards and
four half-yearly follow-ups of each card, in Swedish, in avr's own format. The same size and seed always give
byte-identical files, so timings are comparable between runs and machines.

    python benchmarks/generate.py --files 50000 --out benchmarks/repos/50k
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

GOALS_PER_PLAN = 20
FOLLOWUPS_PER_ACTIVITY = 4
FILES_PER_PLAN = 5021  # plan + 20 goals + 1000 activities + 4000 follow-ups, as in the 50 000-file repo

PERIODS = [("2021-H1", "Första halvåret 2021", "half_year", "2021-01-01", "2021-06-30"),
           ("2021", "Helår 2021", "year", "2021-01-01", "2021-12-31"),
           ("2022-H1", "Första halvåret 2022", "half_year", "2022-01-01", "2022-06-30"),
           ("2022", "Helår 2022", "year", "2022-01-01", "2022-12-31")]
BOARDS = [("Arbetsmarknadsnämnden", "AMN"), ("Socialnämnden", "SN"), ("Utbildningsnämnden", "UBN"),
          ("Kulturnämnden", "KUN"), ("Miljö- och hälsoskyddsnämnden", "MHN"), ("Äldrenämnden", "ALN"),
          ("Omsorgsnämnden", "OSN"), ("Gatu- och samhällsmiljönämnden", "GSN")]
UNITS = [("vux", "Vuxenutbildning"), ("amv", "Arbetsmarknadsverksamheten"), ("eb", "Ekonomiskt bistånd"),
         ("sfi", "Svenska för invandrare"), ("forvaltning", "Förvaltningsövergripande")]
STATUSES = [("Färdig", "done"), ("Påbörjad", "on_track"), ("Avviker från plan", "off_track"),
            ("Stoppad", "stopped"), ("Ej påbörjad", "not_started")]
AREAS = [("medborgare", "Medborgare"), ("verksamhet", "Verksamhet"), ("medarbetare", "Medarbetare"),
         ("ekonomi", "Ekonomi")]
NOUNS = ["barnfamiljer", "unga vuxna", "nyanlända", "långtidsarbetslösa", "elever på komvux", "hushåll med bistånd",
         "personer med funktionsnedsättning", "sökande till lärlingsutbildning", "deltagare i extratjänst"]
VERBS = ["Utveckla samverkan med", "Förbättra vägledningen för", "Öka andelen i arbete bland", "Stärka stödet till",
         "Korta handläggningstiden för", "Följa upp insatserna för", "Erbjuda praktikplatser åt"]
SENTENCES = [
    "Arbetet har fortgått enligt plan under perioden och samverkan med Arbetsförmedlingen har fördjupats.",
    "Andelen deltagare som gått vidare till arbete eller studier har ökat jämfört med motsvarande period i fjol.",
    "Coronapandemin har påverkat möjligheten att erbjuda praktikplatser, vilket har försenat genomförandet.",
    "En ny rutin för uppföljning har införts och dokumenteras i verksamhetssystemet.",
    "Personalomsättningen har varit hög, vilket har gjort att vissa moment skjutits upp till nästa år.",
    "Utvärderingen visar att deltagarna är nöjda med stödet och att fler har fått en tydligare planering.",
    "Insatsen har finansierats inom befintlig ram och bedöms kunna fortsätta under kommande period.",
    "Samarbetet med näringslivskontoret har gett fler arbetsgivarkontakter än väntat.",
]


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def _org_yaml(index: int) -> str:
    board, code = BOARDS[index % len(BOARDS)]
    lines = ["municipality: Storstads kommun", 'municipality_code: "0180"', f"board: {board}",
             f"board_code: {code}{index // len(BOARDS) or ''}", f"administration: {board.replace('nämnden', 'förvaltningen')}",
             "units:"]
    lines += [f"  - id: {uid}\n    name: {name}" for uid, name in UNITS]
    lines.append("statuses:")
    lines += [f"  - label: {label}\n    means: {means}" for label, means in STATUSES]
    lines.append("periods:")
    for pid, label, kind, start, end in PERIODS:
        lines.append(f'  - id: "{pid}"\n    label: {label}\n    kind: {kind}\n    start: {start}\n    end: {end}')
    return "\n".join(lines) + "\n"


def _plan_yaml(plan_id: str, number: int, rng: random.Random) -> str:
    areas = "\n".join(f"  - id: {aid}\n    title: {title}" for aid, title in AREAS)
    return (f"id: {plan_id}\nkind: operational_plan\ntitle: Verksamhetsplan {number} 2021–2022\n"
            f"first_year: 2021\nlast_year: 2022\ndecision:\n  body: Nämnden\n  date: 2020-11-{10 + number % 18:02d}\n"
            f"  paragraph: § {100 + number}\n  case_number: DNR-2020-{number:05d}\ngoal_areas:\n{areas}\n"
            f"description: |\n  {_text(rng, 3)}\n")


def _goal_yaml(goal: int, rng: random.Random) -> str:
    area = AREAS[goal % len(AREAS)][0]
    base_n, base_d = rng.randint(200, 400), rng.randint(800, 1200)
    return (f"id: \"{goal}\"\nkind: goal\ntitle: {rng.choice(VERBS)} {rng.choice(NOUNS)}\narea: {area}\n"
            f"text: >-\n  {_text(rng, 2)}\nindicators:\n  - id: ind-{goal}\n"
            f"    title: Andel {rng.choice(NOUNS)} som gått vidare till arbete eller studier\n"
            f"    unit: percent\n    source: Verksamhetssystemet\n    better: higher\n"
            f"    compare_to: same_period_last_year\n    baseline:\n      period: \"2021-H1\"\n"
            f"      value: {base_n}/{base_d}\n    targets:\n      \"2022-H1\": ska öka\n      \"2022\": ≥ 35\n")


def _activity_yaml(act: int, goals: int, rng: random.Random) -> str:
    goal = rng.randrange(1, goals + 1)
    unit = UNITS[rng.randrange(len(UNITS) - 1)][0]
    return (f"id: a{act}\ngoals: [\"{goal}\"]\nunit: {unit}\ntitle: {rng.choice(VERBS)} {rng.choice(NOUNS)}\n"
            f"summary: {rng.choice(SENTENCES)}\nresponsible: {dict(UNITS)[unit]}\n"
            f"how: |\n  {_text(rng, 1)}\nwhen: Löpande under året\naccountable: Verksamhetschef\n"
            f"expected_completion: {rng.choice(['2021', '2022', 'ongoing'])}\n")


def _followup_yaml(act: int, period: str, rng: random.Random) -> str:
    status = rng.choices(STATUSES, weights=[3, 6, 1, 1, 1])[0][0]
    return (f"period: \"{period}\"\nactivity: a{act}\nstatus: {status}\ncompletion: {rng.randrange(0, 101, 5)}\n"
            f"text: |\n  {_text(rng, 1)}\n")


def _goal_followup_yaml(goal: int, period: str, rng: random.Random) -> str:
    return (f"period: \"{period}\"\ngoal: \"{goal}\"\ntext: {rng.choice(SENTENCES)}\n"
            f"outcomes:\n  ind-{goal}: {rng.randint(250, 450)}/{rng.randint(800, 1200)}\n")


def generate(files: int, out: Path, seed: int = 1, plans: int | None = None) -> int:
    """Write a repository of about ``files`` YAML files into ``out`` (replaced); return the count written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    plans = plans or max(1, round(files / FILES_PER_PLAN))
    per_plan = max(GOALS_PER_PLAN + 1 + 5, files // plans)
    activities = max(1, (per_plan - 1 - GOALS_PER_PLAN) // (1 + FOLLOWUPS_PER_ACTIVITY))
    orgs = max(1, min(len(BOARDS) * 4, (plans + 1) // 2))
    org_ids = [f"nämnd-{i + 1:02d}".replace("ä", "a") for i in range(orgs)]
    written = 0

    def put(path: Path, text: str) -> None:
        nonlocal written
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += 1

    put(out / "avr.yaml", "title: Uppföljningsrapporter Storstads kommun\nlanguage: sv\nplans_dir: plans\n"
        "output_dir: build\norganisations: [" + ", ".join(org_ids) + "]\n"
        "accessibility:\n  email: tillganglighet@example.se\n")
    for i, org_id in enumerate(org_ids):
        put(out / "plans" / org_id / "organisation.yaml", _org_yaml(i))
    for p in range(plans):
        org_id = org_ids[p % orgs]
        plan_id = f"verksamhetsplan-{p + 1:03d}"
        folder = out / "plans" / org_id / plan_id
        put(folder / "plan.yaml", _plan_yaml(plan_id, p + 1, rng))
        for g in range(1, GOALS_PER_PLAN + 1):
            put(folder / "goals" / f"{g}.yaml", _goal_yaml(g, rng))
        for a in range(1, activities + 1):
            put(folder / "activities" / f"a{a}.yaml", _activity_yaml(a, GOALS_PER_PLAN, rng))
        for period, *_ in PERIODS:
            for a in range(1, activities + 1):
                put(folder / "followups" / period / f"a{a}.yaml", _followup_yaml(a, period, rng))
            for g in range(1, 3):  # a couple of goals with measured outcomes each period
                put(folder / "followups" / period / f"mal-{g}.yaml", _goal_followup_yaml(g, period, rng))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000, help="about how many YAML files (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.files, args.out, args.seed)
    print(f"wrote {count} files to {args.out}")


if __name__ == "__main__":
    main()
