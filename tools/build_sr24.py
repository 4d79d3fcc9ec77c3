#!/usr/bin/env python3
"""Build the bundled USDA SR24 food fixture from Debian's cronometer package.

USDA SR24 (2011, public domain) ships in Debian's `cronometer` package as
/usr/share/cronometer/usda_sr24.jar: a zip of `usda_sr24/NNNNN.xml`, one per
food, plus `foods.index` (current foods, `NDB|name`) and `deprecated.index`
(retired ones). `apt-get download cronometer` fetches it without installing Java.

Usage, from the project root with the project's virtualenv (.venv/bin/python):

    tools/build_sr24.py                    # apt-get download cronometer into a temp dir
    tools/build_sr24.py cronometer_0.9.9+dfsg1-1_all.deb
    tools/build_sr24.py /usr/share/cronometer/usda_sr24.jar
    tools/build_sr24.py --check [SOURCE]     # are the fixture files what the jar gives?
    tools/build_sr24.py --check-db [SOURCE]  # is every SR24 food in the database as in the jar?

It writes, under fixtures/ (or --out):

    usda_sr24_foods.csv.gz     ndb,name,group,energy_kcal,protein_g,magnesium_mg,
                               potassium_mg,sodium_mg,phosphorus_mg,calcium_mg
    usda_sr24_portions.csv.gz  ndb,seq,label,grams
    usda_sr24_groups.csv       code,name

Values are per 100 g and copied as given; a nutrient the XML does not list is
left empty (unknown), never 0. Each <measure amount name grams> becomes a
portion labelled "amount unit" in the XML's order, the amount in its shortest
decimal ("1 cup, sliced", "0.5 cup", "3 oz"). The food group is the NDB
number's first two digits, except for the series listed in PREFIX_GROUPS and
NDB_GROUPS below. Left out: foods only in deprecated.index, and NOT_FOODS.

Rows are sorted by NDB number and the gzip header carries no name and mtime 0,
so rebuilding from the same jar gives byte-identical files (given the same
zlib).

--check-db reads the database the way manage.py does (DJANGO_SETTINGS_MODULE,
default config.settings, and DATABASE_URL); run it with the same environment
as the app, e.g. `DEBUG=1 .venv/bin/python tools/build_sr24.py --check-db`.
Both checks print one line per mismatch and exit 1 when there is any.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = ROOT / "fixtures"
FOODS_FILE = "usda_sr24_foods.csv.gz"
PORTIONS_FILE = "usda_sr24_portions.csv.gz"
GROUPS_FILE = "usda_sr24_groups.csv"

JAR_IN_DEB = "usr/share/cronometer/usda_sr24.jar"
# The jar of Debian's cronometer 0.9.9+dfsg1-1, from which the committed
# fixture was built. Another jar is not refused, only pointed out.
KNOWN_JAR_SHA256 = "4944801587983e4fc3f277bdf165e0a171acadda1fe2a38c3b37e6e8e97f20b7"

# XML nutrient name -> Food field, in the order of nutrition.models.NUTRIENT_FIELDS.
NUTRIENTS = (
    ("Energy", "energy_kcal"),
    ("Protein", "protein_g"),
    ("Magnesium", "magnesium_mg"),
    ("Potassium", "potassium_mg"),
    ("Sodium", "sodium_mg"),
    ("Phosphorus", "phosphorus_mg"),
    ("Calcium", "calcium_mg"),
)
FOOD_COLUMNS = ("ndb", "name", "group", *(field for _, field in NUTRIENTS))
PORTION_COLUMNS = ("ndb", "seq", "label", "grams")
GROUP_COLUMNS = ("code", "name")

# USDA SR24 FD_GROUP.txt (FdGrp_Cd without its trailing "00", FdGrp_Desc).
SR24_GROUPS = {
    "01": "Dairy and Egg Products",
    "02": "Spices and Herbs",
    "03": "Baby Foods",
    "04": "Fats and Oils",
    "05": "Poultry Products",
    "06": "Soups, Sauces, and Gravies",
    "07": "Sausages and Luncheon Meats",
    "08": "Breakfast Cereals",
    "09": "Fruits and Fruit Juices",
    "10": "Pork Products",
    "11": "Vegetables and Vegetable Products",
    "12": "Nut and Seed Products",
    "13": "Beef Products",
    "14": "Beverages",
    "15": "Finfish and Shellfish Products",
    "16": "Legumes and Legume Products",
    "17": "Lamb, Veal, and Game Products",
    "18": "Baked Products",
    "19": "Sweets",
    "20": "Cereal Grains and Pasta",
    "21": "Fast Foods",
    "22": "Meals, Entrees, and Side Dishes",
    "25": "Snacks",
    "35": "American Indian/Alaska Native Foods",
    "36": "Restaurant Foods",
}

# The jar does not carry the food group, and the first two digits of the NDB
# number are the group for only 7,219 of the foods: 688 carry numbers from
# other series. Their group is FdGrp_Cd in USDA's FOOD_DES.txt; these tables
# were read from the SR releases after SR24, which keep the same NDB numbers
# and groups (SR24 itself is not at hand). Whole series first...
PREFIX_GROUPS = {
    "23": "13",  # beef cuts added in SR22-SR24 (URMIS names)
    "27": "06",  # soups, sauces, dips
    "31": "11",  # tomato and vegetable juices, canned peppers
    "48": "20",  # vital wheat gluten
    "80": "15",  # frog legs
    "83": "15",  # salted mackerel
    "90": "15",  # scallops, snails
    "93": "15",  # green turtle
}
# ...then the 42xxx-44xxx series, whose foods span most groups, one by one.
# Four were dropped after SR24 and are not in the later FOOD_DES.txt: their
# group is ours [D], from the name: 42149 orange-strawberry-banana juice (09),
# 42181 corn beverage, 43343 mocha powder, 43388 cider-flavoured drink (14).
_GROUP_MEMBERS = {
    "01": "42117 42135 42136 42141 42155 42189 42205 42235 42258 42290 42303 42304"
    " 43078 43205 43260 43261 43268 43273 43274 43275 43276 43278 43285 43340 43352"
    " 43379 43396 43398 43405 43528 43543 43589 43597 44048",
    "03": "42119 42120 42150 42266 42267 42278 42279 42284 42285 42316 43004 43006"
    " 43007 43008 43075 43373 43408 43417 43432 43523 43529 43535 43536 43537 43539"
    " 43546 43550 43585",
    "04": "42116 42137 42138 42140 42151 42153 42157 42158 42171 42178 42192 42193"
    " 42230 42231 42256 42289 42307 42309 43015 43016 43017 43019 43020 43021 43214"
    " 43215 43329 43331 43355 43598 43599 44005",
    "05": "42130 43282 43283 43287 43366 43367 43390 43391",
    "07": "42128 42129 42161 42173 42179 42188 42190 42241 42262 42280 43384 43507",
    "08": "42100 42184 42236 42237 42240 42261 42265 42297 43218 43241 43245 43306"
    " 43393 43483 43495 43510 43570 43584",
    "09": "42149 43382",
    "10": "43297 43325 43326 43327 43378",
    "11": "43142 43143 43144 43146 43217 43311 43312 43350 43365 43387 43392 43406 44055",
    "14": "42055 42181 42270 43154 43155 43343 43345 43369 43388 43401 43404 43479 44203",
    "15": "43497",
    "16": "42182 42200 42291 43112 43114 43125 43128 43129 43130 43131 43132 43134"
    " 43135 43136 43137 43212 43299 43410 43449 43476",
    "18": "43441",
    "19": "42040 42063 42074 42131 42148 42183 42185 42186 42187 42196 42227 43026"
    " 43028 43031 43046 43057 43058 43059 43060 43098 43158 43216 43269 43346 43450"
    " 43506 43514 43541 44018 44061 44110 44158 44258 44259 44260",
    "25": "42139 42204 42259 42272 42283 43100 43109 43364 43447 43566 43572 43595",
}
NDB_GROUPS = {ndb: code for code, members in _GROUP_MEMBERS.items() for ndb in members.split()}

# In foods.index but not USDA data: cronometer's placeholder for its ground-beef
# calculator, an empty <food/> with no nutrient and no measure. USDA counts
# 7,906 foods in SR24; this is the 7,907th line of the index.
NOT_FOODS = {"23999": "cronometer's ground beef calculator, no USDA data"}

# Physical ceilings per 100 g, to catch a misread value rather than to judge
# USDA: no food holds more than 100 g of anything per 100 g, and pure fat is
# about 900 kcal.
CEILINGS = {"energy_kcal": 910.0, "protein_g": 100.0}
MINERAL_CEILING_MG = 100_000.0
MAX_NAME = 255  # Food.name
MAX_LABEL = 160  # Portion.label


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class Portion:
    label: str
    grams: float


@dataclass(frozen=True)
class Food:
    ndb: str
    name: str
    group: str
    nutrients: dict[str, float | None]  # Food field -> per 100 g, None = unknown
    portions: tuple[Portion, ...]


# -- reading the jar ---------------------------------------------------------


def clean_text(text: str) -> str:
    # A few SR24 names carry a leading blank or doubled spaces ("ribeye  petite").
    return " ".join(text.split())


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float: 89.0 -> "89", 0.009 -> "0.009"."""
    return str(int(value)) if value.is_integer() else repr(value)


