#!/usr/bin/env python3
"""Generates a synthetic Microsoft Graph `/users` export for reconcile's benchmark.

Deterministic for a given user count and seed. Writes, under OUT:

  day1/users-page-K.json   the export as a real download saves it: pages of 999 users
                           ($top=999), compact JSON as Graph sends it, literal UTF-8, each page
                           with @odata.context and every page but the last with @odata.nextLink
  day2/users-page-K.json   the same directory a day later, with 1% drift: renames, attribute
                           changes, disables, removals and new hires
  rows.csv                 the rows the first load puts in the store's users table (enabled
                           day-one users), for the `sqlite3 .import` baseline
  expected.json            the plan each benchmark step must report, so a wrong result fails the run

The users have the properties of samples/graph (same $select, same order), unicode names, some
nulls, service, guest and device accounts, and about 3% disabled accounts. All data is synthetic:
invented names, the reserved .example domain, the fictional 555-01xx phone range.
"""

import argparse
import csv
import json
import os
import random
import unicodedata
import uuid

SELECT = ("id,userPrincipalName,accountEnabled,displayName,givenName,surname,jobTitle,mail,department,"
          "companyName,city,officeLocation,employeeId,mobilePhone,businessPhones,preferredLanguage,userType")
CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#users(" + SELECT + ")"
NEXT_LINK = "https://graph.microsoft.com/v1.0/users?$select=" + SELECT + "&$top=999&$skiptoken="
PAGE_SIZE = 999
DOMAIN = "contosopharma.example"
COMPANY = "Contoso Pharma"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# (native spelling, ASCII spelling for the UPN): names from many languages, diacritics and CJK included.
GIVEN = [
    ("Zoë", "zoe"), ("Lukas", "lukas"), ("Priya", "priya"), ("Rafael", "rafael"), ("Søren", "soren"),
    ("Marcus", "marcus"), ("Małgorzata", "malgorzata"), ("Kenji", "kenji"), ("Anna", "anna"),
    ("Liam", "liam"), ("小龍", "xiaolong"), ("Claire", "claire"), ("Hannah", "hannah"), ("Łukasz", "lukasz"),
    ("Fiona", "fiona"), ("Arjun", "arjun"), ("José", "jose"), ("Siobhán", "siobhan"), ("Beatriz", "beatriz"),
    ("Wei Ling", "weiling"), ("Nadia", "nadia"), ("Emily", "emily"), ("Chloé", "chloe"), ("Jürgen", "juergen"),
    ("Ana", "ana"), ("Mohammed", "mohammed"), ("Olga", "olga"), ("Ngozi", "ngozi"), ("Sven", "sven"),
    ("Amélie", "amelie"), ("Björn", "bjorn"), ("Ingrid", "ingrid"), ("Tomás", "tomas"), ("Aiko", "aiko"),
    ("Dmitri", "dmitri"), ("Fatima", "fatima"), ("Giulia", "giulia"), ("Hiroshi", "hiroshi"),
    ("Isabel", "isabel"), ("Jan", "jan"), ("Katarzyna", "katarzyna"), ("Leila", "leila"), ("Mateo", "mateo"),
    ("Noor", "noor"), ("Oscar", "oscar"), ("Pål", "pal"), ("Quentin", "quentin"), ("Renée", "renee"),
    ("Sofía", "sofia"), ("Thabo", "thabo"), ("Uxue", "uxue"), ("Václav", "vaclav"), ("Wiebke", "wiebke"),
    ("Xavier", "xavier"), ("Yasmin", "yasmin"), ("Zsófia", "zsofia"), ("美咲", "misaki"), ("서연", "seoyeon"),
    ("Ömer", "omer"), ("Αλέξανδρος", "alexandros"), ("Дарья", "darya"), ("Ethan", "ethan"), ("Grace", "grace"),
]
SURNAMES = [
    ("Núñez", "nunez"), ("Brunner", "brunner"), ("Raman", "raman"), ("Oliveira", "oliveira"),
    ("Kierkegård", "kierkegard"), ("Chen", "chen"), ("Wiśniewska", "wisniewska"), ("Watanabe", "watanabe"),
    ("Schmidt", "schmidt"), ("O'Connor", "oconnor"), ("李", "li"), ("Dubois", "dubois"), ("Keller", "keller"),
    ("Żółć", "zolc"), ("Walsh", "walsh"), ("Mehta", "mehta"), ("Álvarez", "alvarez"), ("Ní Bhriain", "nibhriain"),
    ("Gonçalves", "goncalves"), ("Tan", "tan"), ("Haddad", "haddad"), ("Carter", "carter"), ("Lefèvre", "lefevre"),
    ("Müller", "mueller"), ("García", "garcia"), ("Nowak", "nowak"), ("Okafor", "okafor"), ("Lindqvist", "lindqvist"),
    ("Dvořák", "dvorak"), ("Yılmaz", "yilmaz"), ("Rossi", "rossi"), ("Suzuki", "suzuki"), ("Ivanova", "ivanova"),
    ("Hansen", "hansen"), ("Fernández", "fernandez"), ("Kowalski", "kowalski"), ("Nguyễn", "nguyen"),
    ("Papadopoulos", "papadopoulos"), ("Van der Berg", "vanderberg"), ("Østergaard", "ostergaard"),
    ("Smith", "smith"), ("Johnson", "johnson"), ("Khan", "khan"), ("Silva", "silva"), ("Dlamini", "dlamini"),
    ("Kim", "kim"), ("Park", "park"), ("佐藤", "sato"), ("王", "wang"), ("Björk", "bjork"), ("Jensen", "jensen"),
    ("Moreau", "moreau"), ("Novák", "novak"), ("Horváth", "horvath"), ("Popescu", "popescu"), ("Costa", "costa"),
    ("Weber", "weber"), ("Fischer", "fischer"), ("Bauer", "bauer"), ("Ali", "ali"), ("Singh", "singh"),
]
TITLES = [
    "Research Scientist", "Head of Treasury", "Data Scientist", "Key Account Manager", "Biostatistician",
    "Clinical Research Associate", "Regulatory Affairs Manager", "Paralegal", "IT Support Engineer",
    "Software Engineer", "Financial Analyst", "Quality Assurance Specialist", "Lab Technician",
    "Medical Science Liaison", "Procurement Officer", "HR Business Partner", "Senior Biostatistician",
    "Research Associate", "Sales Representative", "Legal Counsel", "Site Reliability Engineer",
]
DEPARTMENTS = ["Research", "Clinical Operations", "Finance", "IT", "Sales", "Legal", "Quality", "Manufacturing"]
# city, office, preferred language, phone prefix
CITIES = [
    ("Basel", "BSL Rosental 2/4.17", "de-CH", "+41 61 555 01"),
    ("Boston", "BOS Kendall 3/310", "en-US", "+1 617 555 01"),
    ("Dublin", "DUB Docklands 1/12", "en-IE", "+353 1 555 01"),
    ("Singapore", "SIN Biopolis 5/501", "en-SG", "+65 555 01"),
    ("São Paulo", "SAO Paulista 7/701", "pt-BR", "+55 11 555 01"),
    ("Zürich", "ZRH Prime Tower 9/903", "de-CH", "+41 44 555 01"),
    ("Kraków", "KRK Kazimierz 2/210", "pl-PL", "+48 12 555 01"),
    ("東京", "TYO Shinagawa 12/1204", "ja-JP", "+81 3 555 01"),
]
PARTNERS = ["fabrikam.example", "northwind.example", "adatum.example", "tailspin.example"]


