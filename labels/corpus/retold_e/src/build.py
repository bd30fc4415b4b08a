import csv, pathlib, importlib, sys, re
B = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(B / "src"))
ST = {"F": "full_withdrawal", "B": "bilateral_partnership", "A": "ambiguous"}
FR = {"sec": "security", "sov": "sovereignty", "pro": "process", "par": "partnership", "reg": "regional", "dom": "domestic"}
from actors_e import EXTRA
actors = {}
for r in csv.DictReader(open(B.parent.parent / "actors.csv", encoding="utf-8")):
    actors[r["canonical"]] = r["type"]
for c, t, a in EXTRA:
    assert c not in actors, c
    actors[c] = t
arts = []
for m in ["arts_a", "arts_b", "arts_c", "arts_d"]:
    try:
        mod = importlib.import_module(m)
    except ModuleNotFoundError:
        continue
    arts += mod.ARTS
arows, srows = [], []
used = set()
for art in arts:
    aid = art["id"]
    paras = []
    stmts = []
    for it in art["items"]:
        kind = it[0]
        if kind in ("T", "S"):
            paras.append(it[1])
        elif kind in ("S+", "T+"):
            paras[-1] = paras[-1] + " " + it[1]
        if kind.startswith("S"):
            stmts.append(it)
    text = "\n\n".join(paras) + "\n"
    (B / "texts" / f"{aid}.txt").write_text(text, encoding="utf-8")
    arows.append([aid, art["title"], art["outlet"], art["date"], "2025_2026_drawdown", art["url"], "retold"])
    pos = []
    for it in stmts:
        s = it[1]
        n = text.count(s)
        assert n == 1, (aid, n, s[:60])
        # sentence boundary check
        st = text.index(s)
        before = text[st-1] if st > 0 else "\n"
        assert before in "\n .؟!", (aid, repr(before), s[:40])
        assert s.rstrip()[-1] in ".؟!»\"”", (aid, s[-20:])
        _, _, actor, canon, stc, fr = it
        assert canon in actors, canon
        pos.append((st, st + len(s), s, actor, canon, actors[canon], ST[stc], FR[fr]))
    pos.sort()
    for i, p in enumerate(pos, 1):
        srows.append([f"{aid}-s{i:02d}", aid, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]])
        used.add(p[4])
with open(B / "articles.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f); w.writerow(["article_id","title","outlet","date","episode","source_url","origin"]); w.writerows(arows)
with open(B / "statements.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f); w.writerow(["statement_id","article_id","start","end","sentence","actor","actor_canonical","actor_type","stance","frame"]); w.writerows(srows)
with open(B / "actors_extra.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f); w.writerow(["canonical","type","aliases"])
    for c, t, a in EXTRA:
        if c in used:
            w.writerow([c, t, a])
print(len(arts), "articles", len(srows), "statements")