def portion_label(amount: float, unit: str) -> str:
    return f"{format_number(amount)} {clean_text(unit)}"


def group_of(ndb: str) -> str:
    if ndb in NDB_GROUPS:
        return NDB_GROUPS[ndb]
    prefix = ndb[:2]
    return PREFIX_GROUPS.get(prefix, prefix)


def _index(jar: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    rows = []
    for line in jar.read(f"usda_sr24/{name}").decode("utf-8").splitlines():
        if line.strip():
            ndb, _, food_name = line.partition("|")
            rows.append((ndb.strip(), food_name))
    return rows


def _number(element: ElementTree.Element, attribute: str, where: str) -> float:
    try:
        value = float(element.attrib[attribute])
    except (KeyError, ValueError):
        raise BuildError(f"{where}: bad {attribute}={element.get(attribute)!r}") from None
    if not math.isfinite(value):
        raise BuildError(f"{where}: {attribute} is {value}")
    return value


def parse_food(ndb: str, index_name: str, xml: bytes) -> Food:
    root = ElementTree.fromstring(xml)
    if root.tag != "food" or root.get("uid") != ndb:
        raise BuildError(f"{ndb}: XML is <{root.tag} uid={root.get('uid')!r}>")
    name = clean_text(root.get("name", ""))
    if name != clean_text(index_name):
        raise BuildError(f"{ndb}: XML name {name!r} differs from foods.index {index_name!r}")

    given = {n.get("name"): n for n in root.iter("nutrient")}
    nutrients: dict[str, float | None] = {}
    for xml_name, field in NUTRIENTS:
        element = given.get(xml_name)
        nutrients[field] = None if element is None else _number(element, "amount", ndb)

    portions: list[Portion] = []
    for measure in root.iter("measure"):
        where = f"{ndb} measure {measure.get('name')!r}"
        portion = Portion(
            label=portion_label(_number(measure, "amount", where), measure.get("name", "")),
            grams=_number(measure, "grams", where),
        )
        # SR24 lists a few measures twice word for word (03072 "1 jar" 170 g);
        # a second identical row would only be noise in a portion menu.
        if portion not in portions:
            portions.append(portion)
    return Food(ndb, name, group_of(ndb), nutrients, tuple(portions))


def read_jar(path: Path) -> list[Food]:
    """Every current SR24 food in the jar, sorted by NDB number."""
    with zipfile.ZipFile(path) as jar:
        current = _index(jar, "foods.index")
        # deprecated.index also lists 28 current NDB numbers under their old
        # abbreviated names (renamed, not retired): foods.index wins.
        ndbs = [ndb for ndb, _ in current]
        if len(set(ndbs)) != len(ndbs):
            raise BuildError("foods.index lists an NDB number twice")
        foods = [
            parse_food(ndb, name, jar.read(f"usda_sr24/{ndb}.xml"))
            for ndb, name in sorted(current)
            if ndb not in NOT_FOODS
        ]
        for ndb in NOT_FOODS.keys() & set(ndbs):
            # Dropped only while it stays empty: if it ever carries data, look again.
            root = ElementTree.fromstring(jar.read(f"usda_sr24/{ndb}.xml"))
            if root.find("nutrient") is not None:
                raise BuildError(f"{ndb} is excluded as {NOT_FOODS[ndb]!r} but now has nutrients")
    validate(foods)
    return foods


def validate(foods: Sequence[Food]) -> None:
    problems = []
    for food in foods:
        if food.group not in SR24_GROUPS:
            problems.append(f"{food.ndb}: no SR24 food group for code {food.group!r}")
        if not food.name or len(food.name) > MAX_NAME:
            problems.append(f"{food.ndb}: name length {len(food.name)}")
        if all(value is None for value in food.nutrients.values()):
            problems.append(f"{food.ndb}: none of the seven nutrients is given")
        for field, value in food.nutrients.items():
            ceiling = CEILINGS.get(field, MINERAL_CEILING_MG)
            if value is not None and not 0 <= value <= ceiling:
                problems.append(f"{food.ndb}: {field}={value} outside 0..{ceiling:g}")
        for portion in food.portions:
            if not 0 < portion.grams <= 100_000 or len(portion.label) > MAX_LABEL:
                problems.append(f"{food.ndb}: portion {portion}")
    if problems:
        raise BuildError("\n".join(problems))


# -- finding the jar ------------------------------------------------------------


def _jar_from_deb(deb: Path, directory: Path) -> Path:
    """Extract the jar from a .deb (an ar archive holding data.tar.*) without dpkg."""
    with deb.open("rb") as handle:
        if handle.read(8) != b"!<arch>\n":
            raise BuildError(f"{deb} is not a Debian package")
        while header := handle.read(60):
            member = header[:16].decode("ascii").strip().rstrip("/")
            size = int(header[48:58].decode("ascii"))
            data = handle.read(size)
            handle.read(size % 2)  # ar pads members to an even length
            if not member.startswith("data.tar"):
                continue
            if member.endswith(".zst"):
                raise BuildError(
                    f"{deb}: zstd data; extract it with `dpkg-deb -x` and pass the jar"
                )
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                for info in tar.getmembers():
                    if info.name.lstrip("./") == JAR_IN_DEB and info.isfile():
                        extracted = tar.extractfile(info)
                        assert extracted is not None
                        jar = directory / "usda_sr24.jar"
                        jar.write_bytes(extracted.read())
                        return jar
            raise BuildError(f"{deb} has no {JAR_IN_DEB}")
    raise BuildError(f"{deb} has no data.tar member")


@contextmanager
def jar_path(source: Path | None) -> Iterator[Path]:
    """The jar at SOURCE (a .jar or a .deb), or from `apt-get download cronometer`."""
    with tempfile.TemporaryDirectory(prefix="sr24-") as tmp:
        directory = Path(tmp)
        if source is None:
            print("apt-get download cronometer …", file=sys.stderr)
            # apt drops root to its _apt user for downloads; let it write here.
            directory.chmod(0o755)
            try:
                subprocess.run(["apt-get", "download", "cronometer"], cwd=directory, check=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                raise BuildError(
                    f"apt-get download cronometer failed ({exc}); pass the .deb or the jar instead"
                ) from None
            debs = sorted(directory.glob("cronometer_*.deb"))
            if not debs:
                raise BuildError("apt-get download cronometer left no .deb")
            source = debs[-1]
        if not source.is_file():
            raise BuildError(f"{source}: no such file")
        if source.suffix == ".deb":
            yield _jar_from_deb(source, directory)
        else:
            yield source


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- writing the fixture --------------------------------------------------------


def food_rows(foods: Sequence[Food]) -> list[list[str]]:
    return [
        [
            food.ndb,
            food.name,
            food.group,
            *(
                "" if food.nutrients[field] is None else format_number(food.nutrients[field])
                for _, field in NUTRIENTS
            ),
        ]
        for food in foods
    ]


def portion_rows(foods: Sequence[Food]) -> list[list[str]]:
    return [
        [food.ndb, str(seq), portion.label, format_number(portion.grams)]
        for food in foods
        for seq, portion in enumerate(food.portions)
    ]


def group_rows(foods: Sequence[Food]) -> list[list[str]]:
    used = {food.group for food in foods}
    return [[code, name] for code, name in SR24_GROUPS.items() if code in used]


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _gzip_bytes(data: bytes) -> bytes:
    buffer = io.BytesIO()
    # No file name and mtime 0 in the header: the bytes depend on the content only.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_fixture(foods: Sequence[Food], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        out / FOODS_FILE: _gzip_bytes(_csv_bytes(FOOD_COLUMNS, food_rows(foods))),
        out / PORTIONS_FILE: _gzip_bytes(_csv_bytes(PORTION_COLUMNS, portion_rows(foods))),
        out / GROUPS_FILE: _csv_bytes(GROUP_COLUMNS, group_rows(foods)),
    }
    for path, data in files.items():
        _write(path, data)
    return list(files)


# -- checking -------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _compare_rows(
    what: str,
    header: Sequence[str],
    key_width: int,
    expected: list[list[str]],
    actual: list[list[str]],
) -> list[str]:
    if not actual or actual[0] != list(header):
        return [f"{what}: header {actual[:1]} is not {list(header)}"]
    want = {tuple(row[:key_width]): row for row in expected}
    have = {tuple(row[:key_width]): row for row in actual[1:]}
    problems = []
    for key in sorted(want.keys() | have.keys()):
        label = f"{what} {'/'.join(key)}"
        if key not in have:
            problems.append(f"{label}: missing")
        elif key not in want:
            problems.append(f"{label}: not in the jar")
        elif have[key] != want[key]:
            for column, mine, theirs in zip(header, have[key], want[key], strict=False):
                if mine != theirs:
                    problems.append(f"{label} {column}: fixture {mine!r}, jar {theirs!r}")
    return problems