class Directory:
    """The synthetic directory: users in export order, and the identities taken so far."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.taken = set()          # lowercased UPN local parts (UPNs compare case-insensitively)
        self.next_employee = 100000
        self.users = []

    def new_id(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def unique_local(self, base):
        local, n = base, 1
        while local.lower() in self.taken:
            n += 1
            local = "%s%d" % (base, n)
        self.taken.add(local.lower())
        return local

    def phone(self, prefix):
        return "%s%02d" % (prefix, self.rng.randrange(100))

    def new_user(self):
        """One user in $select order; kinds and nulls in realistic proportions."""
        rng = self.rng
        roll = rng.random()
        city, office, language, prefix = rng.choice(CITIES)
        given, given_ascii = rng.choice(GIVEN)
        surname, surname_ascii = rng.choice(SURNAMES)
        self.next_employee += 1
        user = {"id": self.new_id()}
        if roll < 0.01:  # service account: no person behind it
            local = self.unique_local("svc-%s-%04d" % (rng.choice(["lims", "erp", "backup", "etl", "scan"]), rng.randrange(10000)))
            user.update({
                "userPrincipalName": "%s@%s" % (local, DOMAIN), "accountEnabled": True,
                "displayName": "%s Integration Service" % local[4:].split("-")[0].upper(),
                "givenName": None, "surname": None, "jobTitle": None, "mail": None,
                "department": "IT", "companyName": COMPANY, "city": None, "officeLocation": None,
                "employeeId": None, "mobilePhone": None, "businessPhones": [], "preferredLanguage": None,
                "userType": "Member",
            })
        elif roll < 0.02:  # device account: display name keys absent, not null
            local = self.unique_local("mfp-scan-%s%02d" % (office[:3].lower(), rng.randrange(100)))
            user.update({
                "userPrincipalName": "%s@%s" % (local, DOMAIN), "accountEnabled": True,
                "jobTitle": None, "mail": None, "department": None, "companyName": None, "city": city,
                "officeLocation": office, "employeeId": None, "mobilePhone": None, "businessPhones": [],
                "preferredLanguage": None, "userType": "Member",
            })
        elif roll < 0.04:  # B2B guest
            partner = rng.choice(PARTNERS)
            local = self.unique_local("%s.%s_%s" % (given_ascii[0], surname_ascii, partner))
            user.update({
                "userPrincipalName": "%s#EXT#@%s" % (local, DOMAIN), "accountEnabled": True,
                "displayName": "%s %s (%s)" % (given, surname, partner.split(".")[0].capitalize()),
                "givenName": given, "surname": surname, "jobTitle": None,
                "mail": "%s.%s@%s" % (given_ascii[0], surname_ascii, partner),
                "department": None, "companyName": None, "city": None, "officeLocation": None,
                "employeeId": None, "mobilePhone": None, "businessPhones": [], "preferredLanguage": None,
                "userType": "Guest",
            })
        else:  # employee
            local = self.unique_local("%s.%s" % (given_ascii, surname_ascii))
            if rng.random() < 0.03:  # some tenants keep mixed-case UPNs
                local = ".".join(part.capitalize() for part in local.split("."))
            domain = "ContosoPharma.example" if local[0].isupper() else DOMAIN
            user.update({
                "userPrincipalName": "%s@%s" % (local, domain), "accountEnabled": True,
                "displayName": "%s %s" % (given, surname), "givenName": given, "surname": surname,
                "jobTitle": None if rng.random() < 0.05 else rng.choice(TITLES),
                "mail": "%s@%s" % (local, domain),
                "department": None if rng.random() < 0.03 else rng.choice(DEPARTMENTS),
                "companyName": COMPANY, "city": city, "officeLocation": office,
                "employeeId": "CP%d" % self.next_employee,
                "mobilePhone": None if rng.random() < 0.4 else self.phone(prefix),
                "businessPhones": [] if rng.random() < 0.3 else [self.phone(prefix)],
                "preferredLanguage": language, "userType": "Member",
            })
        if rng.random() < 0.03:
            user["accountEnabled"] = False
        return user


def is_employee(user):
    return user.get("userType") == "Member" and user.get("employeeId") is not None


def drift(directory, users, rng):
    """Day two: 1% of the directory changes. Returns the new user list and the drift counts."""
    total = max(5, round(len(users) * 0.01))
    counts = {"renames": total * 20 // 100, "attributes": total * 30 // 100, "disables": total * 20 // 100,
              "removals": total * 15 // 100}
    counts["hires"] = total - sum(counts.values())
    candidates = [i for i, u in enumerate(users) if u["accountEnabled"] and is_employee(u)]
    chosen = rng.sample(candidates, counts["renames"] + counts["attributes"] + counts["disables"] + counts["removals"])
    cut = 0
    groups = {}
    for kind in ("renames", "attributes", "disables", "removals"):
        groups[kind] = set(chosen[cut:cut + counts[kind]])
        cut += counts[kind]

    day2 = []
    for index, old in enumerate(users):
        if index in groups["removals"]:
            continue
        user = dict(old)
        if index in groups["renames"]:  # marriage: new surname, UPN and mail; same person, same id
            surname, surname_ascii = rng.choice([s for s in SURNAMES if s[0] != user["surname"]])
            local = directory.unique_local("%s.%s" % (user["userPrincipalName"].split("@")[0].split(".")[0].lower(), surname_ascii))
            user["userPrincipalName"] = user["mail"] = "%s@%s" % (local, DOMAIN)
            user["surname"] = surname
            user["displayName"] = "%s %s" % (user["givenName"], surname)
        elif index in groups["attributes"]:  # promotion, transfer or relocation
            which = index % 3
            user["jobTitle"] = rng.choice([t for t in TITLES if t != user["jobTitle"]])
            if which == 1:
                user["department"] = rng.choice([d for d in DEPARTMENTS if d != user["department"]])
            elif which == 2:
                city, office, _, _ = rng.choice([c for c in CITIES if c[0] != user["city"]])
                user["city"], user["officeLocation"] = city, office
        elif index in groups["disables"]:
            user["accountEnabled"] = False
        day2.append(user)
    for _ in range(counts["hires"]):
        user = directory.new_user()
        while not (user["accountEnabled"] and is_employee(user)):
            user = directory.new_user()
        day2.append(user)
    return day2, counts


def write_pages(folder, users, rng):
    os.makedirs(folder, exist_ok=True)
    pages = [users[i:i + PAGE_SIZE] for i in range(0, len(users), PAGE_SIZE)] or [[]]
    for number, page in enumerate(pages, start=1):
        document = {"@odata.context": CONTEXT}
        if number < len(pages):
            token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(88))
            document["@odata.nextLink"] = NEXT_LINK + token
        document["value"] = page
        with open(os.path.join(folder, "users-page-%d.json" % number), "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
            out.write("\n")
    return len(pages)


def scim_row(user, created):
    """The users-table row the default (UiPath) mapping gives an enabled user, resource JSON included."""
    target_id = str(uuid.uuid5(uuid.NAMESPACE_OID, user["id"]))
    resource = {"schemas": [CORE], "externalId": user["id"], "userName": user["userPrincipalName"], "active": True}
    if user.get("displayName"):
        resource["displayName"] = user["displayName"]
    if user.get("jobTitle"):
        resource["title"] = user["jobTitle"]
    if user.get("mail"):
        resource["emails"] = [{"type": "work", "primary": True, "value": user["mail"]}]
    name = {k: user[s] for k, s in (("givenName", "givenName"), ("familyName", "surname")) if user.get(s)}
    if name:
        resource["name"] = name
    if user.get("city"):
        resource["addresses"] = [{"type": "work", "primary": True, "locality": user["city"]}]
    enterprise = {k: user[s] for k, s in (("organization", "companyName"), ("department", "department")) if user.get(s)}
    if enterprise:
        resource["schemas"].append(ENTERPRISE)
        resource[ENTERPRISE] = enterprise
    resource["id"] = target_id
    resource["meta"] = {"resourceType": "User", "created": created, "lastModified": created,
                        "version": 'W/"1"', "location": "Users/" + target_id}
    key = unicodedata.normalize("NFC", unicodedata.normalize("NFC", user["userPrincipalName"]).casefold())
    return [target_id, user["id"], user["userPrincipalName"], key, 1, user.get("displayName"), user.get("jobTitle"),
            user.get("mail"), user.get("givenName"), user.get("surname"), user.get("city"), user.get("companyName"),
            user.get("department"), json.dumps(resource, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            created, created, 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100000, help="number of day-one users (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="folder to write day1/, day2/, rows.csv and expected.json into")
    args = parser.parse_args()
    if args.users < 100:
        parser.error("--users must be at least 100")

    directory = Directory(args.seed)
    day1 = [directory.new_user() for _ in range(args.users)]
    day2, counts = drift(directory, day1, random.Random(args.seed + 1))
    pages_rng = random.Random(args.seed + 2)
    pages1 = write_pages(os.path.join(args.out, "day1"), day1, pages_rng)
    pages2 = write_pages(os.path.join(args.out, "day2"), day2, pages_rng)

    enabled1 = [u for u in day1 if u["accountEnabled"]]
    with open(os.path.join(args.out, "rows.csv"), "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for user in enabled1:
            writer.writerow(["" if v is None else v for v in scim_row(user, "2025-01-01T02:00:00Z")])

    disabled1 = len(day1) - len(enabled1)
    updates = counts["renames"] + counts["attributes"]
    disables = counts["disables"] + counts["removals"]
    expected = {
        "users": len(day1), "seed": args.seed, "pages": {"day1": pages1, "day2": pages2},
        "day2Users": len(day2), "driftCounts": counts,
        # The counts each step's "Plan:" line must show.
        "firstLoad": {"create": len(enabled1), "update": 0, "link": 0, "disable": 0, "delete": 0, "skipped": 0,
                      "unchanged": 0},
        "drift": {"create": counts["hires"], "update": updates, "link": 0, "disable": disables, "delete": 0,
                  "skipped": 0, "unchanged": len(enabled1) - updates - disables},
        "nothingToDo": {"create": 0, "update": 0, "link": 0, "disable": 0, "delete": 0, "skipped": 0,
                        "unchanged": len(enabled1) + counts["hires"]},
        "disabledDayOne": disabled1,
    }
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(expected, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