def check_fixture(foods: Sequence[Food], directory: Path) -> list[str]:
    """Mismatches between the fixture files in DIRECTORY and FOODS read from the jar."""
    problems = []
    for name, header, key_width, expected in (
        (FOODS_FILE, FOOD_COLUMNS, 1, food_rows(foods)),
        (PORTIONS_FILE, PORTION_COLUMNS, 2, portion_rows(foods)),
        (GROUPS_FILE, GROUP_COLUMNS, 1, group_rows(foods)),
    ):
        path = directory / name
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        problems += _compare_rows(name, header, key_width, expected, _read_csv(path))
    return problems


def check_database(foods: Sequence[Food]) -> list[str]:
    """Mismatches between every USDA SR24 food in the database and FOODS from the jar."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from nutrition.models import Food as FoodRow
    from nutrition.models import Portion as PortionRow

    fields = [field for _, field in NUTRIENTS]
    rows = FoodRow.objects.filter(source=FoodRow.Source.USDA_SR24).values_list(
        "id", "source_id", "name", "group__code", *fields
    )
    in_db = {row[1]: row for row in rows}
    portions: dict[int, list[Portion]] = {}
    for food_id, label, grams in (
        PortionRow.objects.filter(food__source=FoodRow.Source.USDA_SR24)
        .order_by("food_id", "seq", "id")
        .values_list("food_id", "label", "grams")
    ):
        portions.setdefault(food_id, []).append(Portion(label, grams))

    problems = []
    jar = {food.ndb: food for food in foods}
    for ndb in sorted(jar.keys() | in_db.keys()):
        if ndb not in in_db:
            problems.append(f"{ndb}: not in the database")
            continue
        if ndb not in jar:
            problems.append(f"{ndb}: in the database as usda-sr24 but not in the jar")
            continue
        food, (food_id, _, name, group, *values) = jar[ndb], in_db[ndb]
        if name != food.name:
            problems.append(f"{ndb} name: database {name!r}, jar {food.name!r}")
        if group != food.group:
            problems.append(f"{ndb} group: database {group!r}, jar {food.group!r}")
        for field, value in zip(fields, values, strict=True):
            if value != food.nutrients[field]:
                problems.append(f"{ndb} {field}: database {value!r}, jar {food.nutrients[field]!r}")
        if portions.get(food_id, []) != list(food.portions):
            problems.append(
                f"{ndb} portions: database {portions.get(food_id, [])}, jar {list(food.portions)}"
            )
    return problems


# -- command line ---------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="cronometer .deb or usda_sr24.jar (default: apt-get download cronometer)",
    )
    parser.add_argument(
        "--out", type=Path, default=FIXTURE_DIR, help="fixture directory (default: fixtures/)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="compare the fixture files with the jar; write nothing"
    )
    mode.add_argument(
        "--check-db", action="store_true", help="compare the database's SR24 foods with the jar"
    )
    args = parser.parse_args(argv)

    try:
        with jar_path(args.source) as jar:
            digest = sha256(jar)
            if digest != KNOWN_JAR_SHA256:
                print(
                    f"note: jar sha256 {digest} is not the one the fixture was built from",
                    file=sys.stderr,
                )
            foods = read_jar(jar)
    except (BuildError, zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.check or args.check_db:
        problems = check_database(foods) if args.check_db else check_fixture(foods, args.out)
        for problem in problems:
            print(problem)
        checked = "database" if args.check_db else str(args.out)
        print(
            f"{len(foods)} foods checked against {checked}: {len(problems)} mismatches",
            file=sys.stderr,
        )
        return 1 if problems else 0

    for path in write_fixture(foods, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    portions = sum(len(food.portions) for food in foods)
    print(f"{len(foods)} foods, {portions} portions, {len(group_rows(foods))} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
